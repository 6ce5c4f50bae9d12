"""What a detector reads and returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from moderation.comment import Comment
from moderation.model_interface import WordWeight
from moderation.plain_reading import PlainReading
from moderation.text import NormalisedText
from moderation.verdict import Category, CommsNote, Evidence, Finding

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Document:
    """A comment prepared once for every detector: normalised text, model scores, embedding.

    `model_scores` maps the model's labels to probabilities; it is empty when no model is
    loaded. `model_evidence` holds, per label, the words that carried its score (when the
    model can say). `embedding` is the sentence vector from the same encoder pass, or None.
    """

    comment: Comment
    text: NormalisedText
    model_scores: Mapping[str, float] = field(default_factory=dict)
    model_evidence: Mapping[str, tuple[WordWeight, ...]] = field(default_factory=dict)
    embedding: npt.NDArray[np.float32] | None = None
    # A comment with dodged spellings ("f1ned", "m0nthly") also in its plain reading, with the
    # plain reading's own vector from the same encoder pass; None for a comment without one.
    plain: PlainReading | None = None
    plain_embedding: npt.NDArray[np.float32] | None = None

    @property
    def folded(self) -> str:
        return self.text.folded


@dataclass(frozen=True, slots=True)
class Detection:
    findings: tuple[Finding, ...] = ()
    notes: tuple[CommsNote, ...] = ()

    @staticmethod
    def of(category: Category, score: float, detector: str, *evidence: Evidence) -> Detection:
        return Detection(findings=(Finding(category, score, detector, tuple(evidence)),))


NOTHING = Detection()


class Detector(Protocol):
    name: str

    def detect(self, doc: Document) -> Detection: ...
