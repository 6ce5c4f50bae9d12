"""The council's registers: people often named, the fact register, and its own contacts.

These follow the YAML shapes a council supplies (see the demo data). Parsing is from plain
data; reading the files is `houserules.config`'s job.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from moderation.vocabulary import Vocabulary


class Person(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    aliases: tuple[str, ...] = ()
    role: str = ""
    party: str = ""


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    topic: str
    official_fact: str
    known_false_claims: tuple[str, ...] = ()
    link: str = ""


class Phone(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    number: str
    service: str = ""


class Email(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    address: str
    service: str = ""


class SocialAccount(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    platform: str
    handle: str
    url: str = ""
    display_name: str = ""


class Contacts(BaseModel):
    """The council's own published contact details: allowed in comments, never personal data."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    organisation: str = ""
    website_domains: tuple[str, ...] = ()
    phones: tuple[Phone, ...] = ()
    emails: tuple[Email, ...] = ()
    councillor_emails: tuple[str, ...] = ()
    social_accounts: tuple[SocialAccount, ...] = ()
    public_addresses: tuple[str, ...] = ()


class Registers(BaseModel):
    model_config = ConfigDict(frozen=True)

    people: tuple[Person, ...] = ()
    facts: tuple[Fact, ...] = ()
    contacts: Contacts = Field(default_factory=Contacts)
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)

    @classmethod
    def from_mappings(cls, people: Any, facts: Any, contacts: Any) -> Registers:
        return cls.model_validate(
            {"people": people or (), "facts": facts or (), "contacts": contacts or {}}
        )

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)
