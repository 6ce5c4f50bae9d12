"""Obscenity: sexually explicit or grossly obscene content. Mild profanity is not.

"Bloody bins again", "f***ing shambles" and "what a cock-up" are profanity, not obscenity.
Explicit sexual terms count on their own; innuendo (a suggestive emoji, "wanna see mine",
"bend her over") counts when two signs agree or when it is aimed at a person. Criticism
put in sexual imagery ("just been fisted without lube by this bill") is obscenity: the
imagery is why it is hidden, not the criticism.
"""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.framing import Framing
from moderation.lexicon import Lexicon, Match
from moderation.verdict import Category, Evidence

EXPLICIT = Lexicon(
    "sexual",
    [
        "blowjob*",
        "blow job*",
        "handjob*",
        "hand job*",
        "rimjob*",
        "deepthroat*",
        "suck my",
        "suck me off",
        "sucking off",
        "suck him off",
        "suck her",
        "my cock",
        "his cock",
        "cock out",
        "fat cock",
        "big cock",
        "pussy",
        "pussies",
        "tits out",
        "titties",
        "titty",
        "boobs out",
        "her tits",
        "your tits",
        "nice tits",
        "nice rack",
        "nudes",
        "nude pics",
        "naked pics",
        "dick pic*",
        "feet pics",
        "foot pics",
        "jerk off",
        "jerking off",
        "wank over",
        "wanking",
        "wanked",
        "shagging",
        "shag her",
        "shag him",
        "shag you",
        "fuck her",
        "fuck him",
        "fucking her",
        "fucking him",
        "spread her legs",
        "spread your legs",
        "cum",
        "cumming",
        "cumshot*",
        "creampie*",
        "dildo*",
        "vibrator*",
        "horny",
        "sex cam*",
        "sexy singles",
        "milf",
        "milfs",
        "onlyfans",
        "only fans",
        "rimming",
        "anal sex",
        "bukkake",
        "gangbang*",
        "gang bang*",
        "dogging",
        "fisted",
        "fisting",
        "without lube",
        "lube",
        "sit on my face",
        "sit on my",
        "ride me",
        "get your kit off",
        "strip for",
        "bend her over",
        "bend him over",
        "bend you over",
        "bent her over",
        "bend over the",
        "doggy style",
        "doggystyle",
        "threesome",
        "take turns on",
        "69",
        "boner",
        "hard-on",
        "knickers off",
        "pants down",
        "sexting",
        "motorboat*",
        "a lovely pair",
        "nice pair on",
        "lovely pair on",
        "good seeing to",
        "seeing to",
        "touching myself",
        "playing with myself",
        "gagging for it",
        "taken dry",
        "hot singles",
        "horny singles",
        "nice arse on",
        "lovely arse on",
        "great arse on",
        "wouldn't kick her out of bed",
        "wouldn't kick him out of bed",
        "back doors",
        "on my knees for",
        "in a thong",
        "in her underwear",
        "in his underwear",
        "in her knickers",
        "panties",
        "happy ending",
    ],
)
# Innuendo: counts with a second sign, or when aimed at a person.
INNUENDO = Lexicon(
    "innuendo",
    [
        ":eggplant:",
        ":peach:",
        ":sweat_droplets:",
        ":hot_face:",
        ":drooling_face:",
        ":tongue:",
        "wanna see mine",
        "want to see mine",
        "dm for pics",
        "dm me for pics",
        "send pics",
        "send me pics",
        "babe",
        "sexy",
        "hot local",
        "nice bushes",
        "pole for you",
        "give her one",
        "give him one",
        "i'd have her",
        "i'd have him",
        "i'd do her",
        "i'd do him",
        "i'd smash",
        "i'd bang",
        "not in the fun way",
        "not in a good way",
        "fit as",
        "phwoar",
        "would ruin her",
        "i'd ruin",
    ],
)
# Sexual topics: discussing them is not explicit, so they need a second sign.
TOPICS = Lexicon(
    "sexual topics",
    [
        "porn*",
        "prostitut*",
        "brothel*",
        "hookers",
        "orgasm*",
        "sex tape",
        "naked",
        "in the nude",
        "sugar daddy",
        "sugar baby",
        "erection",
        "sex",
        "sexual",
    ],
)
# Hints: never enough alone, but a second sign next to innuendo.
HINTS = Lexicon(
    "hints",
    [
        ":smiling_face_with_horns:",
        ":smirking_face:",
        ":winking_face:",
        ":foot:",
        ":kiss_mark:",
        ":winking_face_with_tongue:",
        ":face_with_tongue:",
        ":lips:",
        "18+",
        "xxx",
        "i'll pay",
        "i'd pay",
        "pics of",
        "meet you tonight",
        "want to meet you",
        "take turns",
        "sit on",
        "in the jacuzzi",
        "in the shower",
        "wink wink",
        "tonight",
    ],
)
EXPLICIT_FORMS = [
    re.compile(p)
    for p in (
        r"(?<![a-z])bend (?:\w+ ){1,3}?over(?![a-z])",
        r"(?<![a-z])(?:i'?d|i would|would) (?:have|do|smash|bang|ride|shag) (?:her|him|them|you)"
        r"(?: on| in| over| against| right|[.!,]|$)",
        r"(?<![a-z])(?:her|your|his|lady's|woman's|[a-z\-]+'s) (?:t[i*!1]ts|boobs|knockers|jugs|"
        r"rack|nipples|fanny|minge)(?![a-z])",
    )
]
_PERSON = re.compile(r"(?<![a-z])(?:her|him|she|he|you|lady|woman|girl|man|bloke|lads)(?![a-z])")


class ObscenityDetector:
    name = "obscenity"

    def detect(self, doc: Document) -> Detection:
        folded = doc.folded
        frame = Framing(folded)
        explicit = [
            m for m in EXPLICIT.find(folded) if not frame.mentioned_not_used(m.start, m.end)
        ]
        for pattern in EXPLICIT_FORMS:
            for f in pattern.finditer(folded):
                explicit.append(Match("explicit", f.group(0), f.start(), f.end()))
        innuendo = INNUENDO.find(folded)
        signs = len({m.term for m in innuendo}) + len({m.term for m in HINTS.find(folded)})
        topics = TOPICS.find(folded)
        if topics and (innuendo or explicit):
            explicit.append(topics[0])
        model = doc.model_scores.get("obscene", 0.0)
        if explicit:
            hit = explicit[0]
            score = 0.8 if len(explicit) + signs > 1 else 0.7
        elif innuendo and (signs >= 2 or _PERSON.search(folded)):
            hit = innuendo[0]
            score = 0.65 if signs >= 2 else 0.55
        else:
            return NOTHING
        if hit.term in ("cum", "69", "lube", "sit on my") and not signs:
            score = 0.45
        score = max(score, min(0.95, model)) if score >= 0.5 else score
        return Detection.of(
            Category.OBSCENITY,
            score,
            self.name,
            Evidence(self.name, f"sexually explicit: '{hit.span}'", hit.span, hit.start, hit.end),
        )
