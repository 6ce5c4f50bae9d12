"""The evidence that a comment is a scam, spam or an impersonation, weighed once.

Both the spam detector (which reports it) and the personal-data detector (which must not
call a scam's phone number someone's private number) read the same weighing. Everything
council-specific comes from the contacts and people registers: the council's domains, its
accounts, and its councillors' handles.

A lure word alone is weak evidence: residents quote scams in order to warn each other ("got
a text saying I'm owed a refund, is it fake?"). A comment is judged a scam when a lure comes
with a way to act on it (an unofficial link, a number, "DM us", WhatsApp), when a link
imitates the council's site, or when the author poses as the council or a councillor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from rapidfuzz.distance import Levenshtein

from moderation.detectors.base import Document
from moderation.lexicon import Match
from moderation.registers import Registers
from moderation.text_caches import text_cache
from moderation.verdict import Evidence

SCAM = "spam_scam"
THRESHOLD = 0.5

URL = re.compile(
    r"(?<![@\w.])((?:https?://)?(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+"
    r"(?:[a-z]{2,12})(?::\d+)?(?:/[^\s]*)?)",
    re.IGNORECASE,
)
# Endings of things that look like domains but are file names or abbreviations.
NOT_TLDS = {"jpg", "png", "gif", "pdf", "doc", "docx", "txt", "mp4", "eg", "ie", "am", "pm", "etc"}
KNOWN_TLDS = {
    "uk", "com", "net", "org", "info", "biz", "xyz", "top", "click", "help", "online", "site",
    "live", "shop", "icu", "buzz", "win", "loan", "cc", "io", "co", "me", "app", "ly", "link",
    "store", "club", "vip", "support", "services", "pw", "ru", "cn", "tk", "ml", "ga", "cf",
    "gq", "us", "eu", "de", "fr", "es", "it", "nl", "au", "in", "gov", "ac", "nhs", "page",
    "website", "tech", "pro", "work", "world", "today", "life", "news", "tv", "uk.com",
}  # fmt: skip
# Link shorteners hide where a link goes; from a stranger they count like a cheap domain.
SHORTENERS = {
    "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "cutt.ly", "rb.gy",
    "shorturl.at", "tiny.cc", "buff.ly", "rebrand.ly", "t.ly",
}  # fmt: skip
CHEAP_TLDS = {
    "xyz", "top", "click", "help", "online", "site", "live", "shop", "icu", "buzz", "win",
    "loan", "cc", "pw", "tk", "ml", "ga", "cf", "gq", "vip", "club", "support", "services",
    "link", "store", "work", "world", "today", "life",
}  # fmt: skip
# Words a look-alike site or account adds to the council's name to seem official.
OFFICIAL_WORDS = (
    "council", "borough", "district", "county", "gov", "official", "support", "help",
    "helpdesk", "team", "dept", "department", "service", "services", "admin", "refund",
    "rebate", "grant", "payment", "pay", "tax", "housing", "waste", "bins", "parking",
    "pcn", "fines", "benefits", "customer", "care", "verify", "secure", "login", "account",
    "portal", "online", "contact", "enquiries", "office",
)  # fmt: skip
# Platforms and national bodies whose names phishing accounts and links borrow.
BRANDS = (
    "meta", "facebook", "fb", "instagram", "insta", "whatsapp", "youtube", "twitter",
    "paypal", "hmrc", "dvla", "royalmail", "evri", "dpd", "nhs", "govuk", "tvlicen",
)  # fmt: skip
BRAND_DOMAINS = (
    "facebook.com", "fb.com", "meta.com", "instagram.com", "whatsapp.com", "youtube.com",
    "youtu.be", "x.com", "twitter.com", "paypal.com", "gov.uk", "nhs.uk", "royalmail.com",
    "evri.com", "dpd.co.uk",
)  # fmt: skip

# A demand for money in the way fake-fee scams put it: "£200 deposit to secure", "£25 admin fee".
FEE_DEMAND = re.compile(
    r"£\s?\d[\d,.]*\s*(?:\w+\s){0,2}(?:deposit|fee|upfront|to secure|to release|to reserve|"
    r"to unlock|to process)\b",
    re.IGNORECASE,
)
# Money held out as bait or as a bargain: "made £4,000 in a week", "only £9.99".
MONEY_LURE = re.compile(
    r"\b(?:made|make|making|earn|earned|earning|earns|only|just|from as little as)\s+£\s?\d",
    re.IGNORECASE,
)
# Bought reach: "10k real followers", "get 500 likes".
FOLLOWER_LURE = re.compile(
    r"\b\d+k?\+? (?:real |active |genuine |uk )?(?:followers|likes|subscribers|views)\b|"
    r"\b(?:get|buy|gain|boost) (?:more |real )?(?:followers|likes|subscribers)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ScamAssessment:
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def is_scam(self) -> bool:
        return self.score >= THRESHOLD


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _near(a: str, b: str) -> bool:
    """Whether `a` is `b` with at most two letters changed, added or dropped (typosquats)."""
    if abs(len(a) - len(b)) > 2 or a == b:
        return False
    return Levenshtein.distance(a, b, score_cutoff=2) <= 2


def _site_name(domain: str) -> str:
    """The registrable name of a domain: "my.harrowmere.gov.uk" -> "harrowmere"."""
    labels = domain.removeprefix("www.").split(".")
    second_level = {"gov", "co", "org", "ac", "nhs", "police", "sch", "ltd", "plc", "me", "net"}
    if len(labels) >= 3 and labels[-1] == "uk" and labels[-2] in second_level:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else ""


def national_number(number: str) -> str:
    """The number as dialled inside the UK, digits only ("+44 7700 900817" -> "07700900817")."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("0044"):
        return "0" + digits[4:]
    if digits.startswith("44") and number.lstrip().startswith("+"):
        return "0" + digits[2:]
    return digits


