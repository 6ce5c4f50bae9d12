"""Spam and scams: phishing links, look-alike domains and accounts, refund and crypto lures,
and impersonation of the council or its councillors."""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.registers import Registers
from moderation.verdict import Category, Evidence

URL = re.compile(r"\b((?:https?://)?(?:[a-z0-9\-]+\.)+[a-z]{2,}(?:/[^\s]*)?)", re.IGNORECASE)
LURES = Lexicon(
    "lures",
    [
        "verify your account",
        "verify your details",
        "confirm your details",
        "claim your",
        "claim now",
        "refund",
        "rebate",
        "overpaid",
        "you are owed",
        "you're owed",
        "click here",
        "click the link",
        "tap the link",
        "dm me",
        "dm us",
        "message me on whatsapp",
        "whatsapp",
        "telegram",
        "crypto*",
        "bitcoin",
        "btc",
        "forex",
        "investment",
        "invest",
        "trading",
        "earn £",
        "make £",
        "passive income",
        "profit",
        "recover your",
        "recovery expert",
        "hacked account",
        "check my profile",
        "check out my page",
        "follow me",
        "follow back",
        "f4f",
        "free followers",
        "giveaway",
        "winner",
        "you have won",
        "prize",
        "gift card",
        "beautiful profile",
        "want to be friends",
        "hello dear",
        "lonely",
        "sugar daddy",
        "cheap",
        "discount",
        "promo code",
        "limited time",
        "act now",
        "pay a fee",
        "processing fee",
        "admin fee",
        "bank details",
        "card details",
        "login here",
    ],
)
COUNCIL_WORDS = ("council", "cllr", "councillor", "official", "support", "help", "gov")


class SpamDetector:
    name = "spam_scam"

    def __init__(self, registers: Registers) -> None:
        contacts = registers.contacts
        self.domains = {d.lower() for d in contacts.website_domains}
        self.org_tokens = {
            t.lower()
            for t in re.findall(r"[A-Za-z]{4,}", contacts.organisation)
            if t.lower() not in {"borough", "district", "council", "county", "city"}
        }
        self.handles = {a.handle.lower().lstrip("@") for a in contacts.social_accounts}
        self.people_handles = {
            a.lower().lstrip("@") for p in registers.people for a in p.aliases if a.startswith("@")
        }

    def _official(self, domain: str) -> bool:
        return domain in self.domains or any(domain.endswith("." + d) for d in self.domains)

    def _lookalike(self, domain: str) -> bool:
        squashed = domain.replace("-", "").replace(".", "")
        return any(t in squashed for t in self.org_tokens) and not self._official(domain)

    def _impersonation(self, author: str) -> bool:
        handle = author.lower().lstrip("@")
        if not handle or handle in self.handles or handle in self.people_handles:
            return False
        squashed = re.sub(r"[^a-z]", "", handle)
        looks_official = any(w in squashed for w in COUNCIL_WORDS)
        names_council = any(t in squashed for t in self.org_tokens)
        return looks_official and (names_council or "cllr" in squashed)

    def detect(self, doc: Document) -> Detection:
        evidence: list[Evidence] = []
        score = 0.0
        text = doc.comment.text
        for m in URL.finditer(text):
            link = m.group(1).lower()
            domain = re.sub(r"^https?://", "", link).split("/")[0]
            if "." not in domain or domain.replace(".", "").isdigit() or self._official(domain):
                continue
            if self._lookalike(domain):
                evidence.append(
                    Evidence(
                        self.name,
                        f"look-alike of the council's site: '{domain}'",
                        m.group(1),
                        m.start(),
                        m.end(),
                    )
                )
                score = max(score, 0.9)
            else:
                evidence.append(
                    Evidence(self.name, f"link to '{domain}'", m.group(1), m.start(), m.end())
                )
                score = max(score, 0.3)
        lures = LURES.find(doc.folded)
        if lures:
            evidence.append(
                Evidence(
                    self.name,
                    "lure: " + ", ".join(f"'{m.span}'" for m in lures[:3]),
                    lures[0].span,
                    lures[0].start,
                    lures[0].end,
                )
            )
            score = max(score, 0.35 + 0.2 * len(lures) + (0.3 if score else 0.0))
        if self._impersonation(doc.comment.author_handle):
            evidence.append(
                Evidence(
                    self.name,
                    f"account '{doc.comment.author_handle}' poses as official",
                    doc.comment.author_handle,
                )
            )
            score = max(score, 0.85)
        if not evidence or score == 0.0:
            return NOTHING
        return Detection.of(Category.SPAM_SCAM, min(score, 0.99), self.name, *evidence)
