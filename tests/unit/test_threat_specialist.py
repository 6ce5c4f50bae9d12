"""training/threat_specialist.py compares rankings of threats by what they cost: the lawful
comments flagged at the highest threshold that still finds the recall asked for."""

from __future__ import annotations

import numpy as np
import pytest

from training.threat_specialist import lawful_at_recall


def test_the_lawful_cost_of_a_recall_is_counted_at_the_highest_threshold_that_reaches_it() -> None:
    threat = np.array([1, 1, 1, 1, 0, 0, 0], dtype=bool)
    lawful = np.array([0, 0, 0, 0, 1, 1, 0], dtype=bool)  # the last is harmful, not a threat
    scores = np.array([0.9, 0.8, 0.6, 0.3, 0.85, 0.5, 0.95])

    assert lawful_at_recall(scores, threat, lawful, 0.5) == 1  # 0.8 and up: one lawful
    assert lawful_at_recall(scores, threat, lawful, 0.75) == 1  # 0.6 and up: still one
    assert lawful_at_recall(scores, threat, lawful, 1.0) == 2  # 0.3 and up: both


def test_a_reader_is_not_trained_on_rows_of_one_kind() -> None:
    from training.minilm_reader import fine_tune

    with pytest.raises(ValueError, match="0 of 2 are positive"):
        fine_tune([("fine",), ("lovely",)], [False, False], seed=0, epochs=1)
