"""The words houserules knows, as data: the council's services, slurs, and the word lists of
the register detectors (scams, personal data, misinformation, people's roles).

The bundled list (`houserules/vocabulary.yaml`) and a council's own additions (its
`vocabulary.yaml`) have the same shape; `with_additions` puts them together. Reading the
files is `houserules.config`'s job; this is the checked, frozen result.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from moderation.lexicon import Lexicon

# A word or phrase: something to match, never blank.
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


Terms = tuple[Term, ...]


class WordLists(BaseModel):
    """A section of word lists, each a tuple of terms; a council's lists add to ours."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def plus(self, other: Self) -> Self:
        added = {
            name: tuple(dict.fromkeys(getattr(self, name) + getattr(other, name)))
            for name in type(self).model_fields
        }
        return type(self)(**added)


class ScamWords(WordLists):
    strong_lures: Terms = ()
    lures: Terms = ()
    contact_words: Terms = ()
    warnings: Terms = ()


class PersonalDataWords(WordLists):
    children: Terms = ()
    health: Terms = ()


class MisinformationWords(WordLists):
    checking: Terms = ()
    denials: Terms = ()
    hearsay: Terms = ()


class PeopleWords(WordLists):
    roles: Terms = ()


class Vocabulary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    services: Mapping[str, Annotated[Terms, Field(min_length=1)]] = Field(default_factory=dict)
    slurs: Terms = ()
    scams: ScamWords = ScamWords()
    personal_data: PersonalDataWords = PersonalDataWords()
    misinformation: MisinformationWords = MisinformationWords()
    people: PeopleWords = PeopleWords()

    def with_additions(self, other: Vocabulary) -> Vocabulary:
        """These words plus `other`'s: a council's services extend or add to ours, and its
        words are added to every other list."""
        services = {name: tuple(terms) for name, terms in self.services.items()}
        for name, terms in other.services.items():
            services[name] = tuple(dict.fromkeys(services.get(name, ()) + tuple(terms)))
        return Vocabulary(
            services=services,
            slurs=tuple(dict.fromkeys(self.slurs + other.slurs)),
            scams=self.scams.plus(other.scams),
            personal_data=self.personal_data.plus(other.personal_data),
            misinformation=self.misinformation.plus(other.misinformation),
            people=self.people.plus(other.people),
        )

    def detector_word_count(self) -> int:
        """How many terms the register detectors' lists hold (scams to people)."""
        sections = (self.scams, self.personal_data, self.misinformation, self.people)
        return sum(len(getattr(s, name)) for s in sections for name in type(s).model_fields)

    def lexicon(self, section: str, name: str) -> Lexicon:
        """One word list, compiled (once per vocabulary): `lexicon("scams", "lures")`."""
        key = f"{section}.{name}"
        cache = self._lexicons
        if key not in cache:
            cache[key] = Lexicon(key, getattr(getattr(self, section), name))
        return cache[key]

    @cached_property
    def _lexicons(self) -> dict[str, Lexicon]:
        return {}

    @cached_property
    def service_lexicons(self) -> dict[str, Lexicon]:
        return {name: Lexicon(name, list(terms)) for name, terms in self.services.items()}

    @cached_property
    def slur_lexicon(self) -> Lexicon | None:
        return Lexicon("slurs", list(self.slurs)) if self.slurs else None