_DIGIT = re.compile(r"\d")
# A UK number has ten or eleven digits with its trunk 0 (more written with +44 or 0044).
UK_NUMBER_DIGITS = 10


@text_cache(maxsize=256)
def possible_phone_numbers(text: str) -> tuple[phonenumbers.PhoneNumberMatch, ...]:
    """Every possible GB phone number phonenumbers finds in the text. The matcher is slow and
    most comments hold no number, so a text with fewer digits than a UK number is not read;
    the spam and personal-data detectors both ask about the same text in turn."""
    if len(_DIGIT.findall(text)) < UK_NUMBER_DIGITS:
        return ()
    return tuple(
        phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    )


class ScamSignals:
    """Weighs a comment for scam, spam and impersonation; pure, deterministic, never raises.

    One instance is shared by the spam and personal-data detectors, which both ask about the
    same comment in turn: the last comment's assessment is kept, so it is weighed once.
    """

    def __init__(self, registers: Registers) -> None:
        self._last: tuple[Document, ScamAssessment] | None = None
        words = registers.vocabulary
        self.strong_lures = words.lexicon("scams", "strong_lures")
        self.lures = words.lexicon("scams", "lures")
        self.contact_words = words.lexicon("scams", "contact_words")
        self.warnings = words.lexicon("scams", "warnings")
        contacts = registers.contacts
        self.domains = {d.lower().removeprefix("www.") for d in contacts.website_domains}
        # The council's own name as it appears in its domains ("harrowmere", "wyvernvale").
        self.site_names = {_site_name(d) for d in self.domains} - {""}
        generic = {"borough", "district", "council", "county", "city", "metropolitan", "royal"}
        self.org_tokens = {
            t.lower()
            for t in re.findall(r"[A-Za-z]{5,}", contacts.organisation)
            if t.lower() not in generic
        }
        self.org_squashed = _squash(
            " ".join(t for t in contacts.organisation.split() if t.lower() not in generic)
        )
        self.own_accounts = {_squash(a.handle) for a in contacts.social_accounts} | {
            _squash(a.display_name) for a in contacts.social_accounts if a.display_name
        }
        self.own_accounts.add(_squash(contacts.organisation))
        self.people_handles = {
            _squash(alias) for p in registers.people for alias in p.aliases if alias.startswith("@")
        }
        # The council's people by surname: an account that puts "Cllr" before one of them
        # poses as that person; "Cllr" before anything else is a fan, watch or campaign account.
        self.people_surnames = {
            _squash(p.name.split()[-1]) for p in registers.people if len(p.name.split()[-1]) >= 3
        }
        self.allowed_numbers = {national_number(p.number) for p in contacts.phones}

    def _official(self, domain: str) -> bool:
        domain = domain.removeprefix("www.")
        return domain in self.domains or any(domain.endswith("." + d) for d in self.domains)

    def _names_council(self, squashed: str) -> bool:
        if self.org_squashed and self.org_squashed in squashed:
            return True
        if any(name and name in squashed for name in self.site_names):
            return True
        return any(
            _near(squashed[i : i + len(name)], name)
            for name in self.site_names
            if len(name) >= 6
            for i in range(0, max(1, len(squashed) - len(name) + 1))
        )

    def _lookalike_domain(self, domain: str) -> str:
        """Why the domain imitates the council or a well-known service, or ''."""
        labels = domain.split(".")
        body = _squash("".join(labels[:-1]))
        if self._names_council(body) or any(
            t in body and any(w in body for w in OFFICIAL_WORDS) for t in self.org_tokens
        ):
            return "look-alike of the council's site"
        if "gov" in labels[:-1] or re.search(r"gov-?uk|-gov\b", domain):
            return "poses as a government site"
        if any(domain == d or domain.endswith("." + d) for d in BRAND_DOMAINS):
            return ""
        if any(b in body for b in BRANDS if len(b) >= 4) and any(w in body for w in OFFICIAL_WORDS):
            return "poses as a well-known service"
        return ""

    def _impersonation(self, author: str) -> str:
        """Why the author account poses as the council, a councillor or a platform, or ''."""
        squashed = _squash(author)
        if not squashed or squashed in self.own_accounts or squashed in self.people_handles:
            return ""
        is_handle = author.startswith("@") or " " not in author.strip()
        if ("cllr" in squashed or ("councillor" in squashed and is_handle)) and any(
            surname in squashed for surname in self.people_surnames
        ):
            return "poses as a councillor"
        names_council = self._names_council(squashed) or any(
            t in squashed for t in self.org_tokens if len(t) >= 6
        )
        officialish = [w for w in OFFICIAL_WORDS if w in squashed]
        if names_council and officialish:
            return "poses as the council"
        if any(squashed.startswith(b) or b in squashed for b in BRANDS if len(b) >= 4) and any(
            w in squashed for w in ("support", "help", "security", "team", "admin", "service")
        ):
            return "poses as a platform's support team"
        return ""

    def _links(self, text: str) -> list[tuple[str, str, int, int]]:
        """(domain, why, start, end) for every link that is not the council's own."""
        found = []
        for m in URL.finditer(text):
            link = m.group(1).lower().rstrip(".,!?)")
            domain = re.sub(r"^https?://", "", link).split("/")[0].split(":")[0]
            tld = domain.rsplit(".", 1)[-1]
            has_scheme = link.startswith("http")
            if "." not in domain or tld in NOT_TLDS or (tld not in KNOWN_TLDS and not has_scheme):
                continue
            if domain.replace(".", "").isdigit() or self._official(domain):
                continue
            why = self._lookalike_domain(domain)
            found.append((domain, why, m.start(), m.start() + len(link)))
        return found

    def _numbers(self, text: str) -> list[str]:
        numbers = []
        for match in possible_phone_numbers(text):
            raw = match.raw_string
            national = national_number(raw)
            if not (raw.lstrip().startswith(("0", "+"))) or len(national) not in (10, 11):
                continue
            if national not in self.allowed_numbers:
                numbers.append(raw)
        return numbers

    def assess(self, doc: Document) -> ScamAssessment:
        last = self._last
        if last is not None and last[0] is doc:
            return last[1]
        assessment = self._assess(doc)
        self._last = (doc, assessment)
        return assessment

    def _assess(self, doc: Document) -> ScamAssessment:
        text = doc.comment.text
        folded = doc.folded
        evidence: list[Evidence] = []
        score = 0.0

        links = self._links(text)
        for domain, why, start, end in links:
            if why:
                evidence.append(Evidence(SCAM, f"{why}: '{domain}'", text[start:end], start, end))
                score = max(score, 0.9)
        impersonation = self._impersonation(doc.comment.author_handle)
        if impersonation:
            evidence.append(
                Evidence(
                    SCAM, f"account '{doc.comment.author_handle}' {impersonation}",
                    doc.comment.author_handle,
                )
            )  # fmt: skip
            score = max(score, 0.85)

        strong = self.strong_lures.find(folded)
        lures = [
            m
            for m in self.lures.find(folded)
            if not any(m.start < s.end and s.start < m.end for s in strong)
        ]
        for pattern, what in (
            (FEE_DEMAND, "fee demand"),
            (MONEY_LURE, "money bait"),
            (FOLLOWER_LURE, "bought followers"),
        ):
            hit = pattern.search(folded)
            if hit:
                lures.append(Match(what, hit.group(0), hit.start(), hit.end()))
        numbers = self._numbers(text)
        channel_words = self.contact_words.find(folded)
        unofficial_links = [d for d, why, _, _ in links if not why]
        cheap_links = [
            d
            for d in unofficial_links
            if d.rsplit(".", 1)[-1] in CHEAP_TLDS or d.removeprefix("www.") in SHORTENERS
        ]
        has_channel = bool(unofficial_links or numbers or channel_words)
        warned = self.warnings.first(folded) is not None

        lure_score = 0.0
        if strong:
            lure_score = 0.7 + (0.2 if has_channel or impersonation else 0.0)
        if lures:
            kinds = len({m.term for m in lures})
            if has_channel:
                lure_score = max(lure_score, 0.55 + 0.1 * min(kinds, 3))
            elif kinds >= 3:
                lure_score = max(lure_score, 0.5 + 0.05 * kinds)
            else:
                lure_score = max(lure_score, 0.2 + 0.1 * kinds)
        if cheap_links:
            lure_score = max(lure_score, 0.55 if lures or strong else 0.4)
        if (
            warned
            and not impersonation
            and not channel_words
            and not numbers
            and not (lures and unofficial_links)
        ):
            # Someone describing a scam to warn others, not running one.
            lure_score = min(lure_score, 0.3)
        if lure_score:
            shown = strong + lures
            if shown:
                evidence.append(
                    Evidence(
                        SCAM,
                        "lure: " + ", ".join(f"'{m.span}'" for m in shown[:3]),
                        shown[0].span,
                        shown[0].start,
                        shown[0].end,
                    )
                )
            for domain in unofficial_links[:2]:
                evidence.append(Evidence(SCAM, f"link to '{domain}'", domain))
            for number in numbers[:1]:
                evidence.append(Evidence(SCAM, f"contact number '{number}'", number))
        score = max(score, lure_score)
        if not evidence and unofficial_links:
            evidence.append(Evidence(SCAM, f"link to '{unofficial_links[0]}'", unofficial_links[0]))
            score = max(score, 0.2)
        return ScamAssessment(min(score, 0.99), tuple(evidence))

    def is_scam(self, doc: Document) -> bool:
        return self.assess(doc).is_scam
