"""Personal data of a private individual: phone numbers, emails, addresses, registrations,
a child with their school, NI numbers, health details.

The council's own published contacts are allowed. People's own details are flagged too,
to protect them (a reviewer may restore). A house number that only says where a fault is
("the light outside number 22") is not an address.
"""

from __future__ import annotations

import re

import phonenumbers

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.registers import Registers
from moderation.verdict import Category, Evidence

EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}", re.IGNORECASE)
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)
VEHICLE_REG = re.compile(r"\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b")
NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE)
STREET = re.compile(
    r"\b(\d{1,4}[a-z]?),? ([A-Z][a-z]+ )+(Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|"
    r"Crescent|Court|Gardens|Grove|Place|Terrace|Walk|Mews|Rise|View|Row|Hill)\b"
)
FAULT_PLACE = re.compile(
    r"(outside|opposite|near|by|next to|across from)\s+(no\.?|number)?\s*$", re.I
)
SCHOOL = re.compile(
    r"\b(goes to|at|attends|in year \d+ at|pupil at|from)\s+([A-Z][\w']+ )+"
    r"(Primary|Academy|School|High|Infants|Juniors|College)\b"
)
CHILD = Lexicon(
    "child",
    [
        "my son",
        "my daughter",
        "my lad",
        "my boy",
        "my girl",
        "her son",
        "his son",
        "her daughter",
        "his daughter",
        "their kid*",
        "his kid*",
        "her kid*",
        "my kid*",
    ],
)
HEALTH = Lexicon(
    "health",
    [
        "hiv",
        "cancer",
        "dementia",
        "schizophreni*",
        "bipolar",
        "sectioned",
        "in rehab",
        "miscarriage",
        "terminal",
        "mental health issues",
        "std",
        "herpes",
    ],
)
DOB = re.compile(r"\b(date of birth|dob|born on)\b[: ]+\d", re.IGNORECASE)


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


class PersonalDataDetector:
    name = "personal_data"

    def __init__(self, registers: Registers) -> None:
        contacts = registers.contacts
        self.allowed_numbers = {_digits(p.number) for p in contacts.phones}
        self.allowed_emails = {e.address.lower() for e in contacts.emails} | {
            e.lower() for e in contacts.councillor_emails
        }
        self.council_domains = {d.lower() for d in contacts.website_domains}
        self.public_places = [a.split(",")[0].lower() for a in contacts.public_addresses]

    def _email_allowed(self, email: str) -> bool:
        email = email.lower()
        domain = email.split("@", 1)[1]
        return email in self.allowed_emails or domain in self.council_domains

    def detect(self, doc: Document) -> Detection:
        text = doc.comment.text
        evidence: list[Evidence] = []
        for match in phonenumbers.PhoneNumberMatcher(
            text, "GB", leniency=phonenumbers.Leniency.POSSIBLE
        ):
            national = _digits(
                phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.NATIONAL)
            )
            if national not in self.allowed_numbers:
                evidence.append(
                    Evidence(
                        self.name,
                        f"phone number '{match.raw_string}'",
                        match.raw_string,
                        match.start,
                        match.end,
                    )
                )
        for m in EMAIL.finditer(text):
            if not self._email_allowed(m.group(0)):
                evidence.append(
                    Evidence(
                        self.name, f"personal email '{m.group(0)}'", m.group(0), m.start(), m.end()
                    )
                )
        for m in STREET.finditer(text):
            before = text[: m.start()]
            place = m.group(0).lower()
            if FAULT_PLACE.search(before) or any(p in place for p in self.public_places):
                continue
            evidence.append(
                Evidence(self.name, f"home address '{m.group(0)}'", m.group(0), m.start(), m.end())
            )
        for pattern, what in (
            (VEHICLE_REG, "vehicle registration"),
            (NI_NUMBER, "NI number"),
            (DOB, "date of birth"),
        ):
            m = pattern.search(text)
            if m:
                evidence.append(
                    Evidence(self.name, f"{what} '{m.group(0)}'", m.group(0), m.start(), m.end())
                )
        school = SCHOOL.search(text)
        if school and CHILD.first(doc.folded):
            evidence.append(
                Evidence(
                    self.name,
                    f"a child with their school: '{school.group(0)}'",
                    school.group(0),
                    school.start(),
                    school.end(),
                )
            )
        if not evidence:
            return NOTHING
        return Detection.of(Category.PERSONAL_DATA, 0.85, self.name, *evidence)
