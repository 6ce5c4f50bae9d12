"""Refitting the model's heads to the council's decisions, on CPU, with the encoder frozen.

The bundled heads are one linear layer over the sentence embedding: one logistic regression
per label. A candidate refits each label's regression on two kinds of rows:

- the council's examples (`examples.py`): its reviewers' decisions, with the labels they
  imply, each counting COUNCIL_WEIGHT;
- the bundled training sample (`sample.py`): comments from the written corpus the bundled
  model was trained on, whose target is the bundled heads' own probability for them.

The sample's targets are the bundled model's probabilities, not the corpus's gold labels: the
bundled heads were trained end to end with class weights and public sets the sample does not
carry, so refitting them to gold labels alone moves every label's calibration (measured: a
refit with no council decisions at all changed the mean probability by 0.01 to 0.11 per label)
and with it the meaning of every threshold. With the bundled probabilities as targets, a fit
with no decisions gives back the bundled heads, and whatever changes was asked for by the
council's reviewers. An L2 pull towards the bundled weights (PRIOR) keeps the change small
where neither kind of row says anything. Each label's fit starts from the bundled weights
(warm start) and runs scipy's L-BFGS to convergence: a few seconds for all labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from moderation.model.onnx_model import ToxicityHeads

FloatArray = npt.NDArray[np.float64]

# How much one council decision counts against one comment of the bundled sample. With
# 4,000 sample comments, 40 decisions weigh as much as 400 of them: enough to move the
# comments like the ones decided, not the rest (docs/learning.md has the measurements).
COUNCIL_WEIGHT = 10.0
# The L2 pull of each label's weights towards the bundled ones.
PRIOR = 1.0


@dataclass(frozen=True)
class FitReport:
    """What the fit did, per label: council rows used and how far the weights moved."""

    council_rows: dict[str, int]
    weight_change: dict[str, float]
    iterations: dict[str, int]


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)))


def _fit_label(
    x: FloatArray, y: FloatArray, w: FloatArray, w0: FloatArray, b0: float, prior: float
) -> tuple[FloatArray, float, int]:
    def loss(theta: FloatArray) -> tuple[float, FloatArray]:
        weight, bias = theta[:-1], theta[-1]
        z = x @ weight + bias
        value = float((w * (np.logaddexp(0.0, z) - y * z)).sum())
        value += 0.5 * prior * float(((weight - w0) ** 2).sum())
        residual = w * (_sigmoid(z) - y)
        grad = np.concatenate([x.T @ residual + prior * (weight - w0), [residual.sum()]])
        return value, grad

    start = np.concatenate([w0, [b0]])
    result = minimize(
        loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 1000, "gtol": 1e-6}
    )
    return result.x[:-1], float(result.x[-1]), int(result.nit)


def refit(
    bundled: ToxicityHeads,
    sample: npt.NDArray[np.float32],
    council: npt.NDArray[np.float32],
    council_labels: npt.NDArray[np.float32],
    *,
    council_weight: float = COUNCIL_WEIGHT,
    prior: float = PRIOR,
) -> tuple[ToxicityHeads, FitReport]:
    """New linear heads: the bundled ones refitted to the council's examples (rows of
    `council`, labels 1, 0 or NaN for unknown) and to the bundled heads' own probabilities
    on the `sample` embeddings."""
    if len(bundled.weights) != 1:
        raise ValueError("learning needs the bundled model's linear heads")
    w_all = bundled.weights[0].astype(np.float64)
    b_all = bundled.biases[0].astype(np.float64)
    targets = bundled.probabilities(sample).astype(np.float64)
    new_w, new_b = w_all.copy(), b_all.copy()
    rows: dict[str, int] = {}
    change: dict[str, float] = {}
    iterations: dict[str, int] = {}
    for j, label in enumerate(bundled.labels):
        known = ~np.isnan(council_labels[:, j]) if len(council) else np.zeros(0, dtype=bool)
        x = np.concatenate([sample, council[known]]).astype(np.float64)
        y = np.concatenate([targets[:, j], council_labels[known, j]]).astype(np.float64)
        w = np.concatenate([np.ones(len(sample)), np.full(int(known.sum()), council_weight)])
        new_w[:, j], new_b[j], iterations[label] = _fit_label(
            x, y, w, w_all[:, j], float(b_all[j]), prior
        )
        rows[label] = int(known.sum())
        change[label] = round(
            float(np.linalg.norm(new_w[:, j] - w_all[:, j]) / np.linalg.norm(w_all[:, j])), 4
        )
    heads = ToxicityHeads(bundled.labels, (new_w.astype(np.float32),), (new_b.astype(np.float32),))
    return heads, FitReport(rows, change, iterations)
