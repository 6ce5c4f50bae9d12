"""Defamation: an allegation of fact, or insinuation, about an identifiable person.

Needs both: someone identifiable (the people register, a role, a title and name) and an
allegation of crime, corruption, dishonesty, abuse or sexual misconduct. "This council is
corrupt" names nobody and is criticism.
"""

from __future__ import annotations

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.people import PeopleFinder
from moderation.lexicon import Lexicon
from moderation.registers import Registers
from moderation.verdict import Category, Evidence

ALLEGATIONS = Lexicon(
    "allegations",
    [
        "corrupt",
        "corruption",
        "bribe*",
        "bribery",
        "backhander*",
        "kickback*",
        "kick backs",
        "brown envelope*",
        "on the take",
        "in the pocket of",
        "lining his pockets",
        "lining her pockets",
        "lining their pockets",
        "fraud*",
        "embezzl*",
        "fiddl*",
        "stole",
        "stolen",
        "stealing",
        "thief",
        "theft",
        "crook*",
        "criminal*",
        "convicted",
        "conviction",
        "jail",
        "prison",
        "arrested",
        "police caution",
        "paedo*",
        "pedo*",
        "nonce",
        "groom*",
        "abuser",
        "abused",
        "molest*",
        "sex offender",
        "assaulted",
        "drink driv*",
        "drunk driv*",
        "liar",
        "lied",
        "lying",
        "cooked the books",
        "cover up",
        "covered up",
        "covering up",
        "pocketed",
        "pocketing",
        "siphon*",
        "money launder*",
        "laundering",
        "rigged",
        "fixed the contract",
        "got the contract",
        "his mate's firm",
        "her mate's firm",
        "his wife's firm",
        "her husband's firm",
        "brother-in-law's",
        "affair with",
        "sleeping with",
        "expenses fiddle",
    ],
)
INSINUATION = Lexicon(
    "insinuation",
    [
        "funny how",
        "just saying",
        "not saying",
        "makes you wonder",
        "wonder how much",
        "join the dots",
        "draw your own conclusions",
        "no coincidence",
        "coincidence that",
        ":zipper-mouth_face:",
        ":face_with_hand_over_mouth:",
        "nudge nudge",
        "wink wink",
    ],
)


class DefamationDetector:
    name = "defamation"

    def __init__(self, registers: Registers) -> None:
        self.people = PeopleFinder(registers)

    def detect(self, doc: Document) -> Detection:
        folded = doc.folded
        allegation = ALLEGATIONS.first(folded)
        if allegation is None:
            return NOTHING
        who = self.people.mentions(folded, doc.comment.text)
        if not who:
            return NOTHING
        hint = INSINUATION.first(folded)
        person = who[0]
        description = f"allegation '{allegation.span}' about {person.who}"
        if hint is not None:
            description += f" (insinuation: '{hint.span}')"
        return Detection.of(
            Category.DEFAMATION,
            0.75,
            self.name,
            Evidence(
                self.name,
                description,
                allegation.span,
                allegation.start,
                allegation.end,
                register_entry=person.who if person.kind == "register" else "",
            ),
        )
