"""Threats of violence or harm to people or property, explicit or veiled, and self-harm.

Idioms with no identifiable target ("could murder a bacon cob"), electoral talk ("at the
ballot box") and safety warnings ("somebody's going to get hurt") are not threats.
"""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.verdict import Category, Evidence

VIOLENCE = re.compile(
    r"\b(i'?ll|i will|im going to|i'm going to|gonna|going to|we'll|we will|someone should|"
    r"somebody should|someone needs to|ought to|should be|deserves? to be|wants?)\s+"
    r"(\w+\s+){0,3}?(kill|hurt|stab|shoot|shot|hang|hanging|hanged|smash|burn|torch|"
    r"petrol bomb|firebomb|batter|glass|deck|knock|punch|bottle|string up|strung up|"
    r"put a bullet|sort (him|her|them|you) out|do (him|her|you) in|get you|end you|"
    r"deal with (him|her|you|them)|clear them out|brick)"
)
VEILED = Lexicon(
    "veiled threats",
    [
        "know where you live",
        "know where she lives",
        "know where he lives",
        "watch your back",
        "you're dead",
        "youre dead",
        "you are dead",
        "wants hanging",
        "want hanging",
        "needs hanging",
        "would be a shame if",
        "be a shame if",
        "know which school",
        "know what school",
        "know what train",
        "know which train",
        "know your car",
        "know what car",
        "see you outside",
        "accidents happen",
        "brick through",
        "through her window",
        "through his window",
        "burn it down",
        "burn the place down",
        "burn down",
        "torch the",
        "put a bullet",
        "bullet in",
        "i'll be waiting",
        "ill be waiting",
        "coming for you",
        "we're coming for",
        "last warning",
        "you've been warned",
        "youve been warned",
        "counting down",
        ":kitchen_knife:",
        ":pistol:",
        ":bomb:",
        ":coffin:",
        ":headstone:",
    ],
)
SELF_HARM = Lexicon(
    "self-harm",
    [
        "kill myself",
        "end it all",
        "end my life",
        "take my own life",
        "not be here",
        "don't want to be here",
        "dont want to be here",
        "no reason to live",
        "better off without me",
        "better off dead",
        "can't go on",
        "cant go on",
        "want to die",
        "overdose",
        "jump off",
        "top myself",
        "slit my",
    ],
)
NOT_A_THREAT = Lexicon(
    "idioms",
    [
        "ballot box",
        "at the polls",
        "at the election",
        "could murder a",
        "murder a coffee",
        "murder a pint",
        "killed it",
        "killing it",
        "going to get hurt",
        "get hurt",
        "will get killed",
        "someone will be killed",
        "accident waiting",
    ],
)


class ThreatDetector:
    name = "threat"

    def detect(self, doc: Document) -> Detection:
        folded = doc.folded
        harm = SELF_HARM.first(folded)
        if harm is not None:
            return Detection.of(
                Category.THREAT,
                0.9,
                self.name,
                Evidence(self.name, f"self-harm: '{harm.span}'", harm.span, harm.start, harm.end),
            )
        veiled = VEILED.first(folded)
        explicit = VIOLENCE.search(folded)
        if veiled is None and explicit is None:
            return NOTHING
        span = veiled.span if veiled is not None else explicit.group(0) if explicit else ""
        idiom = NOT_A_THREAT.first(folded)
        score = 0.85
        if idiom is not None:
            score = 0.3
        score = max(score, doc.model_scores.get("threat", 0.0)) if idiom is None else score
        return Detection.of(
            Category.THREAT,
            score,
            self.name,
            Evidence(self.name, f"threat of harm: '{span}'", span),
        )
