"""Veiled threats: warnings that only make sense as threats.

"Look over your shoulder", "sleep with one eye open", "shame if it got scratched", "your
kids walk home on their own, don't they", "we know where to find you", "you won't see it
coming", "I'd be careful walking home if I were you, Cllr Hale". The ambiguous ones ("nice
house you've got", "see how they like it when...") are hints that need support.
"""

from __future__ import annotations

from moderation.detectors.threat_forms import BUILDING, ONE_PERSON, PERSON, YOU, Form, form

VEILED_FORMS: tuple[Form, ...] = (
    form(
        rf"(?<![a-z])(?:he|she|they|you|u|{ONE_PERSON}) (?:won'?t|wont|will not|is not going "
        r"to|isn'?t going to) (?:make it|last|see) (?:to|till|until|past)? ?(?:christmas|the "
        r"weekend|next week|friday|monday|the end of (?:the )?(?:week|month|year)|new year|"
        r"summer|his next birthday|her next birthday)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:think|thinks|think very|think long and hard|think twice) (?:\w+ )?"
        r"(?:carefully "
        r")?before (?:he|she|they|you|u) (?:comes?|shows?|sets? foot|turns? up|knocks?|walks?) "
        r"(?:round|here|near|back|on|in)(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:find out|see|learn|know) what (?:i'?m|i am|we'?re|we are) "
        r"(?:really |truly )?"
        r"capable of(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:you'?ve got|you'?ve|you have|u have|you got|he'?s got|she'?s got) (?:a )?"
        r"(?:nice|lovely|"
        r"beautiful) (?:\w+ )?(?:family|house|home|car|kids|wife|husband)(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:hope|wish) (?:someone|somebody) (?:puts|throws|chucks|lobs|sticks) a "
        r"(?:brick|rock|stone|petrol bomb|firework|bottle) (?:through|thru|at|into)(?![a-z])",
        0.75,
        "wishes violence",
    ),
    form(
        r"(?<![a-z])(?:likes?|enjoys?|enjoy|fancies|fancy|better get used to) hospital food"
        r"(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:be|'ll be|will be|'s|is) the last (?:\w+ ){0,2}?(?:you|u|he|she|they) "
        r"(?:ever )?(?:knock on|knocks on|do|does|write|writes|sign|signs|make|makes|issue|"
        r"issues|send|sends)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:got|have|'ve got|has|'s got) (?:people|someone|somebody|eyes|lads|friends|"
        r"mates) (?:watching|outside|on|following|sat outside) (?:your|ur|his|her|their) "
        r"(?:house|home|kids|family|car|office|place|every move)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:he'?s|she'?s|they'?re|you'?re|ur|he is|she is|they are|you are) getting "
        r"it (?=tonight|tomorrow|soon|this week|next|when i)",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:do|doing|end up doing) something (?:i'?ll|i will|i'?d|i might|we'?ll) "
        r"regret(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        rf"(?<![a-z])(?:do|doing|end up doing) something (?:bad |nasty |stupid )?to {PERSON}",
        0.6,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])hope (?:your|ur|his|her|their) (?:\w+ )?(?:kids|children|family|wife|husband|"
        r"missus|son|daughter|little ones?) (?:are|r|is|stay|stays|keep|keeps|'re|'s) (?:safe|ok|"
        r"okay|alright|careful)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:should|will|'ll|better|had better|'d better) be (?:very |really )?(?:scared|"
        r"afraid|frightened|terrified|worried) (?:to|of|for) (?:come|coming|go|going|walk|walking|"
        r"leave|leaving|their|your|his|her)(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:wait|just wait) (?:till|til|until|'til) (?:i|we) (?:find out|get) (?:who|"
        r"which|where|the name of)(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:i'?d|you'?d|best|better|i would) (?:stay|keep) (?:well )?(?:away|clear) "
        r"(?:from|of) (?:\w+ ){0,5}?if i (?:were|was) (?:you|u)(?![a-z])",
        0.45,
        "veiled threat",
        addressed=True,
    ),
    form(
        r"(?<![a-z])(?:wants?|needs?|had better|'d better|better|should) (?:to )?(?:be )?(?:very "
        r"|extra |really )?careful (?:walking|going|driving|leaving|getting|out|coming)(?![a-z])",
        0.45,
        "veiled threat",
        addressed=True,
    ),
    form(
        r"(?<![a-z])more than (?:eggs|words|a few words|letters|a letter|emails|a strongly worded "
        r"\w+|a protest|a petition) (?:\w+ ){0,5}?next time(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:anyone|anybody|who) (?:\w+ )?(?:got|have|has|know|knows) (?:[a-z\-]+'s|his|"
        r"her|their|the \w+'s) (?:home )?(?:address|postcode|house number)(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        rf"(?<![a-z])(?:{YOU}|he|she|they)(?:'ll|ll| will| wil| are going to| r gonna| are gonna|"
        r" gonna| is going to|'s going to|'re going to) need "
        r"(?:more than )?(?:a |an |some )?(?:stab vests?|bodyguards?|police protection|an "
        r"ambulance|ambulance|a dentist|new teeth|a new face|eyes in the back of your head|a "
        r"priest)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:the lads|my lads|my boys|the boys|my mates|our lads|some lads|people i "
        r"know|friends of mine|my brothers?)(?:'ll| will| are going to| are gonna| can| could| "
        rf"would)\s+(?:happily |gladly |soon )?(?:sort {PERSON} out|deal with {PERSON}|pay "
        rf"{PERSON} a visit|have a (?:word|chat) with {PERSON}|visit {PERSON}|find {PERSON}|"
        r"be round|be waiting|come round|pop round)",
        0.75,
        "threatens a visit",
    ),
    form(
        r"(?<![a-z])(?:after|when|once) (?:i'?m|im|i am|we'?re|we are|i'?ve|we'?ve) (?:done|"
        r"finished|through) with (?:you|u|him|her|them)(?![a-z])(?! (?:at|in|on the|by))",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:won'?t|wont|will not|not going to) be (?:walking|talking|eating|smiling|"
        r"driving|working|standing) (?:for a (?:while|bit|long time|few weeks|month)|again|any "
        r"time soon|straight)(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:won'?t|wont|will not|not) be (?:laughing|smiling|so smug|so cocky|so "
        r"brave|so clever|so tough|so gobby) when(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:get|gets|getting|got coming) what'?s coming(?: to (?:you|u|him|her|them))?"
        r"(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])wait (?:till|til|until|'til|for) (?:he|she|they|you|u) (?:comes?|gets?|walks?|"
        r"steps?|leaves?) (?:out|home|outside|back)(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:we'?ll|we will|i'?ll|i will|the lads will|we're|we are) be (?:ready|"
        r"waiting) for (?:him|her|them|you|u)(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:i|we) know (?:what time|when) (?:you|u|he|she|they) (?:leave|leaves|finish|"
        r"finishes|get home|gets home|go home|goes home|lock up|locks up|walk|walks|clock off|"
        r"clocks off)(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:better not|best not|daren'?t|dare not|dare|won'?t) show (?:his|her|their|"
        r"your|ur) (?:ugly |smug )?faces? (?:round|around|on|near|in|at|here|again)(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:we'?re|we are|we r|were|i'?m|im|i am|the lads are|they'?re|they are) "
        r"(?:\w+ )?(?:coming|comin|commin) (?:for|after|to get|round for) (?:you|u|ya|him|her|"
        r"them|'em|cllr \w+|(?:the|that) \w+)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])see how (?:they|the \w+|he|she|you|u|cllr \w+) (?:like|likes|feel|feels) it "
        r"when(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:better|best) (?:have|get|hire|put on|double|book) (?:\w+ ){0,2}?(?:security|"
        r"riot police|police protection|bodyguards)(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:make sure|hope|check|i'?d check) (?:your|ur|his|her|their) (?:home |house |"
        r"car |contents |buildings )?insurance (?:is|'s) (?:up to date|paid|sorted|valid|good)"
        r"(?![a-z])",
        0.45,
        "veiled threat",
        addressed=True,
        unless_safety=True,
    ),
    form(
        r"(?<![a-z])(?:look|looking|keep looking|watch|watching|glance|glancing) over "
        r"(?:your|ur|his|her|their) shoulders?(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(r"(?<![a-z])sleep(?:ing)? with one eye open(?![a-z])", 0.75, "veiled threat"),
    form(
        r"(?<![a-z])(?:(?:your|ur|his|her|their) card(?:'s| is) marked|(?:a |you'?re a |he'?s a "
        r"|she'?s a )marked (?:man|woman|men))(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:won'?t|wont|never|will never|'ll never) (?:see|know) (?:it|what'?s) "
        r"coming(?![a-z])|won'?t know what (?:hit|happened to) (?:you|him|her|them|'em|u)"
        r"(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:your|ur|his|her|their) (?:time|turn|day) (?:is coming|will come|'ll come|"
        r"is next|is nearly here|is coming soon)(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:shame|pity) if (?:it|your \w+|ur \w+|his \w+|her \w+|their \w+|you|u|he|"
        r"she|they|something|anything|owt|summat|(?:the )?[a-z\-]+'s \w+)(?: [\w']+){0,4}? (?:got "
        r"|was |were |ended up |went |had |accidentally |somehow )?(?:scratched|keyed|damaged|"
        r"burn(?:ed|t)(?: down)?|broken into|vandalised|vandalized|torched|smashed|set on fire|"
        r"set alight|went up|caught fire|hurt|injured|an accident|a nasty accident|attacked|"
        r"slashed|happened to|went down|went flat|let down)"
        r"(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:shame|pity|terrible|awful|tragic|a tragedy|sad) if (?:the|that|this) "
        rf"(?:\w+ ){{0,2}}?{BUILDING} (?:\w+ ){{0,2}}?(?:caught fire|burn(?:ed|t) down|went up in "
        r"(?:flames|smoke)|got (?:torched|firebombed|smashed up|burnt down|burned down)|was "
        r"(?:torched|firebombed|burnt down|burned down|set on fire))(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:wouldn'?t|would not|would hate|'d hate|wouldnt|don'?t) (?:want |for )?"
        r"(?:anything|something|owt|summat|any harm) (?:bad |nasty |unfortunate )?(?:to "
        r"happen|happening|to come) to (?:you|u|your|ur|him|his|her|them|their|that|those)"
        r"(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:things|something|anything|accidents|bad things) (?:might |could |may |"
        r"will |can |tend to |have a way of |do |often |sometimes )?(?:start )?(?:happen|"
        r"happening) to "
        r"(?:you|u|him|her|them|your|ur|his|their|people who|people like|councillors|officers|"
        r"those who|anyone who)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])accidents (?:happen|do happen|can happen)(?:,? (?:you know|don'?t they|"
        r"mate|pal|councillor|cllr|just saying))(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:your|ur) (?:kids?|children|son|daughter|little ones?|grandkids) (?:\w+ )"
        r"{0,5}?(?:on (?:their|his|her) own|alone|by (?:themselves|himself|herself)|"
        r"unsupervised)(?![a-z])",
        0.75,
        "veiled threat",
        unless_safety=True,
    ),
    form(
        r"(?<![a-z])(?:nice|lovely|beautiful|pretty|cute|sweet) (?:\w+ )?(?:house|home|car|"
        r"family|kids|wife|husband|daughter|son|children|motor|place) (?:you'?ve got|you have|"
        r"you got|u got|he'?s got|she'?s got|they'?ve got)(?![a-z])",
        0.45,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:pay|paying|give|giving) (?:your|ur|his|her|their) (?:\w+ )?(?:family|"
        r"kids|wife|husband|mum|missus|children|house|home|office) a (?:little |proper |"
        r"friendly |)visit(?![a-z])",
        0.75,
        "threatens a visit",
    ),
    form(
        r"(?<![a-z])(?:we|i) know (?:where|how) to find (?:you|u|him|her|them)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        rf"(?<![a-z])(?:find|found|finding) out where (?:he|she|they|you|u|{ONE_PERSON}) "
        r"(?:lives?|sleeps?|parks?)(?![a-z])",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?:you|u|he|she|they)(?:'ll| will|ll) get (?:yours|his|hers|theirs)(?=\s*(?:$|"
        r"[.!,?]|:))",
        0.6,
        "veiled threat",
        needs_someone=True,
    ),
    form(
        r"(?<![a-z])(?<!out )(?:ur|your|yer|you'?re|youre|you are|u r|u are|ur a|you'?re a) dead"
        r"(?: man| "
        r"woman| meat)?(?=\s*(?:$|[.!,?]| m8| mate| pal| mun| bro| bruv|:))",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:see|watch|find out) what happens to (?:you|u|him|her|them|your|ur|his|"
        r"their)(?![a-z])",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:again|one more time|once more|one more word|try it|try that|dare|come "
        r"near|come round|set foot|touch)[^.!?]{0,60}?(?<![a-z])(?:and|or) (?:see|watch|find out) "
        r"what happens(?= *(?:$|[.!,?]))",
        0.45,
        "veiled threat",
        addressed=True,
    ),
    form(
        r"(?<![a-z])(?:wait|just wait|wait till|wait til|wait until|when|once|till|til|until)"
        rf" (?:i|we) (?:get|lay) (?:my|our) (?:hands|mitts) on {PERSON}",
        0.75,
        "veiled threat",
    ),
    form(
        r"(?<![a-z])(?:(?:be|'d be|i'd be|i would be) (?:very |extra |really |bloody )?careful "
        r"(?:\w+ ){0,8}?if i (?:were|was) (?:you|u)|if i (?:were|was) (?:you|u),? i'?d (?:be "
        r"(?:very )?careful|watch (?:yourself|your back|my back)|keep (?:my|your) head down|"
        r"stay (?:indoors|in|away|home)|move house))(?![a-z])",
        0.45,
        "veiled threat",
        addressed=True,
    ),
)
