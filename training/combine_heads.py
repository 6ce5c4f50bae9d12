"""Combine the model's heads for the labels that hide, on the selection councils, and choose
their thresholds again.

    .venv/bin/python training/combine_heads.py [--model moderation/model] [--regularisation 0.1]

Each label's head is trained alone on the training councils, and there it learns more than
holds on a council it has never seen: the threat head reads a furious but lawful comment as a
threat, though the criticism head knows it for criticism. This script refits each label that
hides or escalates (threat, harassment, discrimination, obscenity, allegation, scam) as a
logistic regression over all nine heads' logits, on the selection councils (which the encoder
never trained on), strongly regularised so that it can only reweigh what the heads already
read. Every head is linear over the encoder's vector, so the combination is a linear head
too: it is written back into heads.npz and nothing changes at run time.

The thresholds of those labels are chosen again by package_model.py's rule, on probabilities
each selection council gets from a combination fitted without it. Before writing anything it
reports, leave one council out, what the heads find on a council neither the combination nor
the thresholds were fitted on, against the heads as they were: the only fair measure, since the
combination has seen every selection council. The labels that do not hide (service complaint,
criticism, tone) keep their heads and thresholds.

It rewrites heads.npz, labels.json and SHA256SUMS in the model folder (the model version
changes), and refuses a folder whose heads are already combined. Run it after
package_model.py and misinformation_stance.py; about 2 minutes.

The bundled model does not use it: combined, the released heads found more on the selection
councils held out one at a time but less on the test councils and under three of our
functional suite's floors (training/corpus-next/README.md has the figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from labels import LABELS  # noqa: E402
from package_model import (  # noqa: E402
    FLAGGING,
    IDENTITY_CHECK,
    choose_all,
    council_sets,
    flagged_by_hiding_labels,
    gold,
    read,
)

from moderation.model.checksums import read_sums, write_sums  # noqa: E402
from moderation.model.onnx_model import LABELS_FILE, SentenceEncoder, ToxicityHeads  # noqa: E402

COMBINED = "combined_hiding_heads"  # the labels.json key that marks a combined folder
Heads = tuple[np.ndarray, np.ndarray]  # (384, labels) weights and (labels,) biases


class Council:
    """A selection council's logits from the heads as they were, and its gold labels."""

    def __init__(self, logits: np.ndarray, truth: np.ndarray, lawful: np.ndarray) -> None:
        self.logits, self.truth, self.lawful = logits, truth, lawful


def combination(councils: list[Council], strength: float) -> dict[int, tuple[np.ndarray, float]]:
    """Per hiding label: (weights over the nine logits, bias) fitted on these councils."""
    logits = np.concatenate([c.logits for c in councils])
    truth = np.concatenate([c.truth for c in councils])
    mean, spread = logits.mean(axis=0), logits.std(axis=0) + 1e-6
    fitted = {}
    for label in FLAGGING:
        j = LABELS.index(label)
        regression = LogisticRegression(C=strength, max_iter=5000)
        regression.fit((logits - mean) / spread, truth[:, j])
        weights = regression.coef_[0] / spread
        fitted[j] = (weights, float(regression.intercept_[0] - mean @ weights))
    return fitted


def probabilities(logits: np.ndarray, fitted: dict[int, tuple[np.ndarray, float]]) -> np.ndarray:
    combined = logits.copy()
    for j, (weights, bias) in fitted.items():
        combined[:, j] = logits @ weights + bias
    probability: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(combined, -40.0, 40.0)))
    return probability


def held_out(
    councils: dict[str, Council], strength: float, identity: np.ndarray
) -> Callable[[list[str]], tuple[dict[str, float], dict[int, tuple[np.ndarray, float]]]]:
    """A function from councils to (thresholds, combination): the combination fitted on them,
    the thresholds chosen on what each of them gets from a combination fitted without it."""

    def fit(names: list[str]) -> tuple[dict[str, float], dict[int, tuple[np.ndarray, float]]]:
        scored = []
        for name in names:
            others = [councils[n] for n in names if n != name]
            scored.append(probabilities(councils[name].logits, combination(others, strength)))
        fitted = combination([councils[n] for n in names], strength)
        chosen = choose_all(
            np.concatenate(scored),
            np.concatenate([councils[n].truth for n in names]),
            np.concatenate([councils[n].lawful for n in names]),
            probabilities(identity, fitted),
        )
        return chosen, fitted

    return fit


