"""How a comment frames the words in it: quoting, reporting, condemning, self-reference.

Abuse detectors ask these questions before they act, because the same slur or threat
means the opposite when someone quotes it to report it, speaks against it, or names their
own identity. Everything here reads the normalised (folded) text and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.lexicon import Lexicon

_SENTENCE_END = re.compile(r"[.!?;\n]+(?=\s|$)|\s:[a-z_\-]+:\s|\s[-|]\s")
_QUOTED = re.compile(
    r"(?<![a-z0-9])'((?:[^'\n]|(?<=[a-z])'(?=[a-z])){1,100})'(?![a-z0-9])|\"([^\"\n]{1,160})\""
)

_SAYING = re.compile(
    r"(?<![a-z])(?:called|calling|call|wrote|writing|said|saying|says|posted|posting|shouted|"
    r"yelled|labelled|branded|described)(?![a-z])"
)
REPORTING = Lexicon(
    "reporting",
    [
        "called me",
        "calling me",
        "called us",
        "calling us",
        "called him",
        "called her",
        "called them",
        "calling him",
        "calling her",
        "calling them",
        "calling people",
        "call people",
        "call us",
        "call them",
        "called my",
        "was called",
        "been called",
        "got called",
        "get called",
        "replies calling",
        "comments calling",
        "messages calling",
        "someone wrote",
        "somebody wrote",
        "someone posted",
        "someone said",
        "somebody said",
        "wrote that",
        "posted that",
        "shouted",
        "screamed at",
        "voicemail",
        "reported it",
        "reported them",
        "reported him",
        "reported her",
        "reported this",
        "reported to",
        "i've reported",
        "have reported",
        "screenshot*",
        "threatened me",
        "threatened to",
        "received threats",
        "got threats",
        "was threatened",
        "sent me",
        "people saying",
        "comment saying",
        "comments saying",
        "anyone saying",
        "every comment",
        "people in these comments",
        "people on here",
        "piling in",
        "pile in",
        "everyone saying",
        "those saying",
        "people calling",
        "talking about",
    ],
)
CONDEMNING = Lexicon(
    "counter-speech",
    [
        "racist",
        "racism",
        "bigot*",
        "homophob*",
        "transphob*",
        "xenophob*",
        "islamophob*",
        "antisemit*",
        "misogyn*",
        "ableis*",
        "sexist",
        "hate speech",
        "hate crime",
        "not acceptable",
        "isn't acceptable",
        "unacceptable",
        "is not okay",
        "isn't okay",
        "not ok",
        "has no place",
        "have no place",
        "no place for",
        "no place in",
        "protected group",
        "protected characteristic",
        "stop spreading",
        "have some respect",
        "give your head a wobble",
        "give your heads a wobble",
        "shame on",
        "disgusting that",
        "that's disgusting",
        "should be reported",
        "please report",
        "stand with",
        "our neighbours",
        "nobody is",
        "no one is",
        "leave the",
        "out of order",
        "are your neighbours",
        "are our neighbours",
        "you're the ones",
        "you are the ones",
        "embarrassing",
        "not on",
        "that's not ok",
        "not okay",
        "uncalled for",
        "too far",
    ],
)
SELF_REFERENCE = Lexicon(
    "identity self-reference",
    [
        "as a",
        "as an",
        "i'm a",
        "im a",
        "i am a",
        "i'm an",
        "i am an",
        "we're a",
        "we are a",
        "i'm gay",
        "i'm trans",
        "i'm disabled",
        "i'm deaf",
        "i'm blind",
        "i'm muslim",
        "i'm jewish",
        "i'm black",
        "i'm polish",
        "i'm autistic",
        "my grandparents",
        "my parents came",
        "my family came",
        "i came here",
        "we came here",
        "people like me",
        "people like us",
    ],
)
# Phrases that look like counter-speech but announce prejudice.
DISCLAIMER = Lexicon(
    "disclaimer",
    [
        "not racist but",
        "not being racist but",
        "i'm not racist",
        "im not racist",
        "not being funny but",
        "no offence but",
    ],
)


@dataclass(frozen=True, slots=True)
class Framing:
    """Answers about one folded text."""

    folded: str

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The bounds of the sentence around a span."""
        left = 0
        right = len(self.folded)
        for m in _SENTENCE_END.finditer(self.folded):
            if m.end() <= start:
                left = m.end()
            elif m.start() >= end:
                right = m.start()
                break
        return left, right

    def clause_text(self, start: int, end: int) -> str:
        left, right = self.clause(start, end)
        return self.folded[left:right]

    def quoted(self, start: int, end: int) -> bool:
        """Whether the span sits inside quotation marks."""
        return any(q.start() <= start and end <= q.end() for q in _QUOTED.finditer(self.folded))

    @property
    def reports(self) -> bool:
        """Whether the comment reports or quotes what someone else said or did."""
        if REPORTING.first(self.folded) is not None:
            return True
        return _QUOTED.search(self.folded) is not None and _SAYING.search(self.folded) is not None

    @property
    def condemns(self) -> bool:
        """Whether the comment speaks against abuse (and is not "I'm not racist but")."""
        if DISCLAIMER.first(self.folded) is not None:
            return False
        return CONDEMNING.first(self.folded) is not None

    @property
    def speaks_of_self(self) -> bool:
        return SELF_REFERENCE.first(self.folded) is not None

    @property
    def disclaims(self) -> bool:
        return DISCLAIMER.first(self.folded) is not None

    def negated_before(self, start: int, window: int = 24) -> bool:
        """Whether a negation ("not", "never", "n't") comes just before the span."""
        before = self.folded[max(0, start - window) : start]
        return re.search(r"(?<![a-z])(not|never|no|isn't|wasn't|aren't|n't)\s", before) is not None

    def is_question(self, start: int, end: int) -> bool:
        _, right = self.clause(start, end)
        return self.folded[right : right + 1] == "?"

    def mentioned_not_used(self, start: int, end: int) -> bool:
        """A word quoted in order to report it or speak against it, not used as abuse."""
        quoted = self.quoted(start, end)
        return (quoted and (self.reports or self.condemns)) or (self.reports and self.condemns)
