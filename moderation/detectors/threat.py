"""Threats of violence or harm to people or property, explicit or veiled, and self-harm.

A threat needs an act (a violent verb, a weapon, arson, a veiled "be a shame if...") and
someone or something it is aimed at (a person, a group, a building, a car, a camera). It
is found in four shapes: the writer's own intent ("I'll smack him"), a wish or call for
violence ("someone should put a bullet in..."), a veiled threat (knowing someone's train,
home or child's school), and organising a crowd for violence ("meet at the gates, bring
petrol"). Statements of self-harm are escalated for safeguarding.

Not threats: idioms with no target ("could murder a bacon cob"), electoral and legal talk
("get what's coming at the ballot box", "see you in court"), safety warnings ("somebody's
going to get hurt"), debate metaphors ("destroyed him", "killed it", "shot down"), and
reports of threats received.

This module reads the writer's own intent (also in text-speak: "ima", "gunna", "ur") and the
older veiled patterns; the other shapes of threat, each a `Form` with its own score, are in
`threat_harm` (harm promised to a person, calls and wishes for violence), `threat_veiled`
and `threat_property` (arson and wrecking); self-harm is in `threat_self_harm`.
"""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.framing import Framing
from moderation.detectors.threat_forms import ADDRESSED, PRONOUNS, SAFETY_CONTEXT, names_in
from moderation.detectors.threat_harm import HARM_FORMS
from moderation.detectors.threat_idioms import NOT_A_THREAT, PHRASAL
from moderation.detectors.threat_intent import (
    ABSTRACT,
    INTENT,
    INTENT_AIMED,
    INTENT_AND,
    INTENT_CI,
    NAME_AFTER,
    NOT_THE_WRITER,
    OBJECT,
    PROPERTY,
    RAM,
    UNAMBIGUOUS,
    WRITER,
)
from moderation.detectors.threat_property import ARSON, ARSON_TARGET, NEGATED, PROPERTY_FORMS
from moderation.detectors.threat_self_harm import DESPAIR, FAREWELL, SELF_HARM
from moderation.detectors.threat_veiled import VEILED_FORMS
from moderation.lexicon import Lexicon
from moderation.verdict import Category, Evidence

