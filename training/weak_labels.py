"""Silver labels for `threat` and `obscene`, which no public set here annotates.

The heads trained on these labels learn a meaning-level version of the patterns (they see
the MiniLM embedding, not the words), so they generalise a little past the word lists, but
their held-out metrics are measured against the same silver labels: treat them as a floor
under the rule-based detectors, not as independent evidence.

threat: 1 when the gold label says the text is abusive AND it states harm to someone
("I'll kill you", "they should all be shot", "kill yourself"); 0 when the text is not
abusive (so idioms like "I could murder a curry" teach the head what is not a threat) or
is abusive with no violent word at all; unknown (None) for abusive text that mentions
violence without the pattern.

obscene: 1 for sexual vulgarity and strong profanity ("fuck", "cunt", "dick"...); 0
otherwise. Mild profanity ("bloody", "damn", "crap", "shit") is not obscenity under the
house rules, so it is deliberately absent from the list.
"""

from __future__ import annotations

import re

_VIOLENCE = (
    r"kill(?:ed|ing|s)?|murder(?:ed|ing|s)?|shoot|shot|stab(?:bed|bing)?|hang(?:ed)?|hung|"
    r"lynch(?:ed)?|burn(?:ed|t)?|beat(?:en)?|bomb(?:ed)?|slit|strangle(?:d)?|choke(?:d)?|"
    r"punch(?:ed)?|hurt|rape(?:d)?|behead(?:ed)?|gas(?:sed)?|exterminate(?:d)?|slaughter(?:ed)?|"
    r"execute(?:d)?|smash(?:ed)?|knife(?:d)?|gun(?:ned)? down|blow(?:n)? up|die|dead|"
    r"wipe(?:d)? out|torture(?:d)?|string(?:ed)? up|put down"
)
_VIOLENT_WORD = re.compile(rf"\b(?:{_VIOLENCE})\b", re.IGNORECASE)

_THREAT_PATTERNS = [
    # A speaker announcing harm: "I'll / we're gonna / I'm going to ... kill"
    rf"\b(?:i|we|i'?ll|we'?ll|im|i'm|i am|we are|we're)\b[^.!?]{{0,25}}"
    rf"\b(?:will|ll|gonna|going to|about to|gon|finna|want to|wanna)\b[^.!?]{{0,20}}"
    rf"\b(?:{_VIOLENCE})\b",
    # Wishing or calling for harm: "should be shot", "deserve to die", "needs to be hanged"
    rf"\b(?:should|must|need(?:s)? to|ought to|deserve(?:s)? to|hope|wish)\b[^.!?]{{0,20}}"
    rf"\b(?:be |get |all )?(?:{_VIOLENCE})\b",
    # Imperatives against a person or group: "kill all ...", "death to ...", "kill yourself"
    r"\b(?:kill|shoot|hang|gas|exterminate|lynch|bomb|nuke)\s+(?:all|every|them|those|these|him|"
    r"her|you|yourself|urself|yourselves)\b",
    r"\bdeath to\b",
    r"\bkys\b",
    r"\b(?:i|we) know where (?:you|u|she|he|they) live",
    r"\bwatch (?:your|ur) back\b",
    r"\bcoming for (?:you|u)\b",
]
_THREAT = re.compile("|".join(f"(?:{p})" for p in _THREAT_PATTERNS), re.IGNORECASE)

_OBSCENE = re.compile(
    r"\b(?:f+u+c+k+\w*|f+u+k+\w*|motherf\w*|mofo|c+u+n+t+s?|cocks?|cocksuck\w*|dicks?|dickhead\w*|"
    r"puss(?:y|ies)|twats?|wank\w*|blow ?jobs?|jizz\w*|cum(?:ming|shot|slut)?|tits?|titties|"
    r"porn\w*|dildos?|shag\w*|sluts?|slutty|whores?|hoes?|skanks?|bukkake|fellatio|"
    r"pricks?|knobhead|bellend|cunty|nutsack|ballsack|clit\w*|anal|orgasm\w*|horny|nudes?)\b",
    re.IGNORECASE,
)


def threat_label(text: str, toxic: int | None) -> int | None:
    if not toxic:
        return 0
    if _THREAT.search(text):
        return 1
    return None if _VIOLENT_WORD.search(text) else 0


def obscene_label(text: str) -> int:
    return int(bool(_OBSCENE.search(text)))
