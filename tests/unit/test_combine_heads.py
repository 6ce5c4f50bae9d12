"""training/combine_heads.py: a combination of linear heads, folded back into the heads, scores
exactly what the combination scores, so the bundled model can carry it with nothing new at run
time; and labels that do not hide keep their heads."""

from __future__ import annotations

import numpy as np

from training.combine_heads import Council, combination, fold, probabilities
from training.labels import LABELS


def _sigmoid(x: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return result


def test_a_folded_combination_scores_what_the_combination_scores() -> None:
    rng = np.random.default_rng(7)
    weight, bias = rng.normal(size=(384, len(LABELS))), rng.normal(size=len(LABELS))
    vectors = rng.normal(size=(50, 384)) / 20
    logits = vectors @ weight + bias
    truth = (rng.random((50, len(LABELS))) < 0.4).astype(np.int8)
    truth[:2] = [[1] * len(LABELS), [0] * len(LABELS)]  # every label has both classes
    fitted = combination([Council(logits, truth, truth[:, -1] == 0)], strength=0.1)

    folded_weight, folded_bias = fold(weight, bias, fitted)

    assert np.allclose(
        _sigmoid(vectors @ folded_weight + folded_bias), probabilities(logits, fitted)
    )
    for j, label in enumerate(LABELS):
        if j not in fitted:  # service complaint, criticism and tone are left as they were
            assert np.array_equal(folded_weight[:, j], weight[:, j]), label
    hiding = "threat harassment discrimination obscenity allegation scam"
    assert {LABELS[j] for j in fitted} == set(hiding.split())
