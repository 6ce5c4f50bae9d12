"""The classifier: every detector over every comment, then the policy.

Comments are classified in batches so the model encodes them together, once; every
detector that needs embeddings reads the same vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from moderation.comment import Comment
from moderation.detectors.base import Detector, Document
from moderation.detectors.council_model import CouncilHeads
from moderation.model_interface import TextModel
from moderation.policy import decide
from moderation.registers import Registers
from moderation.rules import HouseRules
from moderation.text import normalise
from moderation.verdict import Verdict

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
        council_heads: CouncilHeads | None = None,
    ) -> None:
        from moderation.detectors.all import default_detectors

        self.rules = rules
        self.registers = registers
        self.model = model
        self.council_heads = council_heads
        self.detectors = (
            list(detectors) if detectors is not None else default_detectors(registers, model)
        )

    @property
    def version(self) -> str:
        if self.model is None:
            return RULES_ONLY
        return self.model.version + ("+council-heads" if self.council_heads else "")

    def documents(self, comments: Sequence[Comment]) -> list[Document]:
        if self.model is None or not comments:
            return [Document(c, normalise(c.text)) for c in comments]
        embeddings, scores = self.model.score([c.text for c in comments])
        return [
            Document(
                c,
                normalise(c.text),
                model_scores=scores[i],
                embedding=None if embeddings is None else embeddings[i],
            )
            for i, c in enumerate(comments)
        ]

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        verdicts = []
        for doc in self.documents(comments):
            detections = [d.detect(doc) for d in self.detectors]
            if self.council_heads is not None:
                # The learned layer reads the detectors' scores, so it runs after them.
                detections.append(self.council_heads.refine(doc, detections))
            verdicts.append(decide(doc.comment, detections, self.rules, self.version))
        return verdicts
