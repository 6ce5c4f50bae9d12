"""The classifier: every detector over every comment, then the policy.

Comments are classified in batches so the model encodes them together, once; every
detector that needs embeddings reads the same vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from moderation.comment import MAX_COMMENT_CHARS, Comment
from moderation.detectors.base import Detector, Document
from moderation.model_interface import ExplainingTextModel, Explanation, TextModel
from moderation.policy import decide
from moderation.registers import Registers
from moderation.rules import HouseRules
from moderation.text import normalise
from moderation.verdict import Verdict

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

RULES_ONLY = "rules-only"


class Classifier(Protocol):
    """Judges comments against the house rules."""

    @property
    def version(self) -> str: ...

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]: ...


class HouseRulesClassifier:
    def __init__(
        self,
        rules: HouseRules,
        registers: Registers,
        model: TextModel | None = None,
        detectors: Sequence[Detector] | None = None,
    ) -> None:
        from moderation.detectors.all import default_detectors

        self.rules = rules
        self.registers = registers
        self.model = model
        self.detectors = (
            list(detectors) if detectors is not None else default_detectors(registers, model)
        )

    @property
    def version(self) -> str:
        if self.model is None:
            return RULES_ONLY
        return self.model.version

    def documents(self, comments: Sequence[Comment]) -> list[Document]:
        # Every detector's time grows with the text; a comment longer than any platform
        # allows is judged on its first MAX_COMMENT_CHARS characters (evidence offsets
        # are the same in the whole text), so no comment can hold up the ones behind it.
        comments = [
            c if len(c.text) <= MAX_COMMENT_CHARS else replace(c, text=c.text[:MAX_COMMENT_CHARS])
            for c in comments
        ]
        if self.model is None or not comments:
            return [Document(c, normalise(c.text)) for c in comments]
        texts = [c.text for c in comments]
        explained: list[Explanation]
        embeddings: npt.NDArray[np.float32] | None
        if isinstance(self.model, ExplainingTextModel):
            embeddings, scores, explained = self.model.score_explained(texts)
        else:
            embeddings, scores = self.model.score(texts)
            explained = [{} for _ in texts]
        return [
            Document(
                c,
                normalise(c.text),
                model_scores=scores[i],
                model_evidence=explained[i],
                embedding=None if embeddings is None else embeddings[i],
            )
            for i, c in enumerate(comments)
        ]

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        verdicts = []
        for doc in self.documents(comments):
            detections = [d.detect(doc) for d in self.detectors]
            verdicts.append(decide(doc.comment, detections, self.rules, self.version))
        return verdicts
