"""Discrimination: slurs and hostility by a protected characteristic.

Mentioning one's own identity, quoting abuse in order to report it, and speaking against
hate are not discrimination, even when the slur appears.
"""

from __future__ import annotations

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.verdict import Category, Evidence

SLURS = Lexicon(
    "slurs",
    [
        "paki*",
        "pikey*",
        "gyppo*",
        "gippo*",
        "gypo*",
        "pakis",
        "wog*",
        "nigg*",
        "coon*",
        "chink*",
        "spaz*",
        "spastic*",
        "retard*",
        "mong",
        "mongs",
        "tranny",
        "trannies",
        "faggot*",
        "fag",
        "fags",
        "poof*",
        "dyke*",
        "muzzie*",
        "muzrat*",
        "raghead*",
        "towelhead*",
        "kike*",
        "yid*",
        "darkie*",
        "gollywog*",
        "polack*",
        "half-caste",
        "shemale*",
        "lezza*",
        "bender*",
        "sand n*",
    ],
)
GROUPS = Lexicon(
    "groups",
    [
        "immigrants",
        "migrants",
        "asylum seekers",
        "refugees",
        "foreigners",
        "muslims",
        "islam",
        "jews",
        "travellers",
        "gypsies",
        "roma",
        "poles",
        "romanians",
        "eastern europeans",
        "blacks",
        "asians",
        "gays",
        "lesbians",
        "trans people",
        "transgender",
        "women",
        "disabled",
        "old people",
        "pensioners",
        "boomers",
        "christians",
        "hindus",
        "sikhs",
        "africans",
        "indians",
        "pakistanis",
        "albanians",
        "them lot",
        "their sort",
        "their kind",
        "these people",
        "that lot",
    ],
)
HOSTILITY = Lexicon(
    "hostility",
    [
        "vermin",
        "parasite*",
        "infest*",
        "invaders",
        "invasion",
        "breed like",
        "animals",
        "savages",
        "scum",
        "filth",
        "go back to",
        "send them back",
        "send the lot back",
        "not welcome",
        "don't belong",
        "dont belong",
        "in their culture",
        "their culture",
        "can't be trusted",
        "cant be trusted",
        "all the same",
        "ruin*",
        "taking over",
        "should be banned",
        "out of our",
        "sub-human",
        "subhuman",
        "disease",
    ],
)
NOT_HOSTILE = Lexicon(
    "reporting and counter-speech",
    [
        "as a",
        "i am a",
        "i'm a",
        "called me",
        "called my",
        "was called",
        "been called",
        "calling people",
        "has no place",
        "no place for",
        "reported",
        "screenshot*",
        "disgusting that",
        "shouldn't have to",
        "stand with",
        "welcome here",
        "stop calling",
        "racism",
        "homophobia",
        "transphobia",
        "is not okay",
        "isn't okay",
        "not acceptable",
    ],
)


class DiscriminationDetector:
    name = "discrimination"

    def detect(self, doc: Document) -> Detection:
        folded = doc.folded
        excuse = NOT_HOSTILE.first(folded)
        slur = SLURS.first(folded)
        if slur is not None:
            score = 0.35 if excuse is not None else 0.85
            return Detection.of(
                Category.DISCRIMINATION,
                score,
                self.name,
                Evidence(self.name, f"slur: '{slur.span}'", slur.span, slur.start, slur.end),
            )
        group = GROUPS.first(folded)
        hostile = HOSTILITY.first(folded)
        model = doc.model_scores.get("identity_attack", 0.0)
        if group is None or (hostile is None and model < 0.5):
            return NOTHING
        score = 0.7 if hostile is not None else model
        if excuse is not None:
            score = min(score, 0.4)
        said = hostile.span if hostile is not None else f"model identity_attack {model:.2f}"
        return Detection.of(
            Category.DISCRIMINATION,
            score,
            self.name,
            Evidence(
                self.name,
                f"hostility towards {group.span}: '{said}'",
                group.span,
                group.start,
                group.end,
            ),
        )
