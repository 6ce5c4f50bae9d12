"""Held-out metrics for the heads: ROC-AUC, and precision/recall/F1 at a threshold."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """Metrics over the examples whose label is known (y >= 0)."""
    known = y >= 0
    y, p = y[known].astype(int), p[known]
    predicted = (p >= threshold).astype(int)
    both = 0 < y.sum() < len(y)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "precision": float(precision_score(y, predicted, zero_division=0)),
        "recall": float(recall_score(y, predicted, zero_division=0)),
        "f1": float(f1_score(y, predicted, zero_division=0)),
        "threshold": float(threshold),
    }


def best_f1_threshold(y: np.ndarray, p: np.ndarray, floor: float = 0.05) -> float:
    """The threshold (on a 0.01 grid, at least `floor`) with the best F1 on known labels."""
    known = y >= 0
    y, p = y[known].astype(int), p[known]
    grid = np.round(np.arange(max(floor, 0.01), 0.991, 0.01), 2)
    scores = [f1_score(y, (p >= t).astype(int), zero_division=0) for t in grid]
    return float(grid[int(np.argmax(scores))])


def precision_threshold(y: np.ndarray, p: np.ndarray, target: float) -> float | None:
    """The lowest threshold (0.01 grid) whose precision on known labels reaches `target`.

    None when no threshold with at least 10 predicted positives reaches it.
    """
    known = y >= 0
    y, p = y[known].astype(int), p[known]
    for t in np.round(np.arange(0.05, 0.991, 0.01), 2):
        predicted = p >= t
        if predicted.sum() >= 10 and y[predicted].mean() >= target:
            return float(t)
    return None
