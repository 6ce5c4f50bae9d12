"""Training the heads over frozen MiniLM embeddings.

Two kinds, both exported as plain dense layers (`weight{i}` (in, out), `bias{i}`) that the
runtime evaluates in numpy:
- `logistic`: one logistic regression per label (scikit-learn), stacked into a (384, 5) layer.
- `mlp`: a shared hidden layer and one output per label, trained in torch with a masked
  binary cross-entropy (a label the source does not give contributes nothing).
Both are deterministic for a given seed and input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dense:
    weights: list[np.ndarray]
    biases: list[np.ndarray]

    def logits(self, x: np.ndarray) -> np.ndarray:
        h = x.astype(np.float32)
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w + b
            if i < len(self.weights) - 1:
                h = np.maximum(h, 0.0)
        return h

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(x), -40, 40)))

    def arrays(self) -> dict[str, np.ndarray]:
        out = {}
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            out[f"weight{i}"] = w.astype(np.float32)
            out[f"bias{i}"] = b.astype(np.float32)
        return out


def fit_logistic(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float = 1.0, seed: int = 0
) -> Dense:
    """y: (n, labels) with -1 where unknown; weights: (n,) sample weights."""
    from sklearn.linear_model import LogisticRegression

    columns_w, columns_b = [], []
    for j in range(y.shape[1]):
        known = y[:, j] >= 0
        model = LogisticRegression(C=c, max_iter=2000, random_state=seed)
        model.fit(x[known], y[known, j], sample_weight=weights[known])
        columns_w.append(model.coef_[0])
        columns_b.append(model.intercept_[0])
    return Dense(
        [np.stack(columns_w, axis=1).astype(np.float32)],
        [np.array(columns_b, dtype=np.float32)],
    )


def fit_mlp(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    hidden: int = 256,
    epochs: int = 30,
    seed: int = 0,
    dropout: float = 0.2,
    weight_decay: float = 1e-4,
) -> Dense:
    """Shared hidden layer, masked BCE; keeps the epoch with the best mean validation AUC."""
    import torch
    from sklearn.metrics import roc_auc_score

    torch.manual_seed(seed)
    # Small matrices: one thread is faster than two fighting over a busy machine.
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(seed)
    n_labels = y.shape[1]
    model = torch.nn.Sequential(
        torch.nn.Dropout(0.1),
        torch.nn.Linear(x.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Dropout(dropout),
        torch.nn.Linear(hidden, n_labels),
    )
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=weight_decay)
    xt = torch.from_numpy(x.astype(np.float32))
    yt = torch.from_numpy(np.clip(y, 0, 1).astype(np.float32))
    mt = torch.from_numpy((y >= 0).astype(np.float32))
    wt = torch.from_numpy(weights.astype(np.float32))
    # Each label's positives weighted to half the (weighted) mass of its known examples.
    known_mass = (mt * wt[:, None]).sum(0)
    pos_mass = (mt * yt * wt[:, None]).sum(0).clamp(min=1.0)
    pos_weight = ((known_mass - pos_mass) / pos_mass).clamp(max=20.0) ** 0.5

    best: tuple[float, Dense | None] = (-1.0, None)
    for _epoch in range(epochs):
        model.train()
        order = rng.permutation(len(x))
        for start in range(0, len(order), 256):
            batch = torch.from_numpy(order[start : start + 256])
            logits = model(xt[batch])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, yt[batch], pos_weight=pos_weight, reduction="none"
            )
            loss = (loss * mt[batch] * wt[batch, None]).sum() / (mt[batch] * wt[batch, None]).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        dense = _dense_from_torch(model)
        scores = dense.probabilities(x_val)
        aucs = [
            roc_auc_score(y_val[y_val[:, j] >= 0, j], scores[y_val[:, j] >= 0, j])
            for j in range(n_labels)
        ]
        mean_auc = float(np.mean(aucs))
        if mean_auc > best[0]:
            best = (mean_auc, dense)
    assert best[1] is not None
    return best[1]


def _dense_from_torch(model: object) -> Dense:
    import torch

    layers = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]  # type: ignore[attr-defined]
    return Dense(
        [layer.weight.detach().numpy().T.copy() for layer in layers],
        [layer.bias.detach().numpy().copy() for layer in layers],
    )
