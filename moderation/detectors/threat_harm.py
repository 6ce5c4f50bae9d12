"""Threats of harm to a person: harm promised to "you" or "him", calls and wishes for
violence, and weapons.

"You're getting battered", "he'll be leaving in an ambulance", "someone needs to sort him
out", "lamp him", "needs his head kicking in", "hope someone glasses him", "a bat with your
name on it". Debate and sport ("getting a battering in the press") and safety warnings
("you'll get run over on that crossing") are left out by the patterns and flags.
"""

from __future__ import annotations

from moderation.detectors.threat_forms import (
    BEATING,
    BUILDING,
    GETTING,
    INJURY,
    NAME,
    NOT_LITERAL,
    ONE_PERSON,
    PASSIVE,
    PERSON,
    SUBJECT,
    Form,
    form,
)

# Someone being asked, or offering, to do it: "someone should", "people who'd happily".
_CALLER = (
    r"(?<![a-z])(?:(?:someone|somebody|anyone|anybody|people|we|the lads)\s+(?:should|needs? to|"
    r"ought to|wants? to|has to|have to|must|could|will|'ll|'d|would)|who'?d|who would|we'?d)"
)

HARM_FORMS: tuple[Form, ...] = (
    form(
        r"(?<![a-z])(?:put|putting|throw|throwing|chuck|chucking) "
        r"(?:him|her|them|you|u) (?:through|"
        r"thru) (?:the|a|his|her|their|your|ur) (?:\w+ ){0,4}?(?:window|windscreen|wall|door|"
        r"table|floor)(?![a-z])",
        0.8,
        "threatens harm",
    ),
    form(
        r"(?<![a-z])(?:one|a|any|give me one) (?:good )?reason "
        r"(?:not|why i shouldn'?t|why i should "
        r"not|why we shouldn'?t) (?:to )?(?:\w+ ){0,2}?(?:smash|kill|punch|batter|hit|stab|deck|"
        r"lamp|thump|slap|knock|glass|torch|burn)(?![a-z])",
        0.75,
        "threatens harm",
    ),
    form(
        r"(?<![a-z])(?:next|anyone|anybody|whoever|any) (?:\w+ ){0,6}?"
        r"(?:gets?|getting|will get|'ll "
        r"get|meets?|will meet) (?:the|my|a|me) (?:\w+ and (?:the|my) )?(?:shotgun|gun|baseball "
        r"bat|bat|knife|machete|crowbar|blade|axe)(?![a-z])",
        0.75,
        "threatens with a weapon",
    ),
    form(
        r"(?<![a-z])(?:next time|when|if|once) (?:i|we) see (?:\w+ ){0,3}?(?:he'?s|she'?s|you'?re|"
        r"they'?re|ur|he is|she is|you are|they are) getting (?:one|it|what'?s coming|a slap|a "
        r"smack|done|sorted)(?![a-z])",
        0.75,
        "says harm is coming",
    ),
    form(
        r"(?<![a-z])(?:i'?m|we'?re|i am|we are) (?:coming|going|heading) (?:down|round|over|to) "
        r"[^.!?]{0,40}?and (?:someone|somebody|people)(?:'s| is|'re| are) getting hurt(?![a-z])",
        0.75,
        "threatens harm",
    ),
    form(
        r"(?<![a-z])(?:taking|take|takes|took to) (?:a|my|the) (?:sledge ?hammer|hammer|axe|"
        r"crowbar|baseball bat|bat|chainsaw) to (?:the|your|ur|his|her|their|that) (?:\w+ )?"
        rf"(?:{BUILDING}|face|head|skull)(?![a-z])",
        0.8,
        "threatens with a weapon",
    ),
    form(
        r"(?<![a-z])(?:the )?next (?:\w+ ){0,2}?(?:who|that|to) [^.!?]{0,60}?(?:is getting|'s "
        r"getting|gets|will get|'ll get|is going to get|will be|'ll be|is going|goes|leaves|"
        rf"is leaving) (?:home )?(?:{PASSIVE}|{INJURY})(?![a-z])",
        0.8,
        "says harm is coming",
    ),
    form(
        r"(?<![a-z])(?:he'?s|she'?s|they'?re|you'?re|ur|he is|she is|they are|you are|is|are) "
        r"(?:going|goin|gonna go|going to go) (?:in|into) the (?:canal|river|sea|ditch|harbour|"
        r"quarry|reservoir|cut)(?![a-z])",
        0.75,
        "promises an injury",
        unless_safety=True,
    ),
    form(
        r"(?<![a-z])(?:lucky|luck) (?:he'?s|she'?s|they'?re|you'?re|it'?s|he is|she is|you are|"
        r"they are|it is|to be) still (?:breathing|alive|standing|walking|in one piece)(?![a-z])",
        0.75,
        "veiled threat",
        unless_safety=True,
    ),
    form(
        r"(?<![a-z])do (?:us|everyone|the world|the town|the borough) (?:all )?a favour and "
        r"(?:(?:take|bump|finish|do|run) (?=[a-z\-]+ (?:out|off|in|over)(?![a-z]))|(?:shoot|stab|"
        rf"knife|glass) ){NAME}(?![a-z])",
        0.75,
        "calls for violence",
    ),
    form(
        rf"{_CALLER}\s+(?:\w+\s+){{0,2}}?sort {NAME} out(?![a-z])",
        0.75,
        "calls for violence",
    ),
    form(
        rf"{_CALLER}\s+(?:\w+\s+){{0,2}}?take {NAME} out(?![a-z])(?! (?:of|for|to|on|with))",
        0.75,
        "calls for violence",
    ),
    form(
        rf"(?<![a-z])(?:give|gives|giving) {NAME} {BEATING}{NOT_LITERAL}",
        0.75,
        "calls for violence",
    ),
    form(
        rf"(?<![a-z])(?:hope|wish|pray) {NAME} (?:gets?|getting) (?:stabbed|shot|glassed|"
        r"battered|beaten up|run over|knocked out|lynched|kneecapped|a (?:good )?(?:kicking|"
        r"beating|hiding|bullet|knife))(?![a-z])(?! (?:down|of|at the))",
        0.75,
        "wishes violence",
    ),
    form(
        r"(?<![a-z])there(?:'ll| will|'s going to| is going to) be (?:a few|some|plenty of|a "
        r"couple of|more) (?:\w+ )?(?:councillors|officers|wardens|bailiffs|staff|planners) in "
        r"(?:a&e|a and e|hospital|intensive care|the morgue|body bags|wheelchairs)(?![a-z])",
        0.75,
        "promises an injury",
    ),
    form(
        r"(?<![a-z])(?:get|getting|gets|have|expect|expecting|be getting) a (?:little |proper |"
        r"friendly |surprise )?visit from (?:me and|us and|my (?:brothers|mates|lads|boys|"
        r"cousins|family)|the lads|the boys|some (?:friends|mates|lads) of mine)(?![a-z])",
        0.75,
        "threatens a visit",
    ),
    form(
        r"(?<![a-z])(?:he|she|they|cllr \w+|councillor|officer|leader|mayor|warden|bailiff|"
        r"planner|inspector|manager|chief exec|bloke|man|woman) (?:\w+ ){0,2}?(?:needs?|wants?|"
        r"should be|ought to be|deserves? to be) (?:taking out|taken out|bumping off|bumped off|"
        r"doing in|done in|taking care of permanently)(?![a-z])",
        0.75,
        "calls for violence",
    ),
    form(
        r"(?<![a-z])(?:let'?s|we'?ll|we will|we should|gonna|going to) (?:\w+ ){0,8}?drag "
        r"(?:them|him|her|'em|em|the \w+) out(?![a-z])(?! of (?:the )?(?:dark ages|stone age|"
        r"past|\d+s|bed|pub))",
        0.75,
        "calls for violence",
    ),
    form(
        r"(?<![a-z])(?:tell|warn) (?:the|your|that|those|cllr) (?:\w+ ){0,2}?\w+ to (?:bring|get|"
        r"hire|find|wear) (?:a |some )?(?:backup|back up|the police|riot gear|reinforcements|an "
        r"army|stab vests?|bodyguards?|police protection)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        rf"(?<![a-z]){GETTING} (?:\w+ )?{PASSIVE}(?![a-z]){NOT_LITERAL}",
        0.75,
        "says harm is coming",
        unless_safety=True,
    ),
    form(
        rf"(?<![a-z]){SUBJECT}(?:'ll|ll| will| wil|'re|'s| are| is) (?:\w+ ){{0,3}}?(?:be|leave|"
        rf"leaving|go home|going home|walk away|walking away|end up|wake up|come out|coming "
        rf"out) (?:\w+ ){{0,2}}?(?:with |missing |without )?{INJURY}(?![a-z])",
        0.75,
        "promises an injury",
        unless_safety=True,
    ),
    form(
        r"(?<![a-z])(?:someone|somebody|anyone|anybody|some\w+|people|we|you|they|the lads|"
        r"my lads|the boys)\s+(?:should|needs? to|ought to|wants? to|has to|have to|must|"
        r"oughta|gotta|got to|could|will|'ll)\s+(?:\w+\s+){0,2}?(?:sort (?:him|her|that \w+|"
        r"the \w+ (?:officer|warden|bailiff|councillor|planner|bloke|man|woman)) out(?![a-z])|"
        rf"deal with (?:him|her) (?:permanently|the old fashioned way)|give {PERSON} {BEATING}|"
        r"run (?:\w+ ){1,3}?off the road|take (?:\w+ ){1,3}?(?:round|out) the back|smash "
        r"(?:\w+ ){1,3}?(?:face|head|teeth) in|kick (?:\w+ ){1,3}?(?:head|teeth|face) in|cave "
        r"(?:\w+ ){1,3}?head in|(?:glass|bottle|lamp|deck|chin|leather|twat|kneecap|shank|knife|"
        rf"stab|batter|knock out) {ONE_PERSON})",
        0.8,
        "calls for violence",
    ),
    form(
        r"(?<![a-z])(?:someone|somebody|anyone|anybody|we)\s+(?:should|needs? to|ought to|"
        r"wants? to|has to|have to|must)\s+(?:\w+\s+){0,2}?sort (?:them|em|'em) out(?![a-z])",
        0.35,
        "calls for violence",
        needs_someone=True,
    ),
    form(
        r"(?:^|[.!?,;:]\s*|(?<![a-z])(?:and|then|just|go|pls|please)\s+)(?:lamp|deck|chin|"
        r"glass|bottle|stab|shank|knife|kneecap|twat|leather|batter|knock out|kick (?:\w+ ){0,2}?"
        r"(?:head|teeth|face) in|smash (?:\w+ ){0,2}?(?:face|head|teeth) in) "
        rf"{ONE_PERSON}",
        0.8,
        "urges violence",
    ),
    form(
        r"(?<![a-z])(?:needs?|wants?|deserves?)\s+(?:his|her|their|your|a|an)?\s*(?:good |proper |"
        r"right )?(?:head|face|teeth|legs|kneecaps|jaw|lights)\s+(?:kicking|kicked|smashing|"
        r"smashed|caving|caved|knocking|knocked|punching|punched|breaking|broken|bashing|bashed)"
        r"(?:\s+(?:in|out|off))?(?![a-z])",
        0.8,
        "calls for violence",
    ),
    form(
        r"(?<![a-z])(?:needs?|wants?|deserves?|is asking for|are asking for|'s asking for|"
        r"'re asking for)\s+(?:a |an )?(?:good |proper |right |real |swift |sound )?(?:slap|"
        r"slapping|smack|smacking|hiding|battering|pasting|thumping|punch|kicking|beating|"
        r"glassing|kneecapping|knife|bullet)(?![a-z])(?! (?:on the wrist|up the|at the|in may|"
        r"to nothing))",
        0.6,
        "calls for violence",
        needs_someone=True,
    ),
    form(
        rf"(?<![a-z])(?:give|gives|giving) {PERSON} {BEATING}{NOT_LITERAL}",
        0.75,
        "calls for violence",
    ),
    form(
        r"(?<![a-z])(?:i )?(?:hope|wish|pray) (?:someone|somebody|some \w+|he|she|they|you|u|"
        r"cllr \w+|the (?:\w+ ){0,4}?\w+) (?:\w+ ){0,2}?(?:gets?|getting) (?:stabbed|shot|"
        r"glassed|battered|beaten up|run over|knocked out|lynched|hanged|hung|kneecapped|"
        r"torched|firebombed|petrol bombed|burnt out|burned out|a (?:good )?(?:kicking|beating|"
        r"hiding|bullet|knife))(?![a-z])(?! (?:down|of|at the))",
        0.75,
        "wishes violence",
    ),
    form(
        r"(?<![a-z])(?:hope|wish|pray) (?:someone|somebody) (?:\w+ )?(?:stabs|shoots|glasses|"
        r"batters|runs (?:\w+ ){1,3}?over|murders|torches|firebombs|lynches|hangs|kneecaps|"
        r"beats (?:\w+ ){1,3}?up|knocks (?:\w+ ){1,3}?out|does (?:him|her|them) in)(?![a-z])",
        0.75,
        "wishes violence",
    ),
    form(
        r"(?<![a-z])(?:(?:put|putting|puts|smash|smashing|kick|kicking|do|doing) (?:your|ur|his|"
        r"her|their|every) (?:\w+ )?(?:windows?|front door|windscreen)|(?:smash|smashing|kick|"
        r"kicking|cave|caving) (?:your|ur|his|her|their) (?:face|teeth|head)) (?:in|through)"
        r"(?![a-z])",
        0.75,
        "threatens harm",
    ),
    form(
        r"(?<![a-z])(?:put|putting|see|seeing) (?:you|u|him|her|them|\w+) (?:six feet under|in a "
        r"(?:box|coffin|body bag)|in the morgue)(?![a-z])",
        0.8,
        "threatens to kill",
    ),
    form(
        r"(?<![a-z])(?:scrape|scraping|scraped) (?:you|u|him|her|them) (?:off|up off) the "
        r"(?:pavement|floor|road|ground|walls?|tarmac)(?![a-z])",
        0.75,
        "threatens harm",
    ),
    form(
        r"(?<![a-z])(?:is|'s|are|'re|was|were) lucky (?:i|we) (?:didn'?t|did not|never|haven'?t|"
        r"have not) (?:\w+ ){0,2}?(?:knock|punch|smack|hit|lamp|deck|batter|kill|stab|chin|"
        r"slap|thump|bottle|glass|strangle|throttle|deck|floor|hurt)(?:ed)?(?![a-z])",
        0.6,
        "threatens harm",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:deserves?|needs?|wants?) (?:a bullet|a bullet in (?:the|his|her|their) "
        r"head|to be shot|a knife in (?:him|her|them|the back of))(?![a-z])",
        0.8,
        "calls for violence",
    ),
    form(
        r"(?<![a-z])(?:get|gets|getting|give|giving|deserves?|needs?|wants?) (?:\w+ ){0,2}?(?:a |"
        r"an |the )?(?:bat|brick|hammer|bottle|crowbar|spade|shovel|plank|fist|boot|golf club) "
        r"(?:round|across|over|to|into|in) (?:the|his|her|their|your|ur) (?:head|face|skull|"
        r"teeth|jaw|mouth)(?![a-z])",
        0.75,
        "calls for violence",
    ),
    form(
        r"(?<![a-z])(?:teach|teaching|show|showing|give|giving|sort|sorting) (?:\w+ ){1,4}?"
        r"(?:with|using) (?:a|an|my|the|some) (?:cricket bat|baseball bat|bat|brick|hammer|"
        r"crowbar|knife|machete|golf club|iron bar|plank|spade)(?![a-z])",
        0.8,
        "threatens with a weapon",
    ),
    form(
        r"(?<![a-z])(?:bat|bullet|knife|brick|hammer|blade|cartridge|shell|machete|petrol) (?:\w+ "
        r"){0,4}?"
        r"with (?:your|ur|his|her|their|[a-z\-]+'s|the \w+ \w+'s|the \w+'s) names? on (?:it|them)"
        r"(?![a-z])",
        0.8,
        "threatens with a weapon",
    ),
    form(
        r"(?<![a-z])(?:i'?d|i would|i'?ll|i will|happily|gladly|willingly|would) (?:\w+ )?(?:do|"
        r"serve|go down for) (?:time|(?:\d+|ten|five|twenty|life) (?:years?|year stretch)|life|a "
        rf"stretch|porridge|bird|a life sentence) for {PERSON}",
        0.8,
        "threatens harm",
    ),
    form(
        r"(?<![a-z])rip (?:your|ur|his|her|their) (?:\w+ )?(?:head|face|throat|arms?|legs?|heart|"
        r"tongue) (?:off|out)(?![a-z])",
        0.75,
        "threatens harm",
    ),
    form(
        rf"(?<![a-z])set(?:ting)? (?:the|my|me|our) dogs? on (?:{PERSON}|\w+)",
        0.75,
        "threatens harm",
    ),
    form(
        r"(?:^|[.!?,;:]\s*|(?<![a-z])(?:and|then|just)\s+)(?:shoot|hang|string up|kill|murder|"
        r"stab|lynch|torch|burn) (?:the lot of (?:them|you|'em|em)|all of (?:them|you)|every "
        r"(?:one|last one) of (?:them|you)|them all|(?:the|every) (?:\w+ )?(?:councillors|"
        r"officers|wardens|bailiffs|planners|cabinet))(?![a-z])",
        0.8,
        "urges violence",
    ),
    form(
        r"(?<![a-z])(?:should|needs? to|ought to|deserves? to|wants? to|want to see (?:him|her|"
        r"them)) (?:be |get )?(?:dragged out|given a (?:good |proper |right )?(?:hiding|kicking|"
        r"beating|slap|smack|battering|going over))(?![a-z])",
        0.8,
        "calls for violence",
    ),
    form(
        r"(?<![a-z])drag(?:ging)? (?:you|u|him|her|them|\w+) (?:out |outside |)by (?:the|your|"
        r"ur|his|her|their) (?:hair|neck|collar|ears|throat)(?![a-z])",
        0.75,
        "threatens harm",
    ),
    form(
        r"(?<![a-z])(?:put|putting|stick|sticking) (?:my|a|me) (?:boot|fist|foot|head|brick|"
        r"hammer) (?:through|thru|in|into) (?:your|ur|his|her|their) (?:door|window|windows|face|"
        r"teeth|head|windscreen|car)(?![a-z])",
        0.75,
        "threatens harm",
    ),
    form(
        r"(?<![a-z])(?:they'?re|he'?s|she'?s|you'?re|they'?ll|he'?ll|she'?ll|you'?ll|they will|"
        r"he will|she will|you will) (?:be )?(?:getting|get|meet|meeting) (?:the|my|a|me) "
        r"(?:shotgun|gun|baseball bat|cricket bat|bat|knife|machete|crowbar|blade)(?![a-z])",
        0.75,
        "threatens with a weapon",
    ),
)
