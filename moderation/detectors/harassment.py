"""Harassment: insults aimed at a person, bullying, and inciting others to intimidate.

Harsh judgement of someone's public performance ("useless", "should resign") is criticism
and is left alone; an insulting epithet aimed at a person is not.
"""

from __future__ import annotations

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.people import PeopleFinder
from moderation.lexicon import Lexicon
from moderation.registers import Registers
from moderation.verdict import Category, Evidence

EPITHETS = Lexicon(
    "insults",
    [
        "idiot*",
        "moron*",
        "imbecile*",
        "cretin*",
        "halfwit*",
        "dimwit*",
        "numpty",
        "muppet*",
        "bellend*",
        "knobhead*",
        "knob",
        "dickhead*",
        "prick*",
        "twat*",
        "cunt*",
        "wanker*",
        "tosser*",
        "arsehole*",
        "asshole*",
        "dick",
        "bitch*",
        "slag*",
        "slut*",
        "whore*",
        "cow",
        "old cow",
        "old bat",
        "thick old bat",
        "fat cow",
        "pig",
        "fat pig",
        "scumbag*",
        "scum",
        "vermin",
        "parasite*",
        "waste of space",
        "waste of oxygen",
        "absolute weapon",
        "weapon",
        "gobshite*",
        "shithead*",
        "dipshit*",
        "plank",
        "clown",
        "bozo",
        "nonce",
        "c u next tuesday",
        "uneducated",
        "thick as",
        "brain dead",
        "braindead",
        "ugly",
        "fat",
        "lardarse",
        "lard arse",
        "gormless",
        "pillock*",
        "buffoon*",
        "sack of",
    ],
)
INCITEMENT = Lexicon(
    "incitement",
    [
        "flood her",
        "flood his",
        "flood their",
        "go round to",
        "go round his",
        "go round her",
        "turn up at her",
        "turn up at his",
        "let's all",
        "lets all",
        "everyone message",
        "everyone email her",
        "everyone email him",
        "tag his wife",
        "tag her husband",
        "make her life",
        "make his life",
        "hound her",
        "hound him",
        "dox",
        "doxx*",
        "find out where she lives",
        "find out where he lives",
        "pay her a visit",
        "pay him a visit",
        "of us at her",
        "of us at his",
        "descend on",
        "pile on",
    ],
)


class HarassmentDetector:
    name = "harassment"

    def __init__(self, registers: Registers) -> None:
        self.people = PeopleFinder(registers)

    def detect(self, doc: Document) -> Detection:
        folded = doc.folded
        incite = INCITEMENT.first(folded)
        if incite is not None:
            return Detection.of(
                Category.HARASSMENT,
                0.8,
                self.name,
                Evidence(
                    self.name,
                    f"incites others to intimidate: '{incite.span}'",
                    incite.span,
                    incite.start,
                    incite.end,
                ),
            )
        insult = EPITHETS.first(folded)
        if insult is None:
            return NOTHING
        targeted = bool(self.people.mentions(folded, doc.comment.text)) or (
            PeopleFinder.addresses_someone(folded)
        )
        model = doc.model_scores.get("insult", 0.0)
        score = 0.75 if targeted else 0.35
        score = max(score, min(1.0, model)) if targeted else score
        return Detection.of(
            Category.HARASSMENT,
            score,
            self.name,
            Evidence(
                self.name,
                f"insult aimed at a person: '{insult.span}'",
                insult.span,
                insult.start,
                insult.end,
            ),
        )
