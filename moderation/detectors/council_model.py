"""The council model: house-rules categories learned from labelled council comments.

Logistic heads over the comment's sentence embedding (and, in the stacked form, the rule
detectors' own scores) give a probability per category. The rules stay in charge: this layer
only adds a finding when its probability reaches the category's cutoff, which training sets
high on purpose (the house rules: when in doubt, route to a person, do not hide). A category
whose cutoff is above 1 is never added. Without an embedding (no model loaded) it adds
nothing. Pure and deterministic: the same document and detections give the same answer.

It runs after the other detectors because the stacked heads read their findings:
`detections.append(heads.refine(doc, detections))`, then the policy decides as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.verdict import Category, Evidence, Finding

NAME = "council_model"
HEADS_FILE = "council_heads.npz"
RUMOUR_QUESTION = "rumour question"
EMBEDDING_DIM = 384

FloatArray = npt.NDArray[np.float32]


# How sure the heads must be to add a category that no rule detector saw at all.
UNCORROBORATED_CUTOFF = 0.9


class CouncilHeadsError(RuntimeError):
    """The heads file is missing a part or its shapes do not fit together."""


def bundled_heads_path() -> Path:
    return Path(__file__).resolve().parent.parent / "model" / HEADS_FILE


def rule_features(detections: Sequence[Detection]) -> FloatArray:
    """The rule detectors' strongest score per category, then 1.0 if any noted a rumour
    question: the same 11 numbers the stacked heads were trained on."""
    order = list(Category)
    out = np.zeros(len(order) + 1, dtype=np.float32)
    for detection in detections:
        for finding in detection.findings:
            j = order.index(finding.category)
            out[j] = max(out[j], float(finding.score))
        if any(note.reason == RUMOUR_QUESTION for note in detection.notes):
            out[-1] = 1.0
    return out


@dataclass(frozen=True)
class CouncilHeads:
    """One logistic head per category over standardised features.

    `stacked` heads read the embedding followed by `rule_features`; plain heads read the
    embedding alone. `cutoffs[j]` is the probability from which category j is reported.
    `reference_texts` and their embeddings at training time let a runtime check that its
    encoder is the one the heads were trained on.
    """

    categories: tuple[Category, ...]
    mean: FloatArray
    scale: FloatArray
    weights: FloatArray
    bias: FloatArray
    cutoffs: FloatArray
    stacked: bool
    reference_texts: tuple[str, ...] = ()
    reference_embeddings: FloatArray = field(
        default_factory=lambda: np.zeros((0, EMBEDDING_DIM), np.float32)
    )
    name: str = NAME

    @classmethod
    def load(cls, path: Path | None = None) -> CouncilHeads:
        """Read the heads from an .npz file (the bundled one by default).

        Raises CouncilHeadsError naming the file when a part is missing or misshapen.
        """
        path = bundled_heads_path() if path is None else path
        try:
            archive = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            raise CouncilHeadsError(f"council heads file {path} is missing") from None
        with archive:
            missing = {"categories", "mean", "scale", "weights", "bias", "cutoffs", "stacked"}
            missing -= set(archive.files)
            if missing:
                raise CouncilHeadsError(f"{path} lacks {', '.join(sorted(missing))}")
            categories = tuple(Category(str(c)) for c in archive["categories"])
            heads = cls(
                categories=categories,
                mean=np.asarray(archive["mean"], np.float32),
                scale=np.asarray(archive["scale"], np.float32),
                weights=np.asarray(archive["weights"], np.float32),
                bias=np.asarray(archive["bias"], np.float32),
                cutoffs=np.asarray(archive["cutoffs"], np.float32),
                stacked=bool(archive["stacked"]),
                reference_texts=tuple(str(t) for t in archive.get("reference_texts", [])),
                reference_embeddings=np.asarray(
                    archive.get("reference_embeddings", np.zeros((0, EMBEDDING_DIM))), np.float32
                ),
            )
        width = EMBEDDING_DIM + (len(Category) + 1 if heads.stacked else 0)
        k = len(categories)
        if (
            heads.weights.shape != (width, k)
            or heads.mean.shape != (width,)
            or heads.scale.shape != (width,)
            or heads.bias.shape != (k,)
            or heads.cutoffs.shape != (k,)
        ):
            raise CouncilHeadsError(f"{path}: shapes do not fit {width} features x {k} heads")
        return heads

    def encoder_agrees(
        self, embed: Callable[[Sequence[str]], FloatArray], tolerance: float = 0.02
    ) -> bool:
        """True when `embed` gives the reference texts the vectors the heads were trained on
        (cosine distance within `tolerance` for each); False if there are none to compare."""
        if not self.reference_texts:
            return False
        now = np.asarray(embed(self.reference_texts), np.float32)
        cosine = np.sum(now * self.reference_embeddings, axis=1)
        return bool(np.all(cosine >= 1.0 - tolerance))

    def features(self, embedding: FloatArray, detections: Sequence[Detection]) -> FloatArray:
        parts = [np.asarray(embedding, np.float32).reshape(-1)]
        if self.stacked:
            parts.append(rule_features(detections))
        return np.concatenate(parts)

    def probabilities_of(self, features: FloatArray) -> FloatArray:
        """(n, width) raw features to (n, categories) probabilities."""
        z = (np.atleast_2d(features).astype(np.float32) - self.mean) / self.scale
        logits = np.clip(z @ self.weights + self.bias, -40.0, 40.0)
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

    def probabilities(
        self, embedding: FloatArray, detections: Sequence[Detection] = ()
    ) -> dict[Category, float]:
        row = self.probabilities_of(self.features(embedding, detections))[0]
        return {c: float(row[j]) for j, c in enumerate(self.categories)}

    def refine(self, doc: Document, detections: Sequence[Detection]) -> Detection:
        """Findings for the categories the heads are confident about; nothing without an
        embedding. Each finding's evidence names the model and its probability."""
        if doc.embedding is None:
            return NOTHING
        probabilities = self.probabilities(doc.embedding, detections)
        # Categories some rule already saw, even below its threshold: the model may confirm
        # them at its cutoff. Anything no rule saw needs the model to be nearly certain.
        seen = {f.category for d in detections for f in d.findings}
        findings = []
        for j, category in enumerate(self.categories):
            p = probabilities[category]
            cutoff = float(self.cutoffs[j])
            if category not in seen:
                cutoff = max(cutoff, UNCORROBORATED_CUTOFF)
            if p >= cutoff:
                evidence = Evidence(self.name, f"council model: p={p:.2f} for {category.value}")
                findings.append(Finding(category, p, self.name, (evidence,)))
        return Detection(findings=tuple(findings)) if findings else NOTHING
