"""Obscenity: sexually explicit or grossly obscene content. Mild profanity is not."""

from __future__ import annotations

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.verdict import Category, Evidence

EXPLICIT = Lexicon(
    "sexual",
    [
        "blowjob*",
        "blow job*",
        "handjob*",
        "suck my",
        "suck me",
        "sucking off",
        "cock*",
        "pussy",
        "pussies",
        "tits",
        "titties",
        "boobs",
        "porn*",
        "nudes",
        "nude pics",
        "naked pics",
        "wank*",
        "jerk off",
        "jerking off",
        "shag*",
        "bend her over",
        "bend him over",
        "f*** her",
        "fuck her",
        "fuck him",
        "fucks",
        "fucking her",
        "spread her",
        "cum",
        "cumshot*",
        "dildo*",
        "orgasm*",
        "horny",
        "sex cam*",
        "sexy singles",
        "hook up",
        "hookup",
        "onlyfans",
        "only fans",
        "rimming",
        "anal",
        "bum her",
        "arse rape",
        "rape",
        "bukkake",
        ":eggplant:",
        ":peach:",
        ":sweat_droplets:",
        "sit on my face",
        "get your kit off",
        "escort*",
    ],
)


class ObscenityDetector:
    name = "obscenity"

    def detect(self, doc: Document) -> Detection:
        hit = EXPLICIT.first(doc.folded)
        model = doc.model_scores.get("obscene", 0.0)
        if hit is None:
            return NOTHING
        score = max(0.75, model)
        return Detection.of(
            Category.OBSCENITY,
            score,
            self.name,
            Evidence(self.name, f"sexually explicit: '{hit.span}'", hit.span, hit.start, hit.end),
        )
