"""training/stance_cross_encoder.py compares two stance checks fairly: each finds what it finds
for the same number of lawful comments flagged, the number the shipped check flags at its own
threshold; and it chooses the claim reader's threshold by the same rule."""

from __future__ import annotations

import numpy as np
import pytest

from training.stance_cross_encoder import (
    _truth,
    cascade,
    choose_threshold,
    found_for_the_same_lawful,
)


def test_the_challenger_is_held_to_the_lawful_comments_the_shipped_check_flags() -> None:
    misinformation = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    lawful = ~misinformation
    shipped = np.array([0.9, 0.8, 0.2, 0.1, 0.7, 0.1, 0.1, 0.1])  # 2 found for 1 lawful
    challenger = np.array([0.9, 0.8, 0.7, 0.6, 0.65, 0.5, 0.95, 0.1])

    budget, by_shipped, by_challenger = found_for_the_same_lawful(
        challenger, shipped, 0.5, misinformation, lawful
    )

    # Its highest-scoring lawful comment (0.95) uses the budget of one, so its threshold sits
    # just above its next lawful score (0.65): 0.9, 0.8 and 0.7 are found, 0.6 is not.
    assert (budget, by_shipped, by_challenger) == (1, 2, 3)


def test_a_challenger_that_separates_better_finds_more_for_the_same_budget() -> None:
    misinformation = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    lawful = ~misinformation
    shipped = np.array([0.9, 0.8, 0.2, 0.1, 0.7, 0.1, 0.1, 0.1])
    challenger = np.array([0.9, 0.8, 0.7, 0.6, 0.65, 0.5, 0.3, 0.1])

    assert found_for_the_same_lawful(challenger, shipped, 0.5, misinformation, lawful) == (1, 2, 4)


def test_a_cascade_asks_the_cross_encoder_only_where_the_shipped_check_is_unsure() -> None:
    shipped = np.array([0.95, 0.5, 0.3, 0.02])
    scores = np.array([0.1, 0.8, 0.2, 0.9])

    combined, asked = cascade(scores, shipped, (0.1, 0.9))

    # Sure either way, the shipped check decides; unsure, the cross-encoder's score ranks it.
    assert list(np.argsort(-combined)) == [0, 1, 2, 3]
    assert combined[1] == 0.8 and combined[2] == 0.2
    assert list(asked) == [False, True, True, False]


def test_the_readers_threshold_flags_no_more_lawful_comments_than_the_linear_check() -> None:
    lawful = np.array([0, 0, 0, 1, 1, 1, 1], dtype=bool)
    linear = np.array([0.95, 0.5, 0.3, 0.5, 0.4, 0.2, 0.05])  # flags 2 lawful at 0.35
    reader = np.array([0.1, 0.9, 0.8, 0.7, 0.2, 0.6, 0.99])

    threshold = choose_threshold(reader, linear, 0.35, (0.1, 0.9), lawful)

    # The reader is asked about the four unsure comments; two lawful ones may be flagged,
    # so its threshold sits just above the third lawful score it sees (0.2): 0.7 and 0.6
    # are flagged with 0.9 and 0.8, and the sure 0.05 is never asked.
    assert 0.2 < threshold <= np.nextafter(np.float32(0.2), np.float32(1))
    combined, _ = cascade(reader, linear, (0.1, 0.9))
    assert int(((combined >= threshold) & lawful).sum()) == 2


def test_a_band_that_puts_more_lawful_comments_above_it_than_the_budget_is_refused() -> None:
    lawful = np.array([1, 1, 0], dtype=bool)
    linear = np.array([0.95, 0.95, 0.5])

    with pytest.raises(ValueError, match="the unsure band is wrong"):
        choose_threshold(np.zeros(3), linear, 0.99, (0.1, 0.9), lawful)


def test_misinformation_sent_to_comms_is_not_counted_as_a_lawful_comment_flagged() -> None:
    rows = [
        {"misinformation": True, "lawful": True, "shipped": 0.9, "shipped_threshold": 0.35},
        {"misinformation": False, "lawful": True, "shipped": 0.5, "shipped_threshold": 0.35},
        {"misinformation": False, "lawful": False, "shipped": 0.6, "shipped_threshold": 0.35},
    ]

    shipped, truth, lawful, threshold = _truth(rows)

    assert list(truth) == [True, False, False]
    assert list(lawful) == [False, True, False]  # gold comms but misinformation: a true flag
    assert list(shipped) == [0.9, 0.5, 0.6] and threshold == 0.35
