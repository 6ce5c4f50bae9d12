"""Spam and scams: phishing links, look-alike domains and accounts, refund, "verify your
account", crypto, romance, follower and commercial lures, and impersonation of the council or
its councillors. The weighing lives in `scam_signals`, shared with the personal-data detector.
"""

from __future__ import annotations

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.scam_signals import ScamSignals
from moderation.registers import Registers
from moderation.verdict import Category


class SpamDetector:
    name = "spam_scam"

    def __init__(self, registers: Registers, signals: ScamSignals | None = None) -> None:
        self.signals = signals or ScamSignals(registers)

    def detect(self, doc: Document) -> Detection:
        assessment = self.signals.assess(doc)
        if not assessment.evidence or assessment.score <= 0.0:
            return NOTHING
        return Detection.of(Category.SPAM_SCAM, assessment.score, self.name, *assessment.evidence)