# "Whoever designed this wants shooting": hyperbole with no one to aim at.
_VAGUE = re.compile(r"(?<![a-z])whoever|the (?:idiot|person|genius) who")
# "No" that does not negate what follows it: "make no mistake, we will hurt you".
_NOT_NEGATION = re.compile(
    r"(?<![a-z])no (?:mistake|doubt|joke|lie|word of a lie|kidding|question|messing|bull)\W*$"
)
# Calling for violence, or wishing it, on a person, group or building.
CALL = re.compile(
    r"(?<![a-z])(?:someone|somebody|anyone|people|we|you|they)\s+(?:should|needs? to|ought to|"
    r"wants? to|has to|have to|must)\s+(?:\w+\s+){0,2}?(?:shoot|stab|kill|hang|string up|burn|"
    r"torch|firebomb|petrol bomb|put (?:a knife|a brick|one)|"
    r"run (?:\w+ ){1,3}?(?:over|down)|follow (?:\w+ ){1,3}?home|string (?:\w+ ){1,3}?up|"
    r"lynch|beat (?:\w+ ){1,3}?up|knock (?:\w+ ){1,3}?out)(?:s)?(?=\s|$|[.!,])"
    r"|(?<![a-z])(?:put|putting|puts) (?:a|one|some) (?:bullet|bullets|round|knife|blade) "
    r"(?:in|into|through)(?![a-z])"
    r"|(?<![a-z])(?:should|wants?|needs?|ought to|deserves? to|deserve)\s+(?:be\s+)?(?:shot|"
    r"hanged|hung from|strung up|lynched|stabbed|burn(?:ed|t) (?:down|out|alive)|"
    r"torched|put down|kneecapped|put up against a wall|put against a wall|lined up and shot|"
    r"lined up against a wall|hanging|shooting|"
    r"stringing up|a bullet|a beating|a kicking|a good kicking)(?![a-z])(?! of)"
    rf"|(?:{PROPERTY}) (?:\w+ ){{0,3}}?(?:should|want|wants|need|needs) (?:to be )?"
    r"(?:torch(?:ed|ing)|burn(?:ed|t|ing)(?: down| out)?|petrol bomb(?:ed)?|smash(?:ed|ing) up)"
    r"|(?<![a-z])with (?:\w+ ){0,3}?(?:them|him|her|you|families|kids|children|staff|people) "
    r"(?:still )?(?:inside|in it|in there)"
    r"|(?<![a-z])(?:put|putting|puts) (?:\w+ ){1,2}?in the ground"
)
# Veiled threats that stand on their own.
VEILED = [
    re.compile(p)
    for p in (
        r"(?<![a-z])(?:i|we|i've|we've) (?:\w+ ){0,2}?(?:know|found|found out|seen|clocked) "
        r"(?:where|which \w+) (?:\w+ ){0,4}?(?:you|he|she|they|his|her|your|their|the "
        r"(?:houses?|families|kids))(?:'re| (?:live|lives|living|get|gets|go|goes|park|parks|"
        r"drop|drops|work|works|walk|walks|are|is|sleep|sleeps|leave|leaves|drive|drives|"
        r"stay|stays|on|off))(?! coming from)",
        r"(?<![a-z])(?:know|found|seen|clocked|got) (?:your|his|her|their) (?:address|house|home|"
        r"car|route|train|kids'? school|children's school|reg|registration|number plate|reg plate|"
        r"car reg|routine|movements)",
        r"(?<![a-z])(?:what|which) school (?:she|he|your|his|her|their|the kids?|the children)",
        r"(?<![a-z])(?:shame|pity) if (?:something|anything|owt|summat) (?:was to |were to )?"
        r"(?:happened|happen|happens|went wrong|caught fire)",
        r"(?<![a-z])(?:shame|pity) if (?:[\w']+ ){0,5}?(?:got out|got leaked|leaked|caught fire|"
        r"went up in flames|got hurt|had an accident|got burnt|got burned|got smashed|got found)",
        r"(?<![a-z])won'?t be responsible for (?:what|my)",
        r"(?<![a-z])(?:better|best) (?:hope|pray) (?:i|we) (?:don'?t|never) (?:see|meet|find|catch|"
        r"bump into|run into)",
        r"(?<![a-z])watch (?:your|his|her|their) back",
        r"(?<![a-z])(?:your|his|her|their) days are numbered",
        r"(?<![a-z])(?:you're|youre|you are) next(?![a-z])",
        rf"(?<![a-z])(?:{PROPERTY}) (?:is|are|'s) next(?![a-z])",
        r"(?<![a-z])(?:rip|r\.i\.p) (?:soon|shortly|in advance)",
        r"(?<![a-z])(?:dead man walking|dead meat|you're dead|youre dead|you are dead)(?![a-z])",
        r"(?<![a-z])this is your (?:final|last) warning",
        r"(?<![a-z])coming for (?:you|him|her|them)(?![a-z])",
        r"(?<![a-z])(?:see you outside|wait (?:for|till) (?:you|him|her) (?:outside|after))",
        r"(?<![a-z])give (?:him|her|them|you) (?:a |an )?(?:proper|good|warm|real|little) "
        r"(?:\w+ )?(?:welcome|hiding|kicking|seeing to|going over|slap)",
        r"(?<![a-z])(?:the )?lads are (?:ready|waiting|coming|on standby)",
        r"(?<![a-z])(?:don'?t|do not) be surprised if (?:[\w']+ ){0,6}?(?:get|gets|got|is|are|"
        r"goes|go|end up) (?:\w+ )?(?:slashed|smashed|torched|burnt|burned|hurt|attacked|damaged|"
        r"keyed|bricked|vandalised|broken|put through|set on fire|go up|up in flames|in hospital)",
        r"(?<![a-z])hope (?:your|his|her|their) (?:house|car|van|home|office|windows?|family|"
        r"kids) (?:is|are) (?:insured|well insured|safe)",
        r"(?<![a-z])(?:pay|paying|give) (?:him|her|you|them|cllr \w+|councillor \w+|(?:the|that) "
        r"(?:\w+ )?(?:officer|councillor|leader|manager|warden|inspector|exec|bloke|woman|man|"
        r"lot)|\w+) a (?:little |proper |)visit",
        r"(?<![a-z])there(?:'ll| will| is going to|'s going to) be blood(?![a-z])",
        r"(?<![a-z])(?:petrol|lighter fluid|a jerry can) and a (?:match|lighter)(?![a-z])",
        r"(?<![a-z])a (?:match|lighter) and (?:some )?(?:petrol|lighter fluid)(?![a-z])",
        r"(?<![a-z])(?:put|putting|puts) (?:\w+ ){1,3}?in (?:hospital|a wheelchair|intensive care|"
        r"a coma)(?![a-z])",
        r"(?<![a-z])(?:i'?ll|i will|we'?ll|we will|i'm going to|we're going to) find (?:you|him|"
        r"her|them)(?![a-z])(?! (?:the|a|an|some|one|that|this|it|out|more|all)(?![a-z]))",
        r"(?<![a-z])(?:we're|we are|i'm|im|i am) coming (?:for|to get|round for|after) ",
        r"(?<![a-z])knowing (?:we're|we are|i'm|im|i am) coming(?=\s*(?:$|[.!,]| for))",
        r"(?<![a-z])not afraid to use (?:it|them)(?![a-z])",
        r"(?<![a-z])(?:don'?t|do not) be surprised if (?:[\w']+ ){0,4}?(?:your|his|her|their) "
        r"(?:\w+ )?(?:windows?|tyres?|car|van|house|office|door) (?:go|goes|get|gets|come|"
        r"comes) (?:in|done|put in|through)(?![a-z])",
        r"(?<![a-z])(?:i|we) (?:\w+ )?know (?:where|which school|what school) (?:your|his|her|"
        r"their) (?:kids|children|son|daughter|lad|girl|boy|little one)s? (?:go|goes|are|is|"
        r"attend|attends)(?![a-z])",
        r"(?<![a-z])when (?:i|we) (?:catch up with|get hold of|get my hands on|get our hands on|"
        r"catch|find|get to) (?:him|her|you|them|the \w+)",
        r"(?<![a-z])(?:five minutes|ten minutes|a minute|an hour|five mins) (?:alone )?(?:with|in "
        r"a room with)(?![^.!?]{0,40}(?:to|and) (?:explain|discuss|talk|go through|show|ask))",
        r"(?<![a-z])(?:leave|leaving|leaves|go|goes|going|end up|ends up|be|come|comes) "
        r"(?:home |out )?(?:in an "
        r"ambulance|in a body bag|in a box|in a wheelchair|six feet under|pushing up daisies|in "
        r"intensive care)",
        r"(?<![a-z])(?:i'?ll|i will|we'?ll|we will|gonna|going to|i'm going to) (?:\w+ ){0,6}?"
        r"(?:do|cause) (?:some |serious |real )?(?:damage|harm)(?: to)?",
        r"(?<![a-z])(?:a |get |getting |gets |put )?(?:brick|bricks|rock|rocks|stone|petrol bomb|"
        r"firework) (?:through|thru) (?:it|the|his|her|their|your|[a-z\-]+'s)",
        r"(?<![a-z])(?:i'?ll|i will|we'?ll|we will) (?:be|b) (?:waiting|waitin) (?:for (?:you|u|"
        r"him|her|them)"
        r"(?![a-z])|outside (?:your|his|her|their) |at (?:your|his|her|their) |(?:outside|at) "
        r"(?:the )?(?:house|home|office|door|car|work)(?![a-z]))",
        r"(?<![a-z])(?:string|strung|hang|hanging|hung) (?:\w+ ){0,4}?(?:up )?from (?:a|the) "
        r"(?:lamppost|lampposts|lamp post|lamp posts|tree|trees|bridge|balcony|rafters)",
        r"(?<![a-z])(?:i'?d|you'?d better|you better|u better|you'd best|better) watch (?:yourself|"
        r"urself|yaself|himself|herself|themselves|your back|ur back)(?![a-z])",
        r"(?:(?<![a-z])(?:will|gonna|going to)|'ll) (?:be sorry|regret it|regret the day|wish "
        r"(?:he|she|they|you) hadn'?t)(?![a-z])",
        r"(?<![a-z])(?:you|he|she|they)(?:'ll| will) (?:pay|suffer) for (?:this|that|it)",
        r"(?<![a-z])(?:is|are|gets?|getting) (?:getting )?(?:petrol|a brick|bricks|a slap|a "
        r"kicking|a beating|a hiding|smashed up|torched|firebombed|petrol bombed|their tyres "
        r"done|its tyres done|his tyres done|her tyres done)(?![a-z])",
        r"(?<![a-z])(?:will|'ll) be wearing (?:it|them|that|those)(?![a-z])",
        r"(?<![a-z])make (?:\w+ ){0,2}?regret (?:she|he|they|ever|the day|it|this)",
        r"(?<![a-z])(?:we|i) (?:all )?know (?:who|what cars?|which cars?|where) (?:\w+ ){0,4}?"
        r"(?:works?|drives?|lives?|parks?|sleeps?|live|drive|park|walks?|drinks|eats|shops|jogs|"
        r"runs|takes (?:his|her|the) (?:dog|kids))(?![a-z])",
        r"(?<![a-z])see how (?:brave|tough|hard|big|clever|smug) (?:he|she|they|you) (?:is|are)",
    )
]
# Veiled threats that need a person or property in the same sentence.
VEILED_WEAK = [
    re.compile(p)
    for p in (
        r"(?<![a-z])(?:he|she|they|you)(?:'ll| will) (?:\w+ ){0,3}?one way or (?:another|the "
        r"other)",
        r"(?<![a-z])(?:teach|teaching|taught) (?:him|her|them|you|the \w+|\w+) a lesson",
        r"(?<![a-z])(?:need|needs|want|wants) teaching a lesson",
        r"(?<![a-z])(?:won'?t|will not|wont|not going to) (?:last|survive|be standing) "
        r"(?:the|a|much|long|another|till|until|past)(?!.{0,40}(?:if|unless|fix|repair|rust|"
        r"weather|wind|storm|broken|falling|mounting))",
        r"(?<![a-z])(?:people|folk|councillors|officers) like (?:him|her|them|you|\w+) (?:end up|"
        r"get|tend to get) (?:getting )?(?:hurt|attacked|what'?s coming|in hospital)",
        r"(?<![a-z])(?:i|we) (?:\w+ )?(?:will|'ll) (?:make|make sure) (?:him|her|them|you) "
        r"(?:pay|regret|sorry)",
        r"(?<![a-z])(?:his|her|their|your) (?:car|cars|van|house) (?:is|are) (?:parked|kept|left)",
        r"(?<![a-z])(?:they|he|she|you)(?:'ll| will) (?:get|have) what'?s coming",
        r"(?<![a-z])something drastic",
        r"(?<![a-z])(?:for )?any(?:one|body) (?:who|that) (?:wants|fancies) (?:a )?(?:word|chat|"
        r"visit|go|pop)",
    )
]
_SOMEONE = re.compile(
    rf"(?<![a-z])(?:him|her|them|you|he|she|they|his|their|your|cllr|councillor|{PROPERTY}|"
    r"committee|officer|manager|leader)(?![a-z])"
)
# A crowd organised for harm: a meeting point and something hostile to do or bring.
MUSTER = re.compile(
    r"(?<![a-z])(?:meet (?:at|outside|by|up)|bring (?:hammers|bats|bricks|petrol)|"
    r"who'?s (?:coming|with me|in)|anyone who wants to help|with the lads|bring (?:the lads|"
    r"your mates)|round up|get a group|tonight|"
    r"saturday night|this weekend|we will|we'll|welcome party|welcoming committee|reception "
    r"committee)"
)
HOSTILE_ACT = re.compile(
    r"(?<![a-z])(?:clear (?:them|em|'em) out|run (?:them|em) out|burn (?:\w+ )?(?:them|em|"
    r"the \w+)(?: out| down)|torch (?:them|it|the \w+|their)|smoke (?:them|em) out|drive "
    r"(?:them|em) out|bring (?:your |ya |some |the )?(?:petrol|something|bats|a bat|weapons|"
    r"knives|bricks|matches|lighter fluid)|with petrol|see how fast they (?:move|run|leave))"
)
WEAPON = re.compile(
    r"(?<![a-z])(?:have|bring|bringing|with|got|carry|carrying|take|taking|grab|waiting with|"
    r"get|getting|buy|buying|sharpen|sharpening|load|loading|packing|and) (?:a |my |the |"
    r"some |me )?(?:\w+ ){0,2}?(?:knife|knives|blade|machete|baseball bat|cricket bat|crowbar|gun|"
    r"shotgun|acid|petrol|molotov|bricks|axe|sword|knuckle ?dusters?|hammer(?! to (?:my|our|"
    r"fix|put|hang|the shed|the fence)))(?![a-z])"
)
# "I'm bringing a hammer": the writer arming themselves without "I'll".
_ARMING = re.compile(
    r"(?<![a-z])(?:i'?m|im|i am|we'?re|we are) (?:\w+ )?(?:bringing|carrying|taking|packing|"
    r"sharpening|tooled up)(?![a-z])"
)
THREAT_EMOJI = Lexicon(
    "threat emoji",
    [":kitchen_knife:", ":dagger:", ":pistol:", ":bomb:", ":coffin:", ":headstone:"],
)
FORCE_EMOJI = Lexicon(
    "force emoji",
    [":oncoming_fist:", ":hammer:", ":fire:", ":axe:", ":collision:", ":skull_and_crossbones:"],
)
SERIOUS = re.compile(
    r"(?<![a-z])(?:not joking|i mean it|i'm serious|deadly serious|no joke|just saying|just "
    r"sayin|just letting you know|think about that|think on|mark my words|you have been warned|"
    r"you've been warned|trust me|i swear|fair warning|told you now|tell your staff|spread the "
    r"word|last warning|final warning|wouldn'?t it|would it not|know what i mean|if you know "
    r"what i mean|nudge nudge|asking for a friend|"
    r"keep it that way|one of these (?:days|nights))(?![a-z])|"
    r":winking_face:|:smiling_face_with_horns:"
)
HYPERBOLE = re.compile(
    r":(?:face_with_tears_of_joy|rolling_on_the_floor_laughing|skull):|(?<![a-z])(?:lol|lmao|"
    r"haha\w*)(?![a-z])"
)
MOURNING = re.compile(
    r"(?<![a-z])(?:rest in peace|condolences|passed away|sadly|fallen|we will remember|"
    r"lest we forget|gone but|miss (?:him|her|you))"
)


