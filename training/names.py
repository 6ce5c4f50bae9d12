"""People's names, swapped, so that who is named never decides a label.

The written councils name their councillors and officers, and most of those names are
common in England. A model trained on them learns that an unfamiliar name is a sign of
trouble: comments naming an Adebayo or a Nguyen read as harassment or as negative, the same
comment naming a Smith does not. That is discrimination by the judge itself.

Two remedies, both written for this project (no source set):
- `swap_names`: in a share of the council corpus, every person from the council's people
  register is renamed (full name, surname after a title, first name, handle) to a person
  drawn from a pool of names from many backgrounds. Positives and negatives alike are
  renamed, so a name carries no label.
- `people_sentences`: ordinary, friendly or neutral comments about a named resident or
  member of staff (all labels 0), some of them mentioning who that person is.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

FIRST_NAMES = (
    # British and Irish
    "Gareth",
    "Siobhan",
    "Niamh",
    "Callum",
    "Rhiannon",
    "Hamish",
    "Bronwen",
    "Declan",
    "Morag",
    "Owain",
    "Kerry",
    "Darren",
    "Tracey",
    "Graham",
    "Pauline",
    "Craig",
    # South Asian
    "Priya",
    "Harjit",
    "Sunita",
    "Imran",
    "Anjali",
    "Rohan",
    "Farzana",
    "Nazia",
    "Kuldip",
    "Deepa",
    "Sanjay",
    "Tahmina",
    "Arjun",
    "Shabnam",
    "Vikram",
    "Rubina",
    # Arabic, Persian, Turkish, Kurdish, Somali
    "Yusuf",
    "Fatima",
    "Khalid",
    "Layla",
    "Omar",
    "Noor",
    "Hassan",
    "Maryam",
    "Tariq",
    "Samira",
    "Reza",
    "Shirin",
    "Emre",
    "Elif",
    "Hawa",
    "Abdirahman",
    "Zainab",
    "Bilal",
    "Rania",
    "Hamza",
    # African and Caribbean
    "Chidi",
    "Ngozi",
    "Kwame",
    "Abena",
    "Tunde",
    "Folake",
    "Chiamaka",
    "Kofi",
    "Amara",
    "Oluwaseun",
    "Thandiwe",
    "Sipho",
    "Wanjiru",
    "Desmond",
    "Marcia",
    "Winston",
    # East and South-East Asian
    "Wei",
    "Mei",
    "Jun",
    "Hana",
    "Minh",
    "Linh",
    "Jiho",
    "Yuki",
    "Haruto",
    "Xiaoling",
    "Thanh",
    "Mai",
    "Seo-yeon",
    "Kenji",
    "Ying",
    "Arnel",
    # European
    "Agnieszka",
    "Tomasz",
    "Ioana",
    "Bogdan",
    "Giulia",
    "Matteo",
    "Inês",
    "João",
    "Dimitra",
    "Nikos",
    "Katarzyna",
    "Piotr",
    "Elena",
    "Andrei",
    "Sven",
    "Ingrid",
    # Jewish, Latin American, other
    "Miriam",
    "Eli",
    "Rivka",
    "Yosef",
    "Camila",
    "Diego",
    "Valentina",
    "Santiago",
    "Kai",
    "Rowan",
    "Jordan",
    "Alex",
)

SURNAMES = (
    "Jones",
    "Evans",
    "O'Brien",
    "MacLeod",
    "Hughes",
    "Clarke",
    "Walsh",
    "Pritchard",
    "Patel",
    "Sandhu",
    "Begum",
    "Chowdhury",
    "Khan",
    "Gill",
    "Iqbal",
    "Ahmed",
    "Rahman",
    "Mistry",
    "Nair",
    "Kaur",
    "Hussain",
    "Farah",
    "Yilmaz",
    "Haddad",
    "Karimi",
    "Osman",
    "Okafor",
    "Mensah",
    "Adebayo",
    "Boateng",
    "Mwangi",
    "Dlamini",
    "Campbell",
    "Okonkwo",
    "Achebe",
    "Owusu",
    "Nguyen",
    "Chen",
    "Wang",
    "Kim",
    "Tanaka",
    "Santos",
    "Reyes",
    "Kowalski",
    "Nowak",
    "Popescu",
    "Rossi",
    "Silva",
    "Papadopoulos",
    "Ivanova",
    "Novak",
    "Larsen",
    "Cohen",
    "Levi",
    "Goldberg",
    "Garcia",
    "Moreno",
    "Fernandes",
    "Murphy",
    "Fraser",
    "Sharma",
    "Abubakar",
    "Tran",
    "Park",
)

SWAP_SHARE = 0.5

PLACES = (
    "at the library",
    "from the bin crew",
    "at the leisure centre",
    "from the planning team",
    "at the tip",
    "from the housing office",
    "at the community centre",
    "from the parks team",
    "at the school crossing",
    "from the council's contact centre",
    "on the parish council",
    "from the food bank",
    "at the youth club",
    "from the street cleaning team",
)

DEEDS = (
    "sorted out our missed collection the same day",
    "was really patient with my mum on the phone",
    "ran a brilliant session for the kids this week",
    "fixed the broken gate by the play area",
    "explained the permit rules clearly, thank you",
    "has organised the litter pick on Sunday",
    "answered every question at the consultation",
    "helped us fill in the blue badge form",
    "kept the place running during the storm",
    "put the grit bins out before the frost",
)

WHO = (
    "my neighbour",
    "our childminder",
    "the new caretaker",
    "a volunteer",
    "my colleague",
    "our lollipop lady",
    "the café owner on the corner",
    "a nurse at the surgery",
    "my daughter's teacher",
    "the man who runs the allotments",
)

DESCRIPTIONS = (
    "{name}, {who}, {deed}.",
    "Big thanks to {name} {place}, who {deed}.",
    "{name} {place} {deed}. Credit where it's due.",
    "Shout out to {name} {place}!",
    "Does anyone know if {name} {place} is still doing the Tuesday drop-in?",
    "{name} is {who} and is {t}; she asked me to share the food bank times.",
    "{name} is {t} and {deed}.",
    "I asked {name} {place} and was told the road reopens on Friday.",
    "{name} and I were at the meeting about the cycle lane last night.",
    "Congratulations to {name} on twenty years {place}.",
)


def _pattern(alias: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w@])" + re.escape(alias) + r"(?!\w)")


class NameSwapper:
    """Renames the people of one council's register inside its comments."""

    def __init__(self, people_file: Path) -> None:
        people = yaml.safe_load(people_file.read_text(encoding="utf-8")) or []
        self.people: list[tuple[str, str]] = []
        for person in people:
            parts = str(person.get("name", "")).split()
            if len(parts) >= 2:
                self.people.append((parts[0], parts[-1]))

    def swap(self, text: str, rng: random.Random) -> str:
        for first, last in self.people:
            if first not in text and last not in text:
                continue
            new_first, new_last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            handle = "@" + first + last
            text = text.replace(handle, "@" + new_first.replace(" ", "") + new_last)
            text = _pattern(f"{first} {last}").sub(f"{new_first} {new_last}", text)
            text = _pattern(last).sub(new_last, text)
            text = _pattern(first).sub(new_first, text)
        return text


def people_sentences(identity_terms: tuple[str, ...], rng: random.Random, n: int) -> list[str]:
    """`n` harmless comments about named people from many backgrounds."""
    out = []
    for _ in range(n):
        template = rng.choice(DESCRIPTIONS)
        name = rng.choice(FIRST_NAMES)
        if rng.random() < 0.5:
            name += " " + rng.choice(SURNAMES)
        out.append(
            template.format(
                name=name,
                who=rng.choice(WHO),
                deed=rng.choice(DEEDS),
                place=rng.choice(PLACES),
                t=rng.choice(identity_terms),
            )
        )
    return out
