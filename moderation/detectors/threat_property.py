"""Threats to buildings and property: arson, bombs and wrecking, wished for or planned.

An act against a building counts only in the form a wish, plan or call takes ("should burn
down", "hope someone firebombs", "let's smash the depot up", "will be on fire by the
weekend"), never as a bare past tense, so "someone set fire to the bins again" (a report)
and "the mill burned down in 1972" stay allowed.
"""

from __future__ import annotations

import re

from moderation.detectors.threat_forms import BUILDING, Form, form

# Arson and wrecking in the forms a wish or plan takes: never a bare past tense, so "someone
# set fire to the bins again" (a report) is not read as a plan.
_ARSON = (
    r"(?:burn(?:s|ing)? (?:\w+ ){0,5}?(?:down|to the ground)|burn(?:s|ing)? (?:\w+ ){1,4}?out|"
    r"burn (?:it|the \w+|that \w+|"
    r"the lot)(?![a-z])|set(?:s|ting)? (?:fire|light) to|set(?:s|ting)? (?:\w+ ){0,4}?(?:alight|"
    r"on fire|ablaze)|torch(?:es|ing)?|fire ?bomb(?:s|ing)?|petrol bomb(?:s|ing)?|"
    r"(?:blow|blows|blowing) (?:\w+ ){0,4}?up|bomb(?:s|ing)? (?:the|that|this|their|his|her|"
    r"your)|go(?:es|ing)? up in (?:flames|smoke)|raz(?:e|es|ing) (?:\w+ ){0,3}?to the ground|"
    r"smash(?:es|ing)? (?:\w+ ){0,4}?up|burn(?= *(?:$|[.!,;]| tonight| one (?:day|night)| "
    r"soon))|(?:be|get|gets|getting|being) (?:burnt|burned|torched|"
    r"firebombed|petrol bombed|blown up|razed|smashed up|set on fire|set alight)|(?:be|is|are) "
    r"(?:on fire|in flames|ablaze|burnt out|burned out|a pile of ash|ashes|rubble))"
)
# A wish, plan or call in front of the act: "should", "hope someone", "let's", "I'll".
_WANTED = (
    r"(?:should|needs? to|needs|need|ought to|wants? to|wants|hope|hoping|wish|let'?s|let us|"
    r"can'?t wait|cannot wait|would love|i'?d love|love to see|i'll|we'll|will|gonna|gunna|"
    r"going to|time to|about time|deserves? to|make sure|fancy|fancies|up for|who'?s up for)"
)
ARSON = re.compile(
    rf"(?<![a-z]){_WANTED}(?![a-z])(?P<between>[^.!?]{{0,60}}?)(?<![a-z]){_ARSON}(?![a-z])"
)
ARSON_TARGET = re.compile(rf"(?<![a-z]){BUILDING}(?![a-z])")
# Between the wish and the act: "hope it doesn't burn down", "keep it from burning down".
NEGATED = re.compile(
    r"(?<![a-z])(?:not|never|no|nobody|nothing|from|stop|stopping|prevent|before)(?![a-z])|"
    r"n't(?![a-z])"
)


PROPERTY_FORMS: tuple[Form, ...] = (
    form(
        r"(?<![a-z])watch (?:your|ur|his|her|their|the) (?:\w+ )?(?:office|offices|house|home|car|"
        r"van|town hall|civic centre|depot|building|shop|place) (?:burn|go up|get torched|get "
        r"smashed|get bricked)(?![a-z])",
        0.75,
        "threatens their property",
    ),
    form(
        r"(?<![a-z])(?:picking|pick|scraping|sweeping) (?:up )?(?:bits|pieces) of (?:\w+ ){0,4}?"
        r"(?:off|up off|out of) the (?:road|pavement|floor|street)(?![a-z])",
        0.6,
        "threatens their property",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:got|have|'ve got|bought|buying) (?:plenty of |some |a box of |loads of |a "
        r"few )?(?:matches|lighters|lighter fluid|jerry cans|cans of petrol)(?![a-z])",
        0.6,
        "threatens arson",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])would look (?:better|nicer|lovely|great|good|best) (?:on fire|in flames|burnt "
        r"out|burned out|burnt down|smashed up|with (?:a brick|bricks) through)(?![a-z])",
        0.75,
        "threatens their property",
    ),
    form(
        rf"(?<![a-z]){BUILDING}(?:'s| is| are) getting it (?=tonight|tomorrow|soon|this week|next)",
        0.6,
        "threatens their property",
    ),
    form(
        rf"(?<![a-z]){BUILDING}(?:'s| is| are|'re) (?:getting|gonna get|going to get|gunna get) "
        r"(?:bricked|torched|firebombed|petrol bombed|smashed up|smashed in|burnt down|burned "
        r"down|done over|trashed|set on fire)(?![a-z])",
        0.75,
        "threatens their property",
    ),
    form(
        r"(?<![a-z])(?:petrol|lighter fluid|a lit rag|a burning rag|a firework|fireworks|a "
        r"rag) (?:through|thru|in|into|down) (?:the|your|ur|his|her|their) letter ?box(?![a-z])",
        0.8,
        "threatens arson",
    ),
    form(
        r"(?<![a-z])(?:your|ur|his|her|their) (?:\w+ )?(?:car|cars|house|home|van|office|offices|"
        r"windows?|shop|tyres|front door|place|motor)(?:'s| is| are|'re|'ll| will| might| may| "
        r"could)? (?:\w+ ){0,2}?(?:go(?:ing)? up in (?:flames|smoke)|get(?:ting)? (?:torched|"
        r"burnt|burned|smashed|keyed|slashed|bricked|petrol bombed|firebombed|done in)|be "
        r"(?:torched|burnt out|burned out|smashed in|keyed|slashed|bricked|firebombed|on fire|"
        r"in flames|a pile of ash))(?![a-z])",
        0.75,
        "threatens their property",
        unless_safety=True,
    ),
    form(
        r"(?<![a-z])(?:your|ur|his|her|their) (?:\w+ )?(?:car|cars|house|home|van|office|offices|"
        r"shop|place|building|buildings)(?:'s| is| are|'re) (?:on fire|in flames|burning|burnt "
        r"out|burnt down|burned down|burned out|torched|firebombed)(?![a-z])",
        0.45,
        "threatens their property",
    ),
    form(
        r"(?<![a-z])(?:gonna|going to|will|'ll) be a (?:little |nice |big )?(?:bonfire|bbq|"
        r"barbecue|blaze|fire) (?:at|in|outside) (?:the |that |your |their )?(?:\w+ )?"
        rf"{BUILDING}(?![a-z])",
        0.45,
        "threatens arson",
    ),
    form(
        r"(?<![a-z])(?:your|ur|his|her|their) (?:\w+ )?(?:car|house|home|van|office|offices|shop|"
        r"place|windows?)(?:'s| is| are)? (?:might|could|may|will|'ll|gonna) have (?:a |an )?"
        r"(?:little |small |nasty |unfortunate |mysterious )?(?:fire|accident|break-in)(?![a-z])"
        r"(?! (?:risk|alarm|door|safety|extinguisher|escape|inspection|check))",
        0.75,
        "threatens their property",
    ),
    form(
        r"(?<![a-z])(?:there'?s|there is|there will be|there'll be|i'?ve (?:planted|left)|we'?ve "
        r"(?:planted|left)|planted) a (?:bomb|device|explosive|pipe bomb) (?:in|at|under|"
        r"outside|inside)(?![a-z])",
        0.85,
        "threatens a bomb",
    ),
)
