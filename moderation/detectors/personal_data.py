"""Personal data of a private individual: phone numbers, emails, home addresses, vehicle
registrations, a child named with their school, NI numbers, dates of birth, health details.

What is allowed comes from the council's contacts register: its published numbers, email
addresses and domains, and its public buildings. People's own details are flagged too, to
protect them (a reviewer may restore). Three things look like personal data and are not:
a house number that only says where a fault is ("the light outside number 22"), a street
name with no house number and nobody said to live there, and the contact details of a scam
(those make the comment spam, and the spam detector reports them).
"""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.scam_signals import ScamSignals, national_number, possible_phone_numbers
from moderation.registers import Registers
from moderation.verdict import Category, Evidence

EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}", re.IGNORECASE)
# Full UK postcodes in capitals ("LE12 3AB"); a lower-case run of letters and digits is too
# often something else.
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?) ?[0-9][A-Z]{2}\b")
# Current registrations (two letters, age identifier, three letters) stand alone; older
# prefix and suffix styles need a word about a vehicle nearby.
VEHICLE_REG = re.compile(r"\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b")
OLD_VEHICLE_REG = re.compile(r"\b(?:[A-Z][0-9]{1,3} ?[A-Z]{3}|[A-Z]{3} ?[0-9]{1,3}[A-Z])\b")
VEHICLE_WORDS = re.compile(
    r"\b(car|van|reg|registration|number ?plate|plates?|vehicle|motor|4x4|lorry|taxi|"
    r"audi|bmw|ford|vauxhall|merc(?:edes)?|toyota|nissan|kia|volvo|skoda|tesla|range rover)\b",
    re.IGNORECASE,
)
NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE)
DOB = re.compile(
    r"\b(date of birth|d\.?o\.?b\.?|born on)\b[: ]+\d{1,2}(?:st|nd|rd|th)?[ /.\-]", re.IGNORECASE
)
STREET_TYPES = (
    r"Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Court|Ct|Gardens|Grove|"
    r"Place|Terrace|Walk|Mews|Rise|View|Row|Hill|Square|Park|Green|Fold|Gate|Chase|Croft|Meadow|"
    r"Meadows|Parade|Wharf|Yard|Cottages|Villas|Garth|Wynd|Mount|Bank|Side|Brow|Nook|Lea|"
    r"Fields|Field|End|Approach|Boulevard|Broadway|Circus|Copse|Dale|Glade|Heights|Hollow|"
    r"Quay|Ridge|Vale|Wood|Grange|Park"
)
# Welsh street names put the kind of street first: "Heol y Frenhines", "Maes y Coed".
WELSH_STREET = (
    r"(?:Heol|Ffordd|Stryd|Lôn|Maes|Rhodfa|Teras)(?: (?:y|yr|'r|[A-Z][a-zâêîôûŵŷ'\-]+)){1,3}\b"
)
STREET_NAME = rf"(?:(?:[A-Z][a-z'\-]+ ){{1,3}}(?:{STREET_TYPES})\b|{WELSH_STREET})"
# "7 Wheatley Close", "flat 3, 12 Elm Road", "22a Mill Lane"
NUMBERED_STREET = re.compile(rf"\b(\d{{1,4}}[a-zA-Z]?),? ({STREET_NAME})")
STREET = re.compile(STREET_NAME)
# Someone else's home being located: "lives on", "her house in", "Bellini's house on", "his
# address is", "you live at". Enough on its own to make a bare street an address.
SOMEONES_HOME = (
    r"\b(he|she|they|who|family|councillor|(?-i:[A-Z][a-z]+)),? (?:\w+ )?"
    r"(?:lives?|stays?|resides?) (?:on|at|in|down|up|round|near)\b|"
    r"\b(his|her|their|your|ur|nice) (?:house|home|flat|address|place|gaff|front door|drive)\b|"
    r"\b(?-i:[A-Z][a-z]+)'s (?:house|home|flat|address|front door)\b|"
    r"\bhome address\b|\bat number \d{1,4}\b"
)
SOMEONE_LIVES_THERE = re.compile(SOMEONES_HOME, re.IGNORECASE)
# Any home at all ("the house at 22 Elm Road"): enough to keep a numbered address from being
# read as a landmark, not to make "a four-bed house on Fen Road" someone's address.
RESIDENCE = re.compile(
    SOMEONES_HOME + r"|\b(?:house|home|address) (?:is|on|at|in)\b", re.IGNORECASE
)
# The words before a house number that make it a place for a fault, not an address.
FAULT_PLACE = re.compile(
    r"(outside|opposite|near|by|next to|across from|in front of|behind|between|past|from)\s+"
    r"(no\.?|number|house)?\s*$",
    re.IGNORECASE,
)
# "Brook Lane Primary", and Welsh and Gaelic names, which put the school first: "Ysgol Gymraeg
# Nantygelli", "Sgoil Lionacleit".
SCHOOL = re.compile(
    r"\b((?:St\.? |Saint )?(?:[A-Z][\w'\-]+ ){1,4}"
    r"(?:Primary|Academy|School|High|Infants|Juniors|Junior|College|Nursery|Grammar|"
    r"C of E|CofE|Church of England|Catholic|Middle|Secondary|Free School|Prep|Comprehensive)"
    r"|(?:Ysgol|Sgoil)(?: (?:y|yr|'r|[A-Z][\w'\-]+)){1,4})\b"
)
# How a child is tied to a school: "goes to", "attends", "in Year 9 at", "(Year 4,", "is at".
ATTENDS = re.compile(
    r"\b(goes to|go to|going to|attends|attending|is at|pupil at|student at|started at|"
    r"studies at|in year \d{1,2} at|year \d{1,2} at|year \d{1,2},?|in reception at|"
    r"at|from)\s*$",
    re.IGNORECASE,
)
NAME = re.compile(r"\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?\b")
NOT_NAMES = {
    "I",
    "My",
    "He",
    "She",
    "They",
    "The",
    "Our",
    "His",
    "Her",
    "Their",
    "We",
    "It",
    "If",
    "And",
    "But",
    "So",
    "Nice",
    "Why",
    "What",
    "When",
    "Where",
    "How",
    "Maybe",
    "This",
    "That",
    "Year",
    "Can",
    "Does",
    "Is",
    "Are",
    "Please",
    "Thank",
    "Thanks",
    "Council",
    "Kids",
    "Children",
}
# Titles that make the name after them an adult's: "Mr Hales at Stowham Juniors" is staff.
ADULT_TITLES = {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir"}
AGE = re.compile(r"\b(is|aged|age) (\d{1,2})\b|\b(year|yr) ?\d{1,2}\b|\breception\b", re.I)
# Pronouns and titles that make a health term about somebody else rather than the writer.
THIRD_PARTY = re.compile(
    r"\b(he|she|his|her|him|they|their|mr|mrs|ms|miss|dr|neighbour|the woman|the man|"
    r"the bloke|the lady|the guy)\b",
    re.IGNORECASE,
)
FIRST_PERSON_HEALTH = re.compile(r"\b(i|i'm|i've|my|me|as a|as someone)\b", re.IGNORECASE)


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start))
    rights = [i for i in (text.find(c, end) for c in ".!?") if i != -1]
    return text[left + 1 : min(rights) if rights else len(text)]


