"""Criticism: negative opinion about the council, a decision, a service or a councillor's
public conduct. It is allowed; the policy only keeps it when nothing else applies."""

from __future__ import annotations

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.verdict import Category, Evidence

NEGATIVE = Lexicon(
    "negative opinion",
    [
        "useless",
        "shambles",
        "shambolic",
        "disgrace*",
        "joke",
        "a farce",
        "farce",
        "waste of money",
        "waste of",
        "incompetent",
        "incompetence",
        "ridiculous",
        "pathetic",
        "shame",
        "shameful",
        "appalling",
        "awful",
        "terrible",
        "rubbish",
        "resign",
        "sack*",
        "out of touch",
        "don't care",
        "dont care",
        "couldn't care",
        "priorities",
        "wrong",
        "why should",
        "fed up",
        "sick of",
        "sick and tired",
        "not good enough",
        "unacceptable",
        "corrupt",
        "jobs for the boys",
        "cash cow",
        "rip off",
        "rip-off",
        "scandal*",
        "outrageous",
        "nonsense",
        "laughable",
        "clueless",
        "failing",
        "failed",
        "mess",
        "madness",
        "stupid",
        "daft",
        "bloody",
        "sh*tshow",
        "shitshow",
        "fuming",
        "furious",
        "angry",
        "disappointed",
        "disappointing",
        "vote them out",
        "vote you out",
        "never again",
        "absolute joke",
        "what a joke",
        "learn from",
        "should have",
        "should've",
        "won't vote",
        "embarrassing",
        "typical",
        "again",
        "cuts",
        "cutting",
        "wasted",
        "wasting",
        "pointless",
    ],
)


class CriticismDetector:
    name = "criticism"

    def detect(self, doc: Document) -> Detection:
        hits = NEGATIVE.find(doc.folded)
        if not hits:
            return NOTHING
        score = min(0.95, 0.45 + 0.15 * len(hits))
        return Detection.of(
            Category.CRITICISM,
            score,
            self.name,
            Evidence(
                self.name,
                "negative opinion: " + ", ".join(f"'{h.span}'" for h in hits[:3]),
                hits[0].span,
                hits[0].start,
                hits[0].end,
            ),
        )
