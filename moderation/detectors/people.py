"""Finding the people a comment is about: the people register, roles, and "you".

Names and aliases from the register match in any case and through the usual disguises;
a surname misspelt by one letter still matches (for names of six letters or more). Role
phrases ("the leader", "the planning officer") point at an identifiable person too, and so
does a register person's relative ("Okafor's husband", "the leader's son").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.lexicon import Lexicon
from moderation.registers import Person, Registers

RELATIVES = (
    "son|daughter|wife|husband|partner|brother|sister|mum|mother|dad|father|nephew|niece|"
    "grandson|granddaughter|uncle|aunt|"
    "brother-in-law|sister-in-law|son-in-law|daughter-in-law|cousin|nephew|niece|"
    "mate|mates|pal|pals|girlfriend|boyfriend|family|missus|kids|children"
)
_RELATIVE = re.compile(rf"'s ({RELATIVES})(?![a-z])")
_SECOND_PERSON = re.compile(r"(?<![a-z])(you|your|ur|u|youre|you're|yourself)(?![a-z])")
_THIRD_PERSON = re.compile(r"(?<![a-z])(he|she|him|her|his|hers|himself|herself)(?![a-z])")
_TITLE_NAME = re.compile(
    r"(?<![A-Za-z])(?:[Cc]llr|CLLR|[Cc]ouncill?or|Mr|Mrs|Ms|Miss|Dr)\.? ([A-Z][a-z'\-]+)"
)


@dataclass(frozen=True, slots=True)
class PersonMention:
    who: str  # the register name, or the role or title phrase
    span: str
    start: int
    kind: str  # "register", "role", "title", "relative"


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class PeopleFinder:
    def __init__(self, registers: Registers) -> None:
        self._by_alias: dict[str, Person] = {}
        for p in registers.people:
            for alias in (p.name, *p.aliases):
                self._by_alias[alias.lower().lstrip("@")] = p
        self._names = Lexicon("people", self._by_alias) if self._by_alias else None
        self._surnames = {
            p.name.split()[-1].lower(): p for p in registers.people if len(p.name.split()[-1]) >= 6
        }
        self._roles = registers.vocabulary.lexicon("people", "roles")

    def mentions(self, folded: str, original: str = "") -> list[PersonMention]:
        """Every mention of an identifiable council person, in order of appearance."""
        found: list[PersonMention] = []
        if self._names is not None:
            for m in self._names.find(folded):
                person = self._by_alias[m.term]
                found.append(PersonMention(person.name, m.span, m.start, "register"))
        seen = {m.start for m in found}
        for word in re.finditer(r"[a-z][a-z'\-]{5,}", folded):
            if word.start() in seen:
                continue
            for surname, person in self._surnames.items():
                if _one_edit_apart(word.group(0).removesuffix("'s"), surname):
                    found.append(
                        PersonMention(person.name, word.group(0), word.start(), "register")
                    )
        for m in self._roles.find(folded):
            found.append(PersonMention(m.term, m.span, m.start, "role"))
        for t in _TITLE_NAME.finditer(original):
            at = folded.find(t.group(0).lower())
            found.append(PersonMention(t.group(0), t.group(0).lower(), max(at, 0), "title"))
        for mention in list(found):
            end = mention.start + len(mention.span)
            rel = _RELATIVE.match(folded, end)
            if rel is not None:
                found.append(
                    PersonMention(
                        f"{mention.who}'s {rel.group(1)}",
                        folded[mention.start : rel.end()],
                        mention.start,
                        "relative",
                    )
                )
        return sorted(found, key=lambda m: m.start)

    @staticmethod
    def addresses_someone(folded: str) -> bool:
        """Whether the comment speaks to a person ("you") or about one ("he", "she")."""
        return bool(_SECOND_PERSON.search(folded) or _THIRD_PERSON.search(folded))