def _someone_in(clause: str, names: frozenset[str]) -> bool:
    """A person or property in the sentence: a pronoun, a role, a building, or a name."""
    if _SOMEONE.search(clause) is not None:
        return True
    return any(re.search(rf"(?<![a-z]){re.escape(n)}(?![a-z])", clause) for n in names)


class ThreatDetector:
    name = "threat"

    def detect(self, doc: Document) -> Detection:
        folded = doc.folded
        frame = Framing(folded)
        harm = SELF_HARM.search(folded)
        despair = DESPAIR.search(folded)
        if harm is not None:
            score = 0.45 if HYPERBOLE.search(folded) and despair is None else 0.9
            return self._found(score, f"self-harm: '{harm.group(0)}'", harm.group(0), harm.start())
        farewell = FAREWELL.search(folded)
        if farewell is not None and despair is not None:
            span = farewell.group(0)
            return self._found(
                0.8, f"self-harm: '{despair.group(0)}', '{span}'", span, farewell.start()
            )
        found = self._threat(folded, doc.comment.text, frame)
        if found is None:
            return NOTHING
        score, description, span, at = found
        if score >= 0.5:
            score = max(score, min(0.95, doc.model_scores.get("threat", 0.0)))
        return self._found(score, description, span, at)

    def _threat(
        self, folded: str, original: str, frame: Framing
    ) -> tuple[float, str, str, int] | None:
        candidates: list[tuple[float, str, str, int]] = []
        for m in INTENT.finditer(folded):
            if NOT_THE_WRITER.search(folded[max(0, m.start() - 25) : m.start()]):
                continue
            after = folded[m.end() : m.end() + 40]
            if ABSTRACT.match(after):
                continue
            aimed = re.match(rf"\s+(?:\w+\s+){{0,2}}?{OBJECT}", after) is not None
            verb = UNAMBIGUOUS.search(m.group(0)) is not None
            score = 0.85 if aimed else 0.55 if verb and _SOMEONE.search(after) else 0.3
            candidates.append((score, "threatens harm", m.group(0), m.start()))
        for m in INTENT_AIMED.finditer(folded):
            if NOT_THE_WRITER.search(folded[max(0, m.start() - 25) : m.start()]):
                continue
            after = folded[m.end() : m.end() + 40]
            if re.match(rf"\s+(?:\w+\s+){{0,2}}?{OBJECT}", after) is not None:
                candidates.append((0.85, "threatens harm", m.group(0), m.start()))
        for m in INTENT_AND.finditer(folded):
            left, right = frame.clause(m.start(), m.end())
            if right < m.end() or NOT_THE_WRITER.search(folded[max(0, m.start() - 25) : m.start()]):
                continue
            candidates.append((0.8, "threatens harm", m.group(0), m.start()))
        found, hints = self._forms(folded, original, frame)
        candidates += found
        for m in INTENT_CI.finditer(original):
            if NAME_AFTER.match(original[m.end() : m.end() + 40]):
                at = max(folded.find(m.group(0).lower()), 0)
                candidates.append((0.85, "threatens harm to a named person", m.group(0), at))
        for m in RAM.finditer(folded):
            candidates.append((0.85, "threatens to drive into a building", m.group(0), m.start()))
        for m in CALL.finditer(folded):
            left, right = frame.clause(m.start(), m.end())
            score = 0.4 if _VAGUE.search(folded[left:right]) else 0.85
            candidates.append((score, "calls for violence", m.group(0), m.start()))
        for pattern in VEILED:
            for m in pattern.finditer(folded):
                candidates.append((0.75, "veiled threat", m.group(0), m.start()))
        for pattern in VEILED_WEAK:
            for m in pattern.finditer(folded):
                left, right = frame.clause(m.start(), m.end())
                someone = _SOMEONE.search(folded[left:right]) is not None
                candidates.append(
                    (0.6 if someone else 0.35, "veiled threat", m.group(0), m.start())
                )
        act = HOSTILE_ACT.search(folded)
        if act is not None:
            score = 0.8 if MUSTER.search(folded) is not None else 0.45
            candidates.append((score, "organises a group for harm", act.group(0), act.start()))
        weapon = WEAPON.search(folded)
        if weapon is not None and (
            re.search(rf"(?<![a-z]){WRITER}\s", folded) or _ARMING.search(folded)
        ):
            candidates.append((0.8, "arms themselves", weapon.group(0), weapon.start()))
        candidates = [c for c in candidates if not self._excused(folded, frame, c)]
        hints = [h for h in hints if not self._excused(folded, frame, h)]
        # A hint ("nice house you've got") counts only beside another sign of a threat; alone
        # it is not even a finding, so nothing downstream can build on it.
        if hints and (
            any(c[0] >= 0.35 for c in candidates)
            or len(hints) > 1
            or SERIOUS.search(folded)
            or FORCE_EMOJI.first(folded) is not None
        ):
            candidates += hints
        emoji = THREAT_EMOJI.first(folded)
        if emoji is not None and MOURNING.search(folded) is None:
            at_someone = _SOMEONE.search(folded) is not None
            candidates.append(
                (0.5 if at_someone else 0.35, "threatening emoji", emoji.span, emoji.start)
            )
        if not candidates:
            return None
        best = max(candidates, key=lambda c: c[0])
        score = best[0]
        support = [c for c in candidates if c is not best and c[0] >= 0.35]
        if score >= 0.35 and (
            SERIOUS.search(folded) or FORCE_EMOJI.first(folded) is not None or support
        ):
            score = min(0.95, score + 0.15)
        return score, best[1], best[2], best[3]

    @staticmethod
    def _forms(
        folded: str, original: str, frame: Framing
    ) -> tuple[list[tuple[float, str, str, int]], list[tuple[float, str, str, int]]]:
        """The shapes in `threat_harm`, `threat_veiled` and `threat_property`, each judged in
        its own sentence: those that count on their own, and the hints that need support."""
        found: list[tuple[float, str, str, int]] = []
        hints: list[tuple[float, str, str, int]] = []
        addressed = ADDRESSED.search(original) is not None
        names = names_in(original)
        for form in (*HARM_FORMS, *VEILED_FORMS, *PROPERTY_FORMS):
            for m in form.pattern.finditer(folded):
                name = m.groupdict().get("name")
                if name is not None and name not in names and name not in PRONOUNS:
                    continue
                left, right = frame.clause(m.start(), m.end())
                clause = folded[left:right]
                if form.unless_safety and SAFETY_CONTEXT.first(clause) is not None:
                    continue
                score = form.score
                if form.needs_someone and not _someone_in(clause, names):
                    continue
                if form.addressed and addressed:
                    score = 0.75
                if _VAGUE.search(clause) and _SOMEONE.search(m.group(0)) is None:
                    score = min(score, 0.4)
                candidate = (score, form.description, m.group(0).strip(" .,!?;:"), m.start())
                (found if score >= 0.5 else hints).append(candidate)
        for m in ARSON.finditer(folded):
            left, right = frame.clause(m.start(), m.end())
            if (
                NEGATED.search(m.group("between"))
                or ARSON_TARGET.search(folded[left:right]) is None
            ):
                continue
            found.append((0.8, "wishes or plans arson or wrecking", m.group(0), m.start()))
        return found, hints

    @staticmethod
    def _excused(folded: str, frame: Framing, candidate: tuple[float, str, str, int]) -> bool:
        """Idioms, electoral talk, safety warnings and reported threats are not threats."""
        _, _, span, at = candidate
        left, right = frame.clause(at, at + len(span))
        clause = folded[left:right]
        if NOT_A_THREAT.first(clause) is not None:
            return True
        end = at + len(span) + 20
        if any(at - 5 <= p.start < end for p in PHRASAL.find(folded)):
            return True
        if frame.quoted(at, at + len(span)) or (frame.reports and frame.condemns):
            return True
        if _NOT_NEGATION.search(folded[max(0, at - 20) : at]):
            return False
        return frame.negated_before(at, 12) and not span.startswith(("won", "wont"))

    def _found(self, score: float, description: str, span: str, at: int) -> Detection:
        return Detection.of(
            Category.THREAT,
            score,
            self.name,
            Evidence(self.name, f"{description}: '{span}'", span, at, at + len(span)),
        )
