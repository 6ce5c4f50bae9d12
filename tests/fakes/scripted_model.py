"""A text model whose scores a test writes down: the in-memory stand-in for the bundled one.

Tests of the pipeline, the stores and the review app need comments judged the same way every
time, whatever the bundled model learned in its last training run; the model's own quality is
held by the floors in tests/unit/test_judge_floors.py. A comment containing one of the
scripted phrases gets that phrase's scores (the highest of several); every other label, and
every other comment, scores 0.01.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ScriptedModel:
    version = "scripted-model"

    def __init__(self, scores: Mapping[str, Mapping[str, float]]) -> None:
        self.scripted = {phrase.lower(): dict(s) for phrase, s in scores.items()}
        self.thresholds: dict[str, float] = {}

    def score(self, texts: Sequence[str]) -> tuple[None, list[dict[str, float]]]:
        return None, [self._scores(text) for text in texts]

    def embed(self, texts: Sequence[str]) -> None:
        return None

    def _scores(self, text: str) -> dict[str, float]:
        found: dict[str, float] = {}
        for phrase, scores in self.scripted.items():
            if phrase in text.lower():
                for label, value in scores.items():
                    found[label] = max(found.get(label, 0.01), value)
        return found