def tally(council: Council, p: np.ndarray, chosen: dict[str, float]) -> np.ndarray:
    """Found of the hiding labels, their positives, threats found, threats, lawful flagged."""
    found = positives = 0
    for label in FLAGGING:
        j = LABELS.index(label)
        truth = council.truth[:, j].astype(bool)
        found += int((truth & (p[:, j] >= chosen[label])).sum())
        positives += int(truth.sum())
    threats = council.truth[:, 0].astype(bool)
    return np.array(
        [
            found,
            positives,
            int((threats & (p[:, 0] >= chosen["threat"])).sum()),
            int(threats.sum()),
            int(flagged_by_hiding_labels(p[council.lawful], chosen).sum()),
            int(council.lawful.sum()),
        ]
    )


def fold(
    weight: np.ndarray, bias: np.ndarray, fitted: dict[int, tuple[np.ndarray, float]]
) -> Heads:
    """The heads with each combined label's column replaced by its combination: a weighted sum
    of linear heads plus a bias is a linear head itself."""
    combined_weight, combined_bias = weight.copy(), bias.copy()
    for j, (weights, offset) in fitted.items():
        combined_weight[:, j] = weight @ weights
        combined_bias[j] = bias @ weights + offset
    return combined_weight, combined_bias


def read_heads(path: Path) -> Heads:
    heads = ToxicityHeads.from_npz(path, LABELS)
    if len(heads.weights) != 1:
        raise SystemExit(f"{path} is not one linear layer: only linear heads can be combined")
    return np.asarray(heads.weights[0], np.float64), np.asarray(heads.biases[0], np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=HERE.parent / "moderation" / "model")
    parser.add_argument(
        "--regularisation", type=float, default=0.1, help="the regressions' C (smaller: stronger)"
    )
    args = parser.parse_args()
    card = json.loads((args.model / LABELS_FILE).read_text(encoding="utf-8"))
    if card.get(COMBINED):
        parser.error(f"{args.model} has combined heads already: package the model again first")
    if tuple(card.get("labels", ())) != LABELS:
        parser.error(f"{args.model / LABELS_FILE} does not list the labels {', '.join(LABELS)}")
    started = time.time()
    encoder = SentenceEncoder(args.model / "encoder.onnx", args.model / "tokenizer.json")
    weight, bias = read_heads(args.model / "heads.npz")

    def logits_of(texts: list[str]) -> np.ndarray:
        return np.asarray(encoder.embed(texts), np.float64) @ weight + bias

    councils = {}
    for name, (folder, role) in sorted(council_sets().items()):
        if role == "select":
            rows = read(folder)
            truth, lawful = gold(rows)
            councils[name] = Council(logits_of([str(r["text"]) for r in rows]), truth, lawful)
            print(f"  scored {name} ({len(rows)}) {time.time() - started:.0f}s", flush=True)
    lines = IDENTITY_CHECK.read_text(encoding="utf-8").splitlines()
    identity = logits_of([line.strip() for line in lines if line.strip()])
    fit = held_out(councils, args.regularisation, identity)
    names = sorted(councils)

    before, after = np.zeros(6, dtype=int), np.zeros(6, dtype=int)
    for name in names:
        others = [n for n in names if n != name]
        plain = choose_all(
            np.concatenate([probabilities(councils[n].logits, {}) for n in others]),
            np.concatenate([councils[n].truth for n in others]),
            np.concatenate([councils[n].lawful for n in others]),
            probabilities(identity, {}),
        )
        before += tally(councils[name], probabilities(councils[name].logits, {}), plain)
        chosen, fitted = fit(others)
        after += tally(councils[name], probabilities(councils[name].logits, fitted), chosen)
    print(f"each of the {len(names)} selection councils, fitted and chosen on the others:")
    for how, counts in (("heads as they were", before), ("combined heads", after)):
        print(
            f"  {how:18s} found {counts[0]} of {counts[1]} (threats {counts[2]} of {counts[3]}); "
            f"lawful flagged {counts[4]} of {counts[5]}"
        )

    chosen, fitted = fit(names)
    combined_weight, combined_bias = fold(weight, bias, fitted)
    np.savez(
        args.model / "heads.npz",
        weight0=combined_weight.astype(np.float32),
        bias0=combined_bias.astype(np.float32),
    )
    for label in FLAGGING:
        card["thresholds"][label] = chosen[label]
    card[COMBINED] = (
        f"{', '.join(FLAGGING)} refitted by training/combine_heads.py over all heads' logits on "
        f"the selection councils (C={args.regularisation}); their thresholds chosen again there, "
        "each council scored by a combination fitted without it"
    )
    (args.model / LABELS_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    write_sums(args.model, sorted(read_sums(args.model)))
    print(json.dumps({label: chosen[label] for label in FLAGGING}))
    took = time.time() - started
    print(f"wrote {args.model / 'heads.npz'}, {LABELS_FILE} and SHA256SUMS ({took:.0f}s)")


if __name__ == "__main__":
    main()
