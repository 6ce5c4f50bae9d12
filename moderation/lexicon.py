"""Matching word lists against normalised text, robust to the usual disguises.

A term such as "knobhead" also matches "kn0bhead", "knobheaddd", "kn*bhead", "knob-head" and
"kn.obhead": each letter accepts its leetspeak forms and repeats, vowels may be starred out,
and a dot, dash, underscore or star may sit between letters. A trailing `*` in a term allows
any word ending ("retard*" matches "retarded"). Terms with spaces match any run of spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from moderation.text import LEETSPEAK

_VOWELS = set("aeiou")
_SEP = r"[.\-_*]?"


def _forms(ch: str) -> str:
    """What may be written for a letter of a term: its leetspeak forms, and for a vowel a
    star or hash; any other character stands for itself."""
    if not ch.isalpha():
        return ch
    return LEETSPEAK.get(ch, ch) + ("*#" if ch in _VOWELS else "")


def _letter(ch: str) -> str:
    return "[" + "".join(re.escape(v) for v in _forms(ch)) + "]+"


def _head_and_rest(term: str) -> tuple[str, str]:
    """A term's pattern split after its first letter (with that letter's repeats)."""
    open_end = term.endswith("*")
    term = term.rstrip("*").lower()
    words = []
    for word in term.split():
        letters = [(_letter(ch) if ch.isalpha() else re.escape(ch)) for ch in word]
        words.append(_SEP.join(letters))
    body = r"\s+".join(words) + (r"[a-z]*" if open_end else "")
    head = _letter(term[0]) if term[0].isalpha() else re.escape(term[0])
    return head, body[len(head) :]


def term_pattern(term: str) -> str:
    """The regular expression for one term (without word boundaries)."""
    head, rest = _head_and_rest(term)
    return head + rest


def _grouped_by_first_letter(terms: Sequence[str]) -> str:
    """One alternation, its terms grouped under their first letter, so that at each word
    start the engine tries the few terms that can begin there rather than all of them (a
    list of 120 terms runs about ten times faster). An empty group after each term names it.
    A term opens a new group rather than join its letter's group when a group begun since
    could match the same character ("1" is a form of both i and l), so where two terms
    could start at one place the earlier in the list is still tried first."""
    groups: list[tuple[str, frozenset[str], list[str]]] = []
    for i, term in enumerate(terms):
        head, rest = _head_and_rest(term)
        chars = frozenset(_forms(term.lower()[0]))
        joined = False
        for g in range(len(groups) - 1, -1, -1):
            if groups[g][0] == head:
                groups[g][2].append(f"{rest}(?P<t{i}>)")
                joined = True
                break
            if groups[g][1] & chars:
                break
        if not joined:
            groups.append((head, chars, [f"{rest}(?P<t{i}>)"]))
    return "|".join(f"{head}(?:{'|'.join(rests)})" for head, _, rests in groups)


@dataclass(frozen=True, slots=True)
class Match:
    term: str
    span: str
    start: int
    end: int


class Lexicon:
    """A named list of terms, compiled once into one pattern. A list with no terms (a
    council may empty a section) matches nothing."""

    def __init__(self, name: str, terms: Iterable[str]) -> None:
        self.name = name
        self.terms = tuple(dict.fromkeys(t.strip() for t in terms if t.strip()))

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Compiled on first use: a one-off `houserules classify` should not pay for word
        # lists the comment never reaches.
        if not self.terms:
            return re.compile(r"(?!)")
        body = _grouped_by_first_letter(self.terms)
        return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")

    def _match(self, m: re.Match[str]) -> Match:
        # The empty group closing the term that matched is the last group to close.
        return Match(self.terms[int(str(m.lastgroup)[1:])], m.group(0), m.start(), m.end())

    def find(self, folded: str) -> list[Match]:
        return [self._match(m) for m in self._pattern.finditer(folded)]

    def first(self, folded: str) -> Match | None:
        m = self._pattern.search(folded)
        return None if m is None else self._match(m)
