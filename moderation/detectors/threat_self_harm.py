"""Statements of self-harm, escalated for safeguarding rather than as a threat to others.

`SELF_HARM` alone is enough ("I'm going to end it tonight"); a `FAREWELL` counts only with
`DESPAIR` beside it ("sorry everyone" on its own is an apology).
"""

from __future__ import annotations

import re

SELF_HARM = re.compile(
    r"(?<![a-z])(?:(?:i'?m|im|i am|i'll|i will|i might|might|i want to|i wanna|i'm going to|"
    r"im going to|gonna|going to|i could|i should|i feel like)\s+(?:just\s+|gonna\s+|going to\s+|"
    r"as well\s+)?(?:end it(?! with)(?: all)?|end my life|kill myself|top myself|take my (?:own )?"
    r"life|walk into (?:the|that|a) (?:river|sea|canal|lake|water|traffic)|jump (?:off|from|"
    r"in front of)|"
    r"throw myself|hang myself|take (?:all )?(?:my|the) (?:pills|tablets)|overdose|do something "
    r"stupid to myself)"
    r"|(?:kill|killing|hurt|hurting|harm|harming|cut|cutting) myself"
    r"|(?:i'?m|im|i am) ending (?:it|things|my life)(?: all)?(?![a-z])"
    r"|(?:better off|be better) (?:without me|dead)"
    r"|(?:no|nothing (?:left )?to) (?:reason|point) (?:to|in) (?:live|living|going on)"
    r"|(?:want|wanting|wanted) to die"
    r"|save (?:everyone|everybody|you all|you lot) the (?:bother|trouble|hassle)"
    r"|nobody (?:would|will) (?:miss|notice) (?:me|if i)"
    r"|thinking (?:about|of) (?:ending (?:it|things|my life)|killing myself|suicide|taking my)"
    r"|(?:i|i'll|i will|i'm going to|gonna) end (?:it|things|everything)(?: tonight| now| for good|"
    r" soon| all)?(?=[.!,]|$| sorry| i )"
    r"|(?:pills|tablets) (?:lined up|ready|saved up|stockpiled)"
    r"|(?:written|writing|wrote|left) (?:a |my )?(?:letters?|notes?) (?:to|for) (?:my|the) "
    r"(?:kids|children|family|mum|wife|husband|partner)"
    r"|(?:won'?t|will not|not going to) be (?:around|here) (?:much longer|for long|to see|"
    r"tomorrow|by (?:the )?(?:morning|weekend))"
    r")"
)
FAREWELL = re.compile(
    r"(?<![a-z])(?:this is (?:my )?goodbye|goodbye everyone|bye everyone|tonight'?s the night|"
    r"sorry everyone|look after (?:my|the) (?:kids|dog|cat|family)|tell my (?:kids|family|mum))"
)
DESPAIR = re.compile(
    r"(?<![a-z])(?:what'?s the point(?: anymore| any more| of (?:anything|living|going on))|"
    r"(?:can'?t|don'?t) see the point (?:in|of) (?:carrying on|going on|living|anything)|"
    r"i'?m done with (?:all of )?(?:this|it|everything|life)|"
    r"can'?t (?:go on|do (?:this|it) (?:any ?more|again)|cope any ?more|take (?:any ?more|it any "
    r"?more))|i give up|had enough of (?:life|everything)|no way out|nothing left)"
)
