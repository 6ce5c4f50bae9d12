"""Misinformation: assertions that repeat a known false claim from the fact register.

Matched by meaning where the model gives embeddings (cosine similarity to each known false
claim), and by shared content words otherwise. A question about a register topic is not an
assertion: it becomes a rumour question for the comms team. Denying a rumour is fine.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.model_interface import TextModel
from moderation.policy import RUMOUR_QUESTION
from moderation.registers import Fact, Registers
from moderation.verdict import Category, CommsNote, Evidence

_STOP = set(
    ["the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "with", "as", "by", "from", "they", "them", "their", "there", "here", "i", "you", "he", "she", "we", "our", "your", "my", "me", "not", "no", "so", "just", "all", "any", "going", "get", "got", "will", "would", "can", "could", "should", "has", "have", "had", "do", "does", "did", "about", "into", "up", "out", "over", "than", "then", "too", "very", "more", "most", "some", "what", "which", "who", "how", "why", "when", "where", "year", "next"]
)
QUESTION_START = re.compile(
    r"^(is|are|was|were|will|has|have|does|do|did|can|could|why|when|what|how|anyone|any|"
    r"has anyone|is it true|can someone|can anyone|i heard|someone said|rumour)\b"
)
DENIAL = Lexicon(
    "denial",
    [
        "not true",
        "isn't true",
        "is false",
        "fake news",
        "a myth",
        "is a lie that",
        "debunked",
        "nonsense that",
        "rubbish that",
        "don't believe the",
        "dont believe the",
        "no it isn't",
        "it's not being",
        "its not being",
        "not being scrapped",
        "not closing",
        "isn't closing",
    ],
)


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z£0-9%]+", text.lower()) if w not in _STOP}


def _is_question(folded: str) -> bool:
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", folded) if s.strip()]
    if not sentences:
        return False
    asks = [s for s in sentences if s.endswith("?") or QUESTION_START.match(s)]
    return len(asks) == len(sentences) or (
        bool(asks) and folded.rstrip().endswith("?") and len(sentences) <= 2
    )


class MisinformationDetector:
    name = "misinformation"

    def __init__(
        self, registers: Registers, model: TextModel | None = None, similarity: float = 0.62
    ) -> None:
        self.facts = registers.facts
        self.similarity = similarity
        self.claims: list[tuple[Fact, str]] = [
            (f, claim) for f in self.facts for claim in f.known_false_claims
        ]
        self.claim_words = [_words(c) for _, c in self.claims]
        self.topic_words = {f.id: _words(f.topic) for f in self.facts}
        self.claim_vectors: npt.NDArray[np.float32] | None = None
        if model is not None and self.claims:
            self.claim_vectors = model.embed([c for _, c in self.claims])

    def _best_claim(self, doc: Document) -> tuple[Fact, str, float, str] | None:
        best: tuple[Fact, str, float, str] | None = None
        words = _words(doc.folded)
        for i, (fact, claim) in enumerate(self.claims):
            overlap = len(words & self.claim_words[i]) / max(1, len(self.claim_words[i]))
            if best is None or overlap > best[2]:
                best = (fact, claim, overlap, "shared words")
        if self.claim_vectors is not None and doc.embedding is not None:
            sims = self.claim_vectors @ doc.embedding
            i = int(np.argmax(sims))
            if best is None or float(sims[i]) > best[2]:
                best = (self.claims[i][0], self.claims[i][1], float(sims[i]), "similar meaning")
        return best

    def detect(self, doc: Document) -> Detection:
        best = self._best_claim(doc)
        if best is None:
            return NOTHING
        fact, claim, strength, how = best
        threshold = self.similarity if how == "similar meaning" else 0.6
        if strength < threshold:
            return NOTHING
        note_fields = {"fact_id": fact.id, "official_line": fact.official_fact, "link": fact.link}
        if _is_question(doc.folded):
            return Detection(notes=(CommsNote(reason=RUMOUR_QUESTION, **note_fields),))
        if DENIAL.first(doc.folded):
            return NOTHING
        score = min(0.99, 0.5 + (strength - threshold) * 2)
        return Detection(
            findings=(
                Detection.of(
                    Category.MISINFORMATION,
                    score,
                    self.name,
                    Evidence(
                        self.name,
                        f"repeats a known false claim ({how} {strength:.2f}): '{claim}'",
                        register_entry=fact.id,
                    ),
                ).findings
            ),
            notes=(CommsNote(reason="misinformation to correct", **note_fields),),
        )
