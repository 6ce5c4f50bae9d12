"""Criticism: negative opinion about the council, a decision, a service or a councillor's
public conduct. It is allowed; the policy only keeps it when nothing else applies."""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.verdict import Category, Evidence

NEGATIVE = Lexicon(
    "negative opinion",
    [
        "useless",
        "shambles",
        "shambolic",
        "disgrace*",
        "joke",
        "a farce",
        "farce",
        "waste of money",
        "waste of",
        "incompetent",
        "incompetence",
        "ridiculous",
        "pathetic",
        "shame",
        "shameful",
        "appalling",
        "awful",
        "terrible",
        "rubbish",
        "resign",
        "sack*",
        "out of touch",
        "don't care",
        "dont care",
        "couldn't care",
        "priorities",
        "wrong",
        "why should",
        "fed up",
        "sick of",
        "sick and tired",
        "not good enough",
        "unacceptable",
        "corrupt",
        "jobs for the boys",
        "cash cow",
        "rip off",
        "rip-off",
        "scandal*",
        "outrageous",
        "nonsense",
        "laughable",
        "clueless",
        "failing",
        "failed",
        "mess",
        "madness",
        "stupid",
        "daft",
        "bloody",
        "sh*tshow",
        "shitshow",
        "fuming",
        "furious",
        "angry",
        "disappointed",
        "disappointing",
        "vote them out",
        "vote you out",
        "never again",
        "absolute joke",
        "what a joke",
        "learn from",
        "should have",
        "should've",
        "won't vote",
        "embarrassing",
        "typical",
        "again",
        "cuts",
        "cutting",
        "wasted",
        "wasting",
        "pointless",
        "daylight robbery",
        "robbery",
        "money grabbing",
        "money-grabbing",
        "poor decision",
        "bad decision",
        "misleading",
        "patronising",
        "evasive",
        "disrespectful",
        "do better",
        "worst",
        "no idea",
        "has no idea",
        "haven't a clue",
        "hasn't a clue",
        "ignored",
        "ignoring",
        "ignore us",
        "too long",
        "over budget",
        "overspend",
        "late",
        "delay*",
        "spin",
        "pr stunt",
        "photo op",
        "box ticking",
        "tick box",
        "lip service",
        "false economy",
        "rethink",
        "reconsider",
        "please review",
        "think again",
        "u-turn",
        "hurt*",
        "scared",
        "unsafe",
        "dangerous",
        "dead",
        "ghost town",
        "pay more",
        "get less",
        "what do we pay",
        "time for a change",
        "won't get my vote",
        "wont get my vote",
        "not getting my vote",
        "cancelling my",
        "gravy train",
        "snouts in the trough",
        "never seen",
        "left behind",
        "can't afford",
        "cant afford",
        "struggling",
        "unfair",
        "not fair",
        "penalised",
        "penalising",
        "punishing",
        "greedy",
        "arrogant",
        "contempt",
        "insult*",
        "lies",
        "fiasco",
        "debacle",
        "white elephant",
        "vanity project",
        "mismanage*",
        "negligent",
        "poorly",
        "badly",
        "bad",
        "poor",
        "worse",
        "cut",
        "closing",
        "closures",
        "moaning",
        "fuming",
        "livid",
        "gutted",
        "ridiculous",
        "absurd",
        "crazy",
        "bravo",
        "slow clap",
        "oh great",
        "face_with_rolling_eyes",
        "clapping_hands",
        "shrugging",
        "held accountable",
        "accountab*",
        "apologis*",
    ],
)
# Praise, thanks and helpful tips: not negative, whatever single word slips in.
POSITIVE = Lexicon(
    "positive",
    [
        "thank you",
        "thanks",
        "well done",
        "great job",
        "great work",
        "great news",
        "brilliant news",
        "good news",
        "lovely",
        "can't wait",
        "cant wait",
        "proud",
        "fair play",
        "credit where",
        "shout out",
        "legends",
        "amazing",
        "well deserved",
        "good on",
        "happy to help",
        "recommend",
        "delighted",
        "welcome to",
    ],
)
# Markers of an opinion pushed against something: negation, contrast, demands, rhetorical
# questions, sarcasm. Used only when no negative word is found and nothing else applies.
OPINION = re.compile(
    r"\b(not|no|never|nobody|nothing|isn't|aren't|wasn't|weren't|won't|doesn't|don't|didn't|"
    r"can't|couldn't|shouldn't|should|instead|why|what's the point|how about|apparently|"
    r"again|another|as usual|typical|one rule|believe it when|vote)\b|\?!|!!|🙄|🤷",
    re.IGNORECASE,
)
NEUTRAL = re.compile(
    r"\b(if anyone|for anyone|anyone (?:who|asking)|you can (?:email|ring|call|report)|"
    r"ring the|email the|reported (?:it|them|this) to|reported to|i've reported|i have reported)\b",
    re.IGNORECASE,
)
VERIFY = re.compile(
    r"\b(really|true|right that|is it right|is that right|confirm|genuinely asking|"
    r"genuine question|heard|people saying|people are saying|is that the plan|"
    r"anyone know|does anyone)\b",
    re.IGNORECASE,
)


def _asks_to_verify(text: str) -> bool:
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if sentence.rstrip().endswith("?") and VERIFY.search(sentence):
            return True
    return False


# Speaking to other commenters (counter-speech), not about the council.
COUNTER_SPEECH = re.compile(
    r"\b(to the person|to everyone (?:saying|calling|piling)|people in these comments|"
    r"some of you|stop spreading|keyboard warriors|have some respect|you're the ones)",
    re.IGNORECASE,
)


class CriticismDetector:
    name = "criticism"

    def detect(self, doc: Document) -> Detection:
        if _asks_to_verify(doc.comment.text):
            # A question about whether something is true goes to comms as a rumour question;
            # calling it criticism would hide it from the people who can answer.
            return NOTHING
        hits = NEGATIVE.find(doc.folded)
        if not hits:
            return self._residual(doc)
        positive = POSITIVE.find(doc.folded)
        if positive and len(positive) >= len(hits):
            return NOTHING
        if COUNTER_SPEECH.search(doc.comment.text):
            return NOTHING
        score = min(0.95, 0.45 + 0.15 * len(hits))
        return Detection.of(
            Category.CRITICISM,
            score,
            self.name,
            Evidence(
                self.name,
                "negative opinion: " + ", ".join(f"'{h.span}'" for h in hits[:3]),
                hits[0].span,
                hits[0].start,
                hits[0].end,
            ),
        )

    def _residual(self, doc: Document) -> Detection:
        """A statement pushing against something, with no praise, no question only, no tip
        for others and no reply to other commenters: criticism at the threshold's edge."""
        text = doc.comment.text
        sentences = [x for x in re.split(r"(?<=[.!?])\s+", text.strip()) if x]
        statements = [x for x in sentences if not x.rstrip().endswith("?")]
        if not statements or POSITIVE.first(doc.folded) or COUNTER_SPEECH.search(text):
            return NOTHING
        if NEUTRAL.search(text):
            return NOTHING
        marker = OPINION.search(text)
        if marker is None:
            return NOTHING
        return Detection.of(
            Category.CRITICISM,
            0.5,
            self.name,
            Evidence(
                self.name,
                f"opinion against something: '{marker.group(0)}'",
                marker.group(0),
                marker.start(),
                marker.end(),
            ),
        )
