"""Who a comment is aimed at: a named councillor or officer, a private individual, "you".

Harassment, defamation and threats all need a target. A target is identifiable when it is
in the people register (name, alias, misspelling, role, relative), is a private person
named or described ("Lee from the contractor", "the woman on the phone line"), is whoever
runs the page, or is an @handle other than the council's own. "You" and "he"/"she" point
at a person without naming them. The council as a body, "you lot" and "councillors" are
collective: abuse of a public body is criticism, not harassment or defamation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from moderation.detectors.people import PeopleFinder
from moderation.registers import Registers


class TargetKind(StrEnum):
    COUNCIL_PERSON = "council person"
    PRIVATE_PERSON = "private person"
    PAGE_ADMIN = "page admin"
    HANDLE = "handle"
    YOU = "you"
    HE_OR_SHE = "he or she"
    COLLECTIVE = "collective"


IDENTIFIABLE = frozenset(
    {TargetKind.COUNCIL_PERSON, TargetKind.PRIVATE_PERSON, TargetKind.PAGE_ADMIN, TargetKind.HANDLE}
)


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    who: str
    span: str
    start: int
    end: int

    @property
    def identifiable(self) -> bool:
        return self.kind in IDENTIFIABLE

    @property
    def individual(self) -> bool:
        return self.kind is not TargetKind.COLLECTIVE


_PERSON_NOUNS = (
    r"bloke|man|woman|guy|lady|fella|fellow|chap|lad|girl|lass|warden|officer|inspector|"
    r"worker|contractor|owner|landlord|landlady|driver|receptionist|admin|person|neighbour|"
    r"teacher|cleaner|binman|bin man|manager|supervisor|operator|boss|clerk|agent|builder|"
    r"caretaker|attendant|advisor|adviser|assistant|guard|director|coach|librarian|"
    r"lollipop lady|lollipop man|postman|binmen|bin men|crew|dustman|gardener|planner|"
    r"surveyor|enforcement officer|traffic warden|social worker|nurse|doctor|councillor|"
    r"clerk|chair|chairman|chairwoman|secretary|treasurer|vicar|headteacher|head teacher|"
    r"lady|gentleman|finance lady|finance man"
)
_DESCRIBED = re.compile(
    rf"(?<![a-z])(?:the|that|this) (?:\w+ )?(?:{_PERSON_NOUNS})"
    r"(?=(?:'s| (?:who|that|at|on|from|in|running|behind|next door|with|called|named|down))"
    r"(?![a-z]))"
)
# "That Fenwick woman", "this Dobson bloke": a demonstrative, a name, a person noun.
_THAT_NAMED = re.compile(
    r"(?<![a-z])(?:that|this) [a-z][a-z\-]+ (?:woman|man|bloke|lad|lady|fella|guy|girl|chap|"
    r"geezer|character|clown|idiot|fool|officer|councillor|warden)(?![a-z])"
)
_PAGE_ADMIN = re.compile(
    r"(?<![a-z])(?:whoever (?:runs|writes|manages|does|posts (?:for|on)|is behind) (?:this|the|"
    r"your) (?:page|account|posts|social media|twitter|facebook)|(?:the|this) (?:page )?admin|"
    r"the intern|(?:the )?(?:person|muppet|idiot|"
    r"intern) (?:running|who runs|behind) (?:this|the) (?:page|account))"
)
_SECOND_PERSON = re.compile(
    r"(?<![a-z])(?:you|your|ur|u|youre|you're|yourself|ya|yer|thou)(?![a-z])"
)
_THIRD_PERSON = re.compile(r"(?<![a-z])(?:he|she|him|her|his|hers|himself|herself)(?![a-z])")
_COLLECTIVE = re.compile(
    r"(?<![a-z])(?:you lot|you people|you bunch|bunch of|the lot of you|all of you|you guys|"
    r"you all|y'all|you lots?|this council|the council|that council|councillors|the councillors|"
    r"officers|cabinet|the administration|this administration|the government)(?![a-z])"
)
# Named private people: "Lee from ParkScape", "was Emma Platt", "Darren Kyte, is".
_CAP = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_NAMED = re.compile(
    rf"(?<![A-Za-z@])({_CAP})(?: ({_CAP}))?,? (?:from|at|of|who runs|who owns|who works)"
    rf" (?:the )?[A-Z][\w&']+"
    rf"|(?<=\bwas )({_CAP} {_CAP})(?=[.,!]| and| who)"
    rf"|(?<![A-Za-z@])({_CAP} {_CAP}) (?:on|in) (?:the )?[A-Z][\w&']+"
    rf"|(?<![A-Za-z@])({_CAP} {_CAP}),? (?:is|was|has|had|got|gave|took|runs|owns|works)(?![a-z])"
    rf"|(?:called|named) ({_CAP}(?: {_CAP})?)"
)
_NOT_NAMES = frozenset(
    [
        "the",
        "this",
        "that",
        "these",
        "those",
        "a",
        "an",
        "and",
        "but",
        "so",
        "if",
        "when",
        "what",
        "why",
        "who",
        "how",
        "where",
        "everyone",
        "everybody",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "nobody",
        "people",
        "residents",
        "staff",
        "council",
        "councillors",
        "cllr",
        "councillor",
        "mr",
        "mrs",
        "ms",
        "dr",
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "it",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "its",
        "there",
        "here",
        "well",
        "yes",
        "no",
        "not",
        "just",
        "also",
        "apparently",
        "honestly",
        "fun",
        "fact",
        "word",
        "heads",
        "update",
        "market",
        "square",
        "park",
        "road",
        "street",
        "lane",
        "vale",
        "centre",
        "center",
        "library",
        "hall",
        "close",
        "avenue",
        "way",
        "gardens",
        "drive",
        "crescent",
        "hotel",
        "estate",
        "primary",
        "school",
        "church",
        "court",
        "house",
        "borough",
        "town",
        "city",
        "station",
        "bridge",
        "leisure",
        "civic",
        "county",
        "district",
        "north",
        "south",
        "east",
        "west",
        "new",
        "old",
        "great",
        "little",
        "upper",
        "lower",
        "saint",
        "st",
        "memorial",
        "community",
        "police",
        "facebook",
        "twitter",
        "instagram",
        "youtube",
        "google",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "christmas",
        "easter",
        "labour",
        "tory",
        "green",
        "conservative",
        "reform",
        "liberal",
        "democrat",
        "lib",
        "dem",
    ]
)
_HANDLE = re.compile(r"@([A-Za-z0-9_.]{2,})(?: ([A-Z][a-z]+)(?![A-Za-z]))?")


class TargetFinder:
    """Finds targets in a comment; built once per classifier from the registers."""

    def __init__(self, registers: Registers) -> None:
        self.people = PeopleFinder(registers)
        self._own_handles = {
            a.handle.lower().lstrip("@").replace(" ", "")
            for a in registers.contacts.social_accounts
        }
        org = registers.contacts.organisation.lower()
        self._own_words = {w for w in re.split(r"\W+", org) if w}

    def find(self, folded: str, original: str) -> list[Target]:
        """Every target, in order of appearance; positions are in the folded text."""
        found: list[Target] = []
        for pm in self.people.mentions(folded, original):
            found.append(
                Target(
                    TargetKind.COUNCIL_PERSON, pm.who, pm.span, pm.start, pm.start + len(pm.span)
                )
            )
        for h in _HANDLE.finditer(original):
            handle = h.group(1).lower().rstrip(".")
            if handle in self._own_handles or any(
                handle.startswith(own) for own in self._own_handles if len(own) > 4
            ):
                kind = TargetKind.COLLECTIVE
            else:
                kind = TargetKind.HANDLE
            if any(t.span.lstrip("@") == handle for t in found):
                continue
            at = max(folded.find(h.group(0).lower()), 0)
            found.append(Target(kind, h.group(0), h.group(0).lower(), at, at + len(h.group(0))))
        for m in _DESCRIBED.finditer(folded):
            found.append(
                Target(TargetKind.PRIVATE_PERSON, m.group(0), m.group(0), m.start(), m.end())
            )
        for m in _THAT_NAMED.finditer(folded):
            if m.group(0).split()[1] not in _NOT_NAMES:
                found.append(
                    Target(TargetKind.PRIVATE_PERSON, m.group(0), m.group(0), m.start(), m.end())
                )
        for m in _PAGE_ADMIN.finditer(folded):
            found.append(Target(TargetKind.PAGE_ADMIN, m.group(0), m.group(0), m.start(), m.end()))
        for m in _NAMED.finditer(original):
            name = next(g for g in m.groups() if g)
            words = name.lower().split()
            if words[0] in _NOT_NAMES or words[-1] in _NOT_NAMES or set(words) & self._own_words:
                continue
            if any(t.kind is TargetKind.COUNCIL_PERSON and name.lower() in t.span for t in found):
                continue
            at = max(folded.find(name.lower()), 0)
            found.append(Target(TargetKind.PRIVATE_PERSON, name, name.lower(), at, at + len(name)))
        for m in _COLLECTIVE.finditer(folded):
            found.append(Target(TargetKind.COLLECTIVE, m.group(0), m.group(0), m.start(), m.end()))
        collective_spans = [(t.start, t.end) for t in found if t.kind is TargetKind.COLLECTIVE]
        for m in _SECOND_PERSON.finditer(folded):
            if any(s <= m.start() < e for s, e in collective_spans):
                continue
            found.append(Target(TargetKind.YOU, "you", m.group(0), m.start(), m.end()))
        for m in _THIRD_PERSON.finditer(folded):
            found.append(Target(TargetKind.HE_OR_SHE, m.group(0), m.group(0), m.start(), m.end()))
        return sorted(found, key=lambda t: t.start)


def within(targets: list[Target], left: int, right: int) -> list[Target]:
    """The targets whose span starts inside [left, right)."""
    return [t for t in targets if left <= t.start < right]
