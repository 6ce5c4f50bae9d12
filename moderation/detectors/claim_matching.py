"""Matching a comment's words against the fact register's claims, for the misinformation
detector.

Words are reduced to a crude stem and a small set of everyday synonyms ("shut" and "close",
"flogged" and "sold"), and weighted by how rare they are across the council's own register,
so "council" and "tax" count for little and "£100", "bail" or "hostel" count for a lot.
Numbers are compared by value and kind ("£2k" is "£2000", "10 per cent" is "10%").
Everything here is general English; what is council-specific comes from the register.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from moderation.text_caches import text_cache

_STOP_WORDS = """
a about above after again all also am an and any are as at be been before being below both
but by can could did do does doing done down during each even ever every few for from
further get gets getting go goes going gone got had has have having he her here hers him
his how i if in into is it its itself just let like me more most my no nor not now of off
on once only or other our ours out over own same she should so some still such than that
the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yet really
actually apparently literally basically already now today people everyone everybody anyone
someone somebody thing things lot lots one ones way ever said says say saying told tell
know knows knew think reckon mate mates council councils borough district county year
years next last week weeks month months day days time times make made new old just btw fyi
psa lol include includes included including
"""
STOP = frozenset(_STOP_WORDS.split())
NEGATION = frozenset({"not", "no", "never", "nobody", "none", "isn't", "aren't", "wasn't", "won't",
                      "isnt", "arent", "wasnt", "wont", "doesn't", "doesnt", "don't", "dont",
                      "hasn't", "hasnt", "haven't", "havent", "nothing", "neither"})  # fmt: skip

# Everyday synonyms, folded to one token. General vocabulary of council rumours, not any
# one council's.
SYNONYMS: dict[str, str] = {}
for canonical, words in {
    "close": "close closed closing closure closures shut shuts shutting shutdown",
    "scrap": "scrap scrapped scrapping axe axed axing ditch ditched abolish abolished binned "
    "cancel cancelled canceled dropped",
    "sell": "sell sold selling sells flog flogged flogging",
    "demolish": "demolish demolished demolishing knock knocked knocking bulldoze bulldozed "
    "flatten flattened raze razed",
    "hack": "hack hacked hacking hacker hackers breach breached",
    "steal": "steal stolen stole stealing nick nicked pinched leaked",
    "fine": "fine fined fines fining penalty penalties pcn ticket tickets",
    "double": "double doubled doubling",
    "migrant": "migrant migrants refugee refugees asylum immigrant immigrants seeker seekers",
    "house": "house houses housing home homes flat flats property properties",
    "camera": "camera cameras cam cams anpr",
    "speed": "speed speeding radar",
    "rise": "rise rises rising risen increase increased increasing hike hiked raise raised raising",
    "councillor": "councillor councillors cllr cllrs member members",
    "salary": "salary salaries wage wages payrise allowance allowances",
    "sack": "sack sacked sacking fire fired redundant redundancies",
    "bring": "bus bussed bussing buses ship shipped shipping move moved moving moves bring "
    "brought bringing send sent sending transfer transferred dump dumped dumping",
    "offender": "offender offenders criminal criminals prisoner prisoners convict convicts "
    "paedo paedos paedophile paedophiles ex-con",
    "hostel": "hostel hostels",
    "pool": "pool pools swimming baths",
    "traveller": "traveller travellers gypsy gypsies gipsy gipsies",
    "electric": "electric electricity power",
    "bonus": "bonus bonuses commission kickback kickbacks",
    "free": "free freebie gratis",
    "monthly": "monthly month",
    "permission": "permission permit permitted allowed allow allowing",
    "card": "card cards bank",
    "data": "data details information info",
    "chip": "chip chips chipped microchip microchips microchipped tracker trackers",
    "fortnight": "fortnight fortnightly",
    "crime": "crime crimes burglary burglaries burgled robbery robberies",
    "light": "light lights lighting streetlight streetlights lamp lamps",
    "police": "police copper coppers cops cop",
    "hotel": "hotel hotels",
    "volunteer": "volunteer volunteers volunteering",
    "developer": "developer developers builder builders",
    "genuine": "genuine real legit legitimate authentic",
    "consult": "consult consulted consulting consultation asked",
    "queue": "queue queues queuing priority prioritised",
}.items():
    for word in words.split():
        SYNONYMS[word] = canonical

_TOKEN = re.compile(
    r"£\s?\d[\d,]*(?:\.\d+)?k?m?|\d[\d,]*(?:\.\d+)?\s?(?:%|per ?cent)?|[a-z][a-z']*"
)


@text_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    word = word.strip("'").removesuffix("'s").removesuffix("s'")
    if word in SYNONYMS:
        return SYNONYMS[word]
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return SYNONYMS.get(word, word)


def _number(token: str) -> str:
    """'£2,000' -> '£2000', '£2k' -> '£2000', '10 per cent' -> '10%', '500' -> '500'."""
    money = token.startswith("£")
    body = token.lstrip("£").strip().replace(",", "")
    percent = body.endswith("%") or body.endswith("cent")
    body = re.sub(r"\s?(%|per ?cent)$", "", body)
    scale = 1.0
    if body.endswith("k"):
        scale, body = 1000.0, body[:-1]
    elif body.endswith("m"):
        scale, body = 1_000_000.0, body[:-1]
    try:
        value = float(body) * scale
    except ValueError:
        return token
    text = f"{value:g}" if value < 1e7 else str(int(value))
    return ("£" if money else "") + text + ("%" if percent else "")


@text_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """Stems and normalised numbers of a text, in order, stop words dropped. Cached: the
    misinformation detector reads each sentence of a comment several ways."""
    out = []
    for raw in _TOKEN.findall(text.lower()):
        if raw[0].isdigit() or raw[0] == "£":
            out.append(_number(raw))
        elif raw not in STOP and len(raw) > 1:
            out.append(_stem(raw))
    return tuple(out)


def is_number(token: str) -> bool:
    return bool(token) and (token[0].isdigit() or token[0] == "£")


def negations(text: str) -> set[str]:
    words = set(re.findall(r"[a-z']+", text.lower().replace("’", "'")))
    found = words & NEGATION
    if re.search(r"\bn't\b|n't\b", text.lower()):
        found.add("n't")
    return found


@dataclass(frozen=True, slots=True)
class ClaimForm:
    """One way a known false claim is put, as stems: those naming the fact's topic (what the
    claim is about) and the rest (what it says about it)."""

    fact_index: int
    claim: str
    stems: frozenset[str]
    topic: frozenset[str]
    predicate: frozenset[str]


class ClaimMatcher:
    """Weighted overlap between a text and each claim; weights are rarity in the register."""

    def __init__(
        self,
        fact_texts: Sequence[str],
        topics: Sequence[str],
        claims: Iterable[tuple[int, str]],
    ) -> None:
        documents = [set(tokens(t)) for t in fact_texts]
        n = max(1, len(documents))
        df: dict[str, int] = {}
        for doc in documents:
            for stem in doc:
                df[stem] = df.get(stem, 0) + 1
        self.weights = {s: math.log((n + 1) / (c + 0.5)) for s, c in df.items()}
        self.default_weight = math.log((n + 1) / 0.5)
        topic_stems = [frozenset(tokens(t)) for t in topics]
        self.forms: list[ClaimForm] = []
        for fact_index, claim in claims:
            for variant in _variants(claim):
                stems = frozenset(tokens(variant))
                if len(stems) >= 2:
                    topic = stems & topic_stems[fact_index]
                    self.forms.append(ClaimForm(fact_index, claim, stems, topic, stems - topic))
        # Which forms use each stem: a form that shares fewer than two stems with a text
        # scores 0 against it, so only forms sharing two or more are scored.
        self._forms_with: dict[str, list[int]] = {}
        for k, form in enumerate(self.forms):
            for stem in form.stems:
                self._forms_with.setdefault(stem, []).append(k)

    def weight(self, stem: str) -> float:
        w = self.weights.get(stem, self.default_weight)
        return w * 1.5 if is_number(stem) else w

    def _recall(self, stems: frozenset[str], text_stems: set[str]) -> float:
        total = sum(self.weight(s) for s in stems)
        if total <= 0:
            return 0.0
        return sum(self.weight(s) for s in stems & text_stems) / total

    def score(self, text_stems: set[str], form: ClaimForm) -> float:
        """0..1: how much of the claim the text repeats. What the claim says about its topic
        counts most; naming the topic alone is not repeating the claim."""
        shared = form.stems & text_stems
        numbers = [s for s in shared if is_number(s)]
        if len(shared) < min(3, len(form.stems)) and not (numbers and len(shared) >= 2):
            return 0.0
        if not form.predicate:
            return 0.5 * self._recall(form.topic, text_stems)
        said = self._recall(form.predicate, text_stems)
        if not form.topic:
            return said
        return 0.3 * self._recall(form.topic, text_stems) + 0.7 * said

    def best(self, text: str) -> tuple[ClaimForm, float] | None:
        """The form the text repeats most (the first of equals), or None if it repeats none."""
        stems = set(tokens(text))
        shared: dict[int, int] = {}
        for stem in stems:
            for k in self._forms_with.get(stem, ()):
                shared[k] = shared.get(k, 0) + 1
        best: tuple[ClaimForm, float] | None = None
        for k in sorted(k for k, n in shared.items() if n >= 2):
            s = self.score(stems, self.forms[k])
            if s > (best[1] if best else 0.0):
                best = (self.forms[k], s)
        return best


def _variants(claim: str) -> list[str]:
    """A claim and, where it offers alternatives ("sold / knocked down"), each alternative
    read with the words before the first alternative."""
    if "/" not in claim:
        return [claim]
    parts = [p.strip() for p in claim.split("/")]
    head_words = parts[0].split()
    variants = [claim.replace("/", " ")]
    for i, part in enumerate(parts):
        if i == 0 or len(part.split()) > 3:
            variants.append(part)
        if i > 0 and len(part.split()) <= 3 and len(head_words) > 1:
            variants.append(" ".join([*head_words[:-1], part]))
    return variants
