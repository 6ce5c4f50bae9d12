"""The parts the threat forms are built from, and what a form is.

A `Form` is one way a threat is put, with the score it earns on its own. A `needs_someone`
form is only a threat when a person or property is in the same sentence; an `unless_safety`
form is dropped when the sentence is about roads, ice, lighting or crime worries ("you'll get
run over on that crossing" warns, it does not threaten). Forms scored below the threshold
(0.45) are hints: they count only with support (a second form, "mark my words", a fire
emoji) and are otherwise not reported at all; an `addressed` hint becomes a threat when the
comment names someone by title or addresses them by name ("..., Cllr Hale"). The forms themselves
are in `threat_harm`, `threat_veiled` and `threat_property`; they were written from how
threats are usually put online, not from any labelled set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.lexicon import Lexicon

# Text-speak and common misspellings, as parts of the patterns below.
YOU = r"(?:you|u|ya|yous|youse)"
WILL = (
    r"(?:'ll|ll| will| wil| are going to| r going to| are gonna| r gonna| are gunna|"
    r"'re going to|'re gonna|'re gunna|'s going to|'s gonna|'s gunna| is going to| is gonna)"
)
SUBJECT = (
    rf"(?:{YOU}|he|she|they|cllr \w+|councillor \w+|(?:the|that|this) (?:\w+ )?(?:officer|warden|"
    r"bailiff|councillor|planner|inspector|leader|manager|bloke|man|woman|clown)|(?:one|some|a "
    r"few|all) of (?:your|ur|the|those|them|his|her) (?:\w+ )?(?:wardens|officers|staff|"
    r"bailiffs|councillors|planners|binmen|drivers|inspectors|mates|kids|lot))"
)
# "you're getting", "your getting", "ur getting", "he's getting": harm on its way.
GETTING = (
    rf"(?:(?:{YOU}|he|she|they){WILL}\s+(?:\w+\s+)?(?:get|be getting)|"
    r"(?:you'?re|youre|your|ur|u r|you are|he'?s|hes|he is|she'?s|she is|they'?re|they are)"
    r" (?:\w+ )?getting|(?:you|u|he|she|they)(?:'ll|ll| will) get|(?:ur|your|youre|you'?re) "
    r"(?:gonna|gunna|going to|goin to) get)"
)
INJURY = (
    r"(?:(?:a |an )?(?:broken|bloody|smashed|busted|bust|fat|black) (?:nose|jaw|face|teeth|lip|"
    r"eye|skull|head|kneecaps?|ribs|fingers)|no teeth|fewer teeth|(?:carried|stretchered|"
    r"dragged) (?:off|out)|on a stretcher|in (?:an |a )?(?:ambulances?|body bags?|coffins?|"
    r"ditch|canal|river)|in the (?:canal|river|ditch|morgue)|in (?:hospital|a&e|a and e|"
    r"intensive care)|"
    r"(?:eating|drinking) through a straw|picking (?:up )?(?:your|his|her|their) teeth)"
)
# Buildings and things a council owns, as well as people's own property.
BUILDING = (
    r"(?:town hall|civic centre|council (?:offices?|building|house|chamber|depot|tip)|offices?|"
    r"chamber|depot|tip|library|libraries|building|buildings|house|houses|home|car|cars|van|"
    r"vans|camera|cameras|cctv|place|shop|hub|centre|hotel|hostel|mosque|church|synagogue|"
    r"temple|school|surgery|station|caravans?|windows?|doors?|gates?|reception)"
)
# Road, ice, lighting and crime-worry talk: harm that is feared, not promised.
SAFETY_CONTEXT = Lexicon(
    "safety context",
    [
        "pavement*",
        "road",
        "roads",
        "junction",
        "crossing",
        "pothole*",
        "ice",
        "icy",
        "stairs",
        "steps",
        "bend",
        "cycle lane",
        "cycling",
        "riding",
        "driving",
        "speed*",
        "traffic",
        "lights",
        "street light*",
        "flood*",
        "trip",
        "slip",
        "fall",
        "walking through",
        "walk through",
        "round here",
        "around here",
        "after dark",
        "at night",
        "nowadays",
        "underpass",
        "alley",
        "on that estate",
        "in that park",
        "in the park",
        "if you go",
        "if you walk",
        "storm*",
        "gale*",
        "wind",
        "weather",
    ],
)
# "..., Cllr Hale" or "Ms Ellwood": an identifiable person is addressed or named.
ADDRESSED = re.compile(
    r"(?<![A-Za-z])(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr)\.? [A-Z][a-z]+|"
    r", [A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:[.!?]*\s*$|,)"
)

PERSON = (
    r"(?:him|her|them|'em|em|you|u|ya|cllr \w+|councillor \w+|(?:the|that|this|those|these) "
    r"(?:\w+ ){0,2}?(?:officer|officers|warden|wardens|bailiff|bailiffs|councillor|councillors|"
    r"planner|planners|inspector|leader|manager|mayor|bloke|man|woman|lady|guy|clown|idiot|"
    r"lot|staff|binmen|bin men|driver|chief exec|boss|clerk))(?![a-z])"
)
ONE_PERSON = (
    r"(?:him|her|cllr \w+|councillor \w+|(?:the|that) (?:\w+ ){0,2}?(?:officer|warden|bailiff|"
    r"councillor|planner|inspector|leader|manager|mayor|bloke|man|woman|clown|idiot|driver|"
    r"boss|clerk))(?![a-z])"
)
BEATING = (
    r"(?:a |an )?(?:good |proper |right |real |swift |little |sound )?(?:hiding|kicking|beating|"
    r"slap|slapping|smack|battering|going over|seeing to|thumping|punch|doing|kneecapping|"
    r"glassing)(?![a-z])(?! to nothing| on the wrist| up the)"
)
# Debate, press and sport: "getting a battering in the press" is not a beating.
NOT_LITERAL = (
    r"(?! (?:in the (?:debate|polls|press|papers|election|vote|comments|chamber|meeting|match|"
    r"final|quiz)|on (?:twitter|facebook|social media|here|x|tiktok)|by (?:the )?(?:press|"
    r"papers|residents|voters|opposition)|online))"
)
PASSIVE = (
    r"(?:glassed|bottled|stabbed|shanked|shot(?! (?:of|down|at))|battered|leathered|decked|"
    r"floored|knocked out|sparked out|spark out|kneecapped|lynched|strung up|hanged|torched|"
    r"firebombed|petrol bombed|kicked in|kicked to death|beaten up|beat up|done in|smacked|"
    r"slapped|punched|chinned|lamped|twatted|bashed|bashed in|headbutted|nutted|run over|"
    r"dragged out|put in hospital|put in the ground|a slap|a smack|a knife in|a bullet in|"
    r"a brick through|a good hiding|a proper hiding|a good kicking|a proper kicking|(?:your|ur|"
    r"his|her|their) (?:head|face|teeth|legs) (?:kicked|smashed|caved|punched|knocked) (?:in|out|"
    r"off))"
)


@dataclass(frozen=True, slots=True)
class Form:
    """One way a threat is put. A pattern with a `name` group matches only when that word is
    a pronoun or a name written with a capital in the comment ("sort Hale out", not "sort
    potholes out")."""

    pattern: re.Pattern[str]
    score: float
    description: str
    needs_someone: bool = False
    unless_safety: bool = False
    addressed: bool = False


# A word in the slot a name fills: checked against the comment's capitalised words.
NAME = r"(?P<name>[a-z][a-z\-]+)"
PRONOUNS = frozenset({"him", "her", "them", "'em", "em", "you", "u", "ya"})
# Capitalised words that are not people: places, days, parties, institutions.
NOT_NAMES = frozenset(
    {
        *("i", "council", "councils", "town", "hall", "street", "road", "lane", "avenue"),
        *("close", "park", "centre", "god", "jesus", "police", "nhs", "uk", "mp", "mps"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december", "christmas", "easter"),
        *("facebook", "twitter", "instagram", "youtube", "england", "britain", "british"),
        *("labour", "tory", "tories", "conservative", "conservatives", "reform", "lib", "dem"),
        *("dems", "green", "greens", "independent"),
    }
)
_CAPITALISED = re.compile(
    r"(?<=[a-z,;:] )([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![A-Za-z])|(?<![A-Za-z])([A-Z][a-z]+(?:-[A-Z]"
    r"[a-z]+)?)'s(?![a-z])"
)


def names_in(original: str) -> frozenset[str]:
    """Words written as names in the middle of a sentence ("tell Hale", "Hale's car")."""
    found = {(a or b).lower() for a, b in _CAPITALISED.findall(original)}
    return frozenset(found - NOT_NAMES)


def form(pattern: str, score: float, description: str, **flags: bool) -> Form:
    return Form(re.compile(pattern), score, description, **flags)
