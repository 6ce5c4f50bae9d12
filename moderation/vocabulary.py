"""The words houserules knows, as data: the council's services, and slurs.

The bundled list (`houserules/vocabulary.yaml`) and a council's own additions (its
`vocabulary.yaml`) have the same shape; `with_additions` puts them together. Reading the
files is `houserules.config`'s job; this is the checked, frozen result.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from moderation.lexicon import Lexicon

# A word or phrase: something to match, never blank.
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Vocabulary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    services: Mapping[str, Annotated[tuple[Term, ...], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    slurs: tuple[Term, ...] = ()

    def with_additions(self, other: Vocabulary) -> Vocabulary:
        """These words plus `other`'s: a council's services extend or add to ours."""
        services = {name: tuple(terms) for name, terms in self.services.items()}
        for name, terms in other.services.items():
            services[name] = tuple(dict.fromkeys(services.get(name, ()) + tuple(terms)))
        return Vocabulary(services=services, slurs=tuple(dict.fromkeys(self.slurs + other.slurs)))

    @cached_property
    def service_lexicons(self) -> dict[str, Lexicon]:
        return {name: Lexicon(name, list(terms)) for name, terms in self.services.items()}

    @cached_property
    def slur_lexicon(self) -> Lexicon | None:
        return Lexicon("slurs", list(self.slurs)) if self.slurs else None
