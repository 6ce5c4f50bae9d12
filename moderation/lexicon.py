"""Matching word lists against normalised text, robust to the usual disguises.

A term such as "knobhead" also matches "kn0bhead", "knobheaddd", "kn*bhead", "knob-head" and
"kn.obhead": each letter accepts its leetspeak forms and repeats, vowels may be starred out,
and a dot, dash, underscore or star may sit between letters. A trailing `*` in a term allows
any word ending ("retard*" matches "retarded"). Terms with spaces match any run of spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from moderation.text import LEETSPEAK

_VOWELS = set("aeiou")
_SEP = r"[.\-_*]?"


def _letter(ch: str) -> str:
    variants = LEETSPEAK.get(ch, ch)
    cls = "".join(re.escape(v) for v in variants)
    if ch in _VOWELS:
        cls += r"\*#"
    return f"[{cls}]+"


def term_pattern(term: str) -> str:
    """The regular expression for one term (without word boundaries)."""
    open_end = term.endswith("*")
    term = term.rstrip("*").lower()
    parts: list[str] = []
    for word in term.split():
        letters = [(_letter(ch) if ch.isalpha() else re.escape(ch)) for ch in word]
        parts.append(_SEP.join(letters))
    body = r"\s+".join(parts)
    return body + (r"[a-z]*" if open_end else "")


@dataclass(frozen=True, slots=True)
class Match:
    term: str
    span: str
    start: int
    end: int


class Lexicon:
    """A named list of terms, compiled once into one pattern."""

    def __init__(self, name: str, terms: Iterable[str]) -> None:
        self.name = name
        self.terms = tuple(dict.fromkeys(t.strip() for t in terms if t.strip()))
        if not self.terms:
            raise ValueError(f"lexicon {name!r} has no terms")

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Compiled on first use: a one-off `houserules classify` should not pay for word
        # lists the comment never reaches.
        groups = "|".join(f"(?P<t{i}>{term_pattern(t)})" for i, t in enumerate(self.terms))
        return re.compile(rf"(?<![a-z0-9])(?:{groups})(?![a-z0-9])")

    def find(self, folded: str) -> list[Match]:
        found = []
        for m in self._pattern.finditer(folded):
            index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
            found.append(Match(self.terms[index], m.group(0), m.start(), m.end()))
        return found

    def first(self, folded: str) -> Match | None:
        m = self._pattern.search(folded)
        if m is None:
            return None
        index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        return Match(self.terms[index], m.group(0), m.start(), m.end())
