"""The classifier: every detector over every comment, then the policy.

Comments are classified in batches so the model encodes them together, once; every
detector that needs embeddings reads the same vectors. A comment with dodged spellings
("1d10t", "k n o b h e a d") is also scored in its plain reading, in the same model call, and
each label keeps the higher of its two probabilities (`moderation.plain_reading`). Emoji alone
are not a dodge worth a second reading (`PlainReading.worth_scoring`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from moderation.comment import MAX_COMMENT_CHARS, Comment
from moderation.detectors.base import Detector, Document
from moderation.model_interface import ExplainingTextModel, Explanation, TextModel
from moderation.plain_reading import PlainReading, plain_reading
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
        if not comments:
            return []
        texts = [c.text for c in comments]
        readings = [plain_reading(t) for t in texts]
        if self.model is None:
            return [
                Document(c, normalise(c.text), plain=r if r.worth_scoring else None)
                for c, r in zip(comments, readings, strict=True)
            ]
        dodged = [i for i, reading in enumerate(readings) if reading.worth_scoring]
        embeddings, scores, explained = _score(
            self.model, [*texts, *(readings[i].text for i in dodged)]
        )
        plain_rows = {i: k for k, i in enumerate(dodged, start=len(texts))}
        for i, k in plain_rows.items():
            scores[i], explained[i] = higher_reading(
                (scores[i], explained[i]), (scores[k], explained[k]), readings[i]
            )
        return [
            Document(
                c,
                normalise(c.text),
                model_scores=scores[i],
                model_evidence=explained[i],
                embedding=None if embeddings is None else embeddings[i],
                plain=readings[i] if i in plain_rows else None,
                plain_embedding=(
                    None if embeddings is None or i not in plain_rows else embeddings[plain_rows[i]]
                ),
            )
            for i, c in enumerate(comments)
        ]

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        return [self.judge(doc) for doc in self.documents(comments)]

    def judge(self, doc: Document) -> Verdict:
        """The verdict on one prepared comment: every detector, then the house rules."""
        detections = [d.detect(doc) for d in self.detectors]
        return decide(doc.comment, detections, self.rules, self.version)


def _score(
    model: TextModel, texts: Sequence[str]
) -> tuple[npt.NDArray[np.float32] | None, list[dict[str, float]], list[Explanation]]:
    """Embeddings, scores and evidence (where the model can say), from one model call."""
    if isinstance(model, ExplainingTextModel):
        return model.score_explained(texts)
    embeddings, scores = model.score(texts)
    return embeddings, scores, [{} for _ in texts]


Scored = tuple[Mapping[str, float], Explanation]


def higher_reading(
    written: Scored, plain: Scored, reading: PlainReading
) -> tuple[dict[str, float], Explanation]:
    """Per label, the higher probability of the comment as written and of its plain reading,
    with the evidence of the reading that gave it; the plain reading's evidence is moved onto
    the comment's own characters. Thresholds are untouched: a dodge only earns the score
    its plain words would have had."""
    scores, evidence = dict(written[0]), dict(written[1])
    for label, probability in plain[0].items():
        if probability <= scores.get(label, 0.0):
            continue
        scores[label] = probability
        evidence.pop(label, None)
        words = reading.evidence_in_original(plain[1].get(label, ()))
        if words:
            evidence[label] = words
    return scores, evidence
