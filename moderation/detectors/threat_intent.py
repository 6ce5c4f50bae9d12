"""The writer's own intent to harm: "I'll smack him", "ima stab u", "I'm going to set fire
to the council offices", "I'll come down there and batter him", and driving into a building.

Intent needs a harm verb after "I'll", "gonna" or their text-speak forms, and a person or
property right after the verb (`OBJECT`); verbs with everyday senses ("bash out a letter",
"drag myself") count only when aimed. The detector in `threat` scores these and checks the
excuses (idioms, reports, negation).
"""

from __future__ import annotations

import re

# "I'll", "gonna", "ima": the writer speaking of what they will do.
WRITER = (
    r"(?:i'?ll|i will|i'm going to|im going to|i am going to|i'm gonna|im gonna|i'd|i would|"
    r"i swear i'll|we'?ll|we will|we're going to|were going to|we're gonna|gonna|going to|"
    r"genuinely going to|i want to|i wanna|might|gona|gunna|ganna|gna|ima|imma|i'ma|i'mma|"
    r"goin to|going 2|i wil|we wil|il|i shall|we shall)"
)
HARM = (
    r"(?:kill|murder|stab|shoot|smack|punch|batter|slap|hit|thump|lamp|deck|chin|glass|"
    r"bottle|knife|knock|beat|kick|do|sort|end|break|strangle|throttle|hang|string|run|torch|"
    r"burn|firebomb|petrol bomb|smash|wreck|trash|brick|acid|slash|hurt|rape|snap|batter)"
)
PROPERTY = (
    r"(?:house|houses|home|homes|car|cars|van|vans|office|offices|window|windows|door|doors|"
    r"camera|cameras|caravan|caravans|civic centre|town hall|council offices|building|hotel|"
    r"mosque|church|synagogue|temple|hostel|hub|centre|shop|site|surgery|library|gates?|"
    r"reception|place|depot|chamber|cctv|windscreen|tyres)"
)
OBJECT = (
    r"(?:him|her|them|you|ya|em|'em|his|their|your|u|ur|yer|yous|youse|the (?:lot|whole lot) of "
    r"(?:them|you)|"
    r"every (?:one|last one) of|cllr \w+|councillor \w+|mr \w+|mrs \w+|ms \w+|"
    r"(?!(?:what|that|it|there|here|he|she|who|where|how|this|one|let|everyone|everything)'s)"
    r"[a-z\-]+'s|"
    r"(?:the|that|this|those|these) (?:\w+ ){0,2}?(?:officer|officers|councillor|councillors|"
    r"warden|wardens|manager|leader|mayor|man|woman|bloke|lady|guy|clown|idiot|cabinet|"
    r"committee|lot|family|families|people|scum|lads?|crew|boss|chief|exec|inspector|bailiffs?|"
    r"planners?|staff|binmen|bin men|clerk|receptionist|driver)(?![a-z])|"
    rf"(?:the|that|this|those|these|their|his|her|your|ur|every|all the|all (?:your|their|his|"
    rf"her)) (?:\w+ )?{PROPERTY})(?![a-z])"
)
# Verbs too common in other senses ("drag myself", "bash out a letter") to count without
# someone or something named right after them.
HARM_AIMED = (
    r"(?:hunt|wring|cave|bash|leather|belt|boot|headbutt|nut|kneecap|shank|chib|maim|cripple|"
    r"wallop|whack|twat|choke|pummel|set fire to|set light to|blow up|bomb|firebomb|"
    r"petrol bomb|run over|mow down|knock out|kick in|smash in|glass|bottle|chin|lamp)"
)
NAME_AFTER = re.compile(r"^\s+(?:(?:Cllr|Councillor|Mr|Mrs|Ms|Dr)\.? )?[A-Z][a-z]+")
# "Someone's going to break their neck" warns of an accident; it is no one's intent.
NOT_THE_WRITER = re.compile(
    r"(?:someone|somebody|anyone|anybody|a kid|kids|a child|children|people|pedestrians|"
    r"drivers|cyclists|it|that|this|which|one day (?:someone|somebody))(?:'s| is| are|'re)?\s*$"
)
# "I'm going to kill this planning application": the object is a plan, not a person.
ABSTRACT = re.compile(
    r"\s+(?:off |this |that |the |their |his |her |your )?(?:\w+ )?(?:application|plans?|"
    r"proposals?|scheme|idea|bill|motion|policy|consultation|project|deal|budget|vote|"
    r"campaign|rumou?r|story|argument|debate|myth|lie)(?![a-z])"
)
# The writer's own intent to harm; the object is checked next to the verb.
INTENT = re.compile(rf"(?<![a-z]){WRITER}\s+(?:\w+\s+){{0,3}}?{HARM}(?:s|ing|ed)?(?![a-z])")
INTENT_AIMED = re.compile(
    rf"(?<![a-z]){WRITER}\s+(?:\w+\s+){{0,3}}?{HARM_AIMED}(?:s|es|ing|ed)?(?![a-z])"
)
# "I'll come down there and batter him": only the writer in the first person, a verb that
# means violence, and a person or their property straight after it.
INTENT_AND = re.compile(
    r"(?<![a-z])(?:i'?ll|i will|i wil|i'?m going to|im going to|i am going to|i'?m gonna|"
    r"im gonna|i'?m gunna|im gunna|we'?ll|we will|we'?re going to|we'?re gonna|i swear i'?ll)"
    r"\s+(?:[\w']+\s+){1,8}?and\s+(?:\w+\s+)?(?:kill|murder|stab|shoot|batter|glass|bottle|"
    r"torch|firebomb|strangle|throttle|punch|smack|slap|deck|lamp|chin|hurt|leather|twat|"
    r"kneecap|shank|headbutt|smash|knock out|kick in|cave in)(?![a-z])"
    r"(?=\s+(?:\w+\s+)?(?:him|her|them|you|u|ya|'em|em|cllr \w+|councillor \w+|(?:your|ur|"
    r"his|her|their) (?:\w+ )?(?:face|head|teeth|legs|jaw|nose|car|van|house|windows?|door|"
    r"office|offices)|(?:the|that) (?:\w+ ){0,2}?(?:officer|warden|bailiff|councillor|planner|"
    r"inspector|leader|manager|bloke|man|woman))(?![a-z]))"
)
INTENT_CI = re.compile(rf"(?i:(?<![a-z]){WRITER}\s+(?:\w+\s+){{0,3}}?{HARM}(?:s|ing|ed)?(?![a-z]))")
UNAMBIGUOUS = re.compile(
    r"(?:kill|murder|stab|shoot|batter|glass|torch|firebomb|petrol bomb|strangle|throttle)"
)
RAM = re.compile(
    r"(?<![a-z])(?:drive|driving|drove|ram|ramming|crash|crashing|smash|smashing|plough|"
    r"ploughing) (?:it|my car|the car|a car|a van|my van|a lorry|a truck|the lot) (?:straight |"
    r"right )?(?:through|into) (?:your|the|his|her|their) (?:\w+ )?(?:doors?|windows?|"
    r"offices?|house|building|gates?|reception|shop|home|town hall|civic centre)"
)