class PersonalDataDetector:
    """Finds a private person's details in a comment; pure and deterministic.

    Never fails on odd text: anything it cannot read as a detail is simply not evidence.
    """

    name = "personal_data"

    def __init__(self, registers: Registers, scam: ScamSignals | None = None) -> None:
        contacts = registers.contacts
        self.allowed_numbers = {national_number(p.number) for p in contacts.phones}
        self.allowed_emails = {e.address.lower() for e in contacts.emails} | {
            e.lower() for e in contacts.councillor_emails
        }
        self.council_domains = {d.lower().removeprefix("www.") for d in contacts.website_domains}
        self.public_buildings = {
            address.split(",")[0].strip().lower() for address in contacts.public_addresses
        }
        self.scam = scam or ScamSignals(registers)
        self.children = registers.vocabulary.lexicon("personal_data", "children")
        self.health = registers.vocabulary.lexicon("personal_data", "health")
        self.register_names = {
            n.lower() for p in registers.people for n in (p.name, *p.aliases) if n[:1].isalpha()
        }

    def _email_allowed(self, email: str) -> bool:
        email = email.lower()
        domain = email.split("@", 1)[1]
        return (
            email in self.allowed_emails
            or domain in self.council_domains
            or any(domain.endswith("." + d) for d in self.council_domains)
        )

    def _public_building(self, text: str) -> bool:
        """Whether the text names one of the council's public buildings (their addresses are
        published, so a street next to one is the building's, not a home)."""
        lowered = text.lower()
        return any(b and b in lowered for b in self.public_buildings)

    def _phones(self, text: str) -> list[Evidence]:
        found = []
        for match in possible_phone_numbers(text):
            raw_digits = _digits(match.raw_string)
            # Years, prices and times also parse as "possible" numbers: a UK number is
            # written with its trunk 0 or its +44 and has ten digits after it.
            if not (raw_digits.startswith("0") or match.raw_string.lstrip().startswith("+")):
                continue
            national = national_number(match.raw_string)
            if len(national) not in (10, 11) or national in self.allowed_numbers:
                continue
            found.append(
                Evidence(
                    self.name,
                    f"phone number '{match.raw_string}'",
                    match.raw_string,
                    match.start,
                    match.end,
                )
            )
        return found

    def _addresses(self, text: str) -> list[Evidence]:
        found = []
        for m in NUMBERED_STREET.finditer(text):
            sentence = _sentence_around(text, m.start(), m.end())
            # "The light outside 22 Elm Road is out" uses the house as a landmark for a fault,
            # unless the same sentence says someone lives there.
            if RESIDENCE.search(sentence) is None and (
                FAULT_PLACE.search(text[: m.start()]) or self._public_building(sentence)
            ):
                continue
            found.append(
                Evidence(self.name, f"home address '{m.group(0)}'", m.group(0), m.start(), m.end())
            )
        if found:
            return found
        # A street with no house number is an address only when someone is said to live there
        # ("lives on Ashby Road at number 88", "nice house you've got on Elm Grove"); a
        # street named for a house ("nine of us in a four-bed house on Fen Road") is not.
        for m in STREET.finditer(text):
            sentence = _sentence_around(text, m.start(), m.end())
            if SOMEONE_LIVES_THERE.search(sentence):
                found.append(
                    Evidence(
                        self.name,
                        f"where someone lives: '{m.group(0)}'",
                        m.group(0),
                        m.start(),
                        m.end(),
                    )
                )
                break
        return found

    def _child_at_school(self, text: str, folded: str) -> Evidence | None:
        for school in SCHOOL.finditer(text):
            before = text[max(0, school.start() - 80) : school.start()]
            attends = ATTENDS.search(before.rstrip(" (,"))
            if attends is None and not before.rstrip().endswith("("):
                continue
            sentence = _sentence_around(text, school.start(), school.end())
            head = sentence[: sentence.find(school.group(1))]
            names = [
                found.group(0)
                for found in NAME.finditer(head)
                if self._could_name_a_child(found.group(0), head[: found.start()])
            ]
            named_child = bool(names) and (
                AGE.search(sentence) is not None
                or self.children.first(sentence.lower()) is not None
                or attends is not None
            )
            if named_child:
                return Evidence(
                    self.name,
                    f"a child named with their school: '{school.group(1)}'",
                    school.group(1),
                    school.start(),
                    school.end(),
                )
        return None

    def _could_name_a_child(self, name: str, before: str) -> bool:
        """Whether a capitalised word before a school can be a child's name: not a word the
        sentence merely starts with ("As a mum at...", "Now she's at..."), unless a surname
        follows it; not an adult with a title ("Mr Hales at..."); not a person in the register."""
        first = name.split()[0]
        if first in NOT_NAMES or first in ADULT_TITLES or name.lower() in self.register_names:
            return False
        starts_sentence = not before.strip(" \t\n\"'(")
        return " " in name or "-" in name or not starts_sentence

    def _health(self, text: str, folded: str) -> Evidence | None:
        for hit in self.health.find(folded):
            if hit.span.lower() == "ms" and text[hit.start : hit.end] != "MS":
                continue  # "Ms Ellwood" is a title, not multiple sclerosis
            sentence = _sentence_around(folded, hit.start, hit.end)
            original = (
                _sentence_around(text, hit.start, hit.end) if len(text) == len(folded) else ""
            )
            names = [
                n
                for n in NAME.findall(original)
                if n.split()[0] not in NOT_NAMES
                and " " in n
                and n.lower() not in self.register_names
            ]
            about_someone = THIRD_PARTY.search(sentence) is not None and (
                bool(names) or re.search(r"\b(mr|mrs|ms|miss|neighbour)\b", sentence) is not None
            )
            if about_someone and not FIRST_PERSON_HEALTH.match(sentence.strip()):
                return Evidence(
                    self.name, f"health details: '{hit.span}'", hit.span, hit.start, hit.end
                )
        return None

    def detect(self, doc: Document) -> Detection:
        text = doc.comment.text
        evidence: list[Evidence] = []
        scam = self.scam.is_scam(doc)
        if not scam:
            # A scam's number or address is how the scam gets paid, not someone's privacy.
            evidence.extend(self._phones(text))
            for email in EMAIL.finditer(text):
                if not self._email_allowed(email.group(0)):
                    evidence.append(
                        Evidence(
                            self.name,
                            f"personal email '{email.group(0)}'",
                            email.group(0),
                            email.start(),
                            email.end(),
                        )
                    )
        evidence.extend(self._addresses(text))
        for pattern, what in ((VEHICLE_REG, "vehicle registration"), (NI_NUMBER, "NI number")):
            hit = pattern.search(text)
            if hit:
                evidence.append(
                    Evidence(
                        self.name, f"{what} '{hit.group(0)}'", hit.group(0), hit.start(), hit.end()
                    )
                )
        old = OLD_VEHICLE_REG.search(text)
        if old and VEHICLE_WORDS.search(text) and not evidence:
            evidence.append(
                Evidence(
                    self.name,
                    f"vehicle registration '{old.group(0)}'",
                    old.group(0),
                    old.start(),
                    old.end(),
                )
            )
        dob = DOB.search(text)
        if dob:
            evidence.append(
                Evidence(self.name, "date of birth", dob.group(0), dob.start(), dob.end())
            )
        postcode = POSTCODE.search(text)
        if postcode and not evidence and RESIDENCE.search(text):
            evidence.append(
                Evidence(
                    self.name,
                    f"home postcode '{postcode.group(0)}'",
                    postcode.group(0),
                    postcode.start(),
                    postcode.end(),
                )
            )
        for found in (self._child_at_school(text, doc.folded), self._health(text, doc.folded)):
            if found is not None:
                evidence.append(found)
        if not evidence:
            return NOTHING
        return Detection.of(Category.PERSONAL_DATA, 0.85, self.name, *evidence)
