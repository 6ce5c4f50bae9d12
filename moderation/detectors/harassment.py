"""Harassment: insults aimed at a person, bullying, and inciting others to intimidate.

Harsh judgement of someone's public performance ("useless", "should resign", "clueless")
is criticism and is left alone; an insulting epithet aimed at an individual is not. The
target must be a person: a name from the register, a private individual, whoever runs the
page, an @handle, or "you"/"he"/"she" in the same sentence. Insulting the council as a body
or "you lot" is criticism. Quoting an insult to report it is allowed. Wishing someone harm
without threatening to cause it, exposing a private person's whereabouts with an invitation
to act, and organising a pile-on are harassment.
"""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.discrimination import DiscriminationDetector
from moderation.detectors.framing import Framing
from moderation.detectors.insults import APPEARANCE_OR_MIND, EPITHETS, IDIOMS, SOFT_EPITHETS
from moderation.detectors.obscenity import ObscenityDetector
from moderation.detectors.targets import Target, TargetFinder, TargetKind, within
from moderation.lexicon import Match
from moderation.registers import Registers
from moderation.verdict import Category, Evidence

_GLUED_ARTICLE = re.compile(r"(?<![a-z0-9])(a|an|u|ya)([a-z]{4,})(?![a-z0-9])")
_INTENSIFIER = re.compile(
    r"(?:absolute|proper|complete|total|utter|right|massive|fucking|f\*+ing|bloody|little|"
    r"such an?|what an?|you|you're|youre|ur|you are)\s+(?:\w+\s+)?$"
)
_ADJ_FRAME = re.compile(
    r"(?:you|you're|youre|you are|ur|u|(?:he|she)(?:'s| is)|(?:he|she) looks|(?:is|'s|was) "
    r"(?:an?|such an?|one|the most)|(?:his|her|your) "
    r"(?:face|kids|children|family|wife|husband|mum|mother))\s+(?:\w+\s+){0,2}$"
)
_LOOKS_LIKE = re.compile(
    r"(?<![a-z])(?:looks like|looking like|look like|face like|face that|head like|"
    r"(?:the )?state of (?:him|her)|"
    r"shut (?:your|ur|yer) (?:mouth|face|gob|trap|cakehole|pie hole)|:clown_face:)(?: a| an)?\s?"
)
_SECOND_PERSON_ONLY = re.compile(r"^(?:you|your|ur|u|you're|youre|yourself|ya|yer)$")

INCITEMENT = [
    re.compile(p)
    for p in (
        r"(?<![a-z])(?:everyone|everybody|all of you|y'all|you should all|we should all|"
        r"let'?s all|lets all|we all need to|we all should)\s+(?:\w+\s+){0,2}?(?:go on|go to|"
        r"go and|go down|go over|leave (?:\w+ )?reviews|leave (?:one|1|a)[- ]star|"
        r"go round|message|email|e-mail|ring|call|phone|dm|tag|flood|spam|report|complain about|"
        r"find|visit|turn up|show up|descend|screenshot|share (?:his|her|their)|tell (?:him|her|"
        r"them)|write to (?:him|her)|bombard|troll|hound)(?![a-z])",
        r"(?<![a-z])(?:\w+|a few|loads|dozens|hundreds) of us (?:at|outside|round|turn(?:ing)? up|"
        r"go(?:ing)? (?:to|round)|on (?:his|her|their) doorstep)(?![a-z])",
        r"(?<![a-z])(?:turn|show) up (?:at|outside|on) (?:his|her|their|[a-z\-]+'s) (?:house|"
        r"home|office|door|doorstep|work|surgery|school|street)",
        r"(?<![a-z])(?:go|going|pop|popping|get) (?:and )?(?:knock on|round to|round|to|over to) "
        r"(?:his|her|their) (?:door|house|home|place|gaff|flat)",
        r"(?<![a-z])(?:go|going) (?:and )?knock on (?:his|her|their)(?: \w+)? door",
        r"(?<![a-z])if any(?:one|body) (?:fancies|wants|feels like|wishes)(?: to)? (?:\w+ ){0,5}?"
        r"(?:in person|round|a visit|a word|knock|turning up|telling|letting (?:him|her|them))",
        r"(?<![a-z])(?:tag|message|tell|email|let|contact|inform) (?:his|her|their) (?:wife|"
        r"husband|partner|kids|children|family|boss|employer|mum|mother|dad|neighbours|work|"
        r"church|school)(?![a-z])",
        r"(?<![a-z])(?:the|his|her|their) (?:school|employer|boss|work|neighbours|wife|husband) "
        r"(?:should|needs to|ought to|deserves? to|might want to) know",
        r"(?<![a-z])(?:his|her|their) (?:personal|private|own) (?:facebook|page|instagram|"
        r"account|number|profile|phone|email|twitter|tiktok)",
        r"(?<![a-z])flood (?:it|her|him|his|their|them)(?![a-z])",
        r"(?<![a-z])make (?:his|her|their) lives? (?:hell|a misery|a living hell|miserable)",
        r"(?<![a-z])dox+(?:ed|ing)?(?![a-z])",
        r"(?<![a-z])find out where (?:he|she|they) (?:lives?|works?)",
        r"(?<![a-z])(?:run|hound|drive) (?:him|her|them) out of (?:town|office|the area)",
        r"(?<![a-z])make sure (?:\w+ ){1,3}?(?:can'?t|cannot|never|doesn'?t|won'?t) (?:show|dare "
        r"show|walk|set foot|go out)",
        r"(?<![a-z])(?:share|spread) (?:this|it|his|her) (?:everywhere|far and wide|with everyone)",
        r"(?<![a-z])(?:one|1)[- ]star reviews? (?:on|for) (?:his|her|their|[a-z\-]+'s)",
        r"(?<![a-z])(?:until|till) (?:it|her|his|their) (?:account|page) (?:gets|is) (?:taken down|"
        r"deleted|banned)",
    )
]
# Where a private person lives or what they drive, with a nudge to act on it.
_EXPOSED = re.compile(
    r"(?<![a-z])(?:lives|living|lives at|lives on|lives in|drives a|parks (?:his|her)|"
    r"works at|goes to)(?![a-z])"
)
_NUDGE = re.compile(
    r"(?<![a-z])(?:if any(?:one|body)|any(?:one|body) fancies|in case any(?:one|body)|just "
    r"saying|you know what to do|do what you will|:eyes:|:backhand_index_pointing_down:)"
)
_WISH = re.compile(
    r"(?<![a-z])(?:i )?(?:hope|wish|pray)s? (?:that )?(?P<who>he|she|you|they|[a-z\-]+)(?:'s)? "
    r"(?:[\w']+ ){0,8}?(?:dies|die|rots|rot|suffers|suffer|ends up (?:on the streets|homeless|"
    r"in (?:a|the) (?:ditch|gutter|hospital|grave))|gets? (?:cancer|hit by|run over|mugged|"
    r"attacked|burgled|what (?:he|she|they)|what'?s coming)|chokes?|drops? dead|burns? in hell|"
    r"rots? in hell|loses (?:everything|his house|her house|your house)|never (?:sleeps|walks))"
)
# Watching or digging into someone's family is intimidation whatever else is said.
_FAMILY_WATCHED = re.compile(
    r"(?<![a-z])(?:found|tracked down|looked up|been watching|followed|know where) (?:\w+ )?"
    r"(?:your|his|her) (?:daughter|son|kids|children|child|wife|husband|partner|family|mum|"
    r"mother|dad|grandkids)(?:'s)?(?: (?:instagram|facebook|tiktok|school|address|house|home|"
    r"work|car|route|bus|train|snapchat|account|profile|page))?(?![a-z])"
)
# Named groups of front-line staff: abuse of them is abuse of people, not of the council.
_STAFF = re.compile(
    r"(?<![a-z])(?:bin ?men|binmen|bin crew|crews?|refuse collectors|wardens|traffic wardens|"
    r"staff at|staff on|receptionists|call handlers|librarians|cleaners|gardeners|lads on|"
    r"drivers|workmen|workers on)(?![a-z])"
)
_COUNCIL_BODY_WORDS = re.compile(
    r"(?<![a-z])(?:council|councils|councillors|cabinet|administration|government|department|"
    r"team|committee|lot)(?![a-z])"
)


def _plural(m: Match) -> bool:
    return m.span.endswith("s") and not m.term.endswith("s")


class HarassmentDetector:
    name = "harassment"

    def __init__(self, registers: Registers) -> None:
        self.targets = TargetFinder(registers)
        self._discrimination = DiscriminationDetector()
        self._obscenity = ObscenityDetector()

    def detect(self, doc: Document) -> Detection:
        folded = doc.folded
        frame = Framing(folded)
        targets = self.targets.find(folded, doc.comment.text)
        people = [t for t in targets if t.individual]
        if not people:
            return NOTHING
        incite = self._incitement(folded, people)
        if incite is not None:
            return incite
        family = _FAMILY_WATCHED.search(folded)
        if family is not None:
            return self._found(
                0.7, f"brings a person's family into it: '{family.group(0)}'", family
            )
        wish = _WISH.search(folded)
        if wish is not None and self._aimed_at_person(wish.group("who"), targets):
            return self._found(0.7, f"wishes harm on a person: '{wish.group(0)}'", wish)
        insult = self._insult(doc, frame, targets)
        if insult is not None and insult.findings[0].score >= 0.5:
            return insult
        aimed = self._aimed_abuse(doc, frame, targets)
        if aimed is not None:
            return aimed
        if insult is not None:
            return insult
        return self._exposure(folded, targets)

    def _aimed_abuse(
        self, doc: Document, frame: Framing, targets: list[Target]
    ) -> Detection | None:
        """Discriminatory or sexual content aimed at an identifiable person is harassment too."""
        identifiable = [t for t in targets if t.identifiable and t.kind is not TargetKind.HANDLE]
        if not identifiable:
            return None
        for detector, what in (
            (self._discrimination, "identity abuse"),
            (self._obscenity, "sexualises"),
        ):
            for finding in detector.detect(doc).findings:
                if finding.score < 0.5 or not finding.evidence:
                    continue
                ev = finding.evidence[0]
                left, right = frame.clause(max(ev.start, 0), max(ev.end, 0))
                near = [t for t in identifiable if left <= t.start < right]
                persons = {t.who.split("'s ")[0] for t in identifiable}
                if near or (len(persons) == 1 and len(doc.folded) < 300):
                    who = (near or identifiable)[0]
                    return Detection.of(
                        Category.HARASSMENT,
                        0.7,
                        self.name,
                        Evidence(
                            self.name,
                            f"{what} aimed at {who.who}: '{ev.span}'",
                            ev.span,
                            ev.start,
                            ev.end,
                            register_entry=who.who if who.kind is TargetKind.COUNCIL_PERSON else "",
                        ),
                    )
        return None

    def _incitement(self, folded: str, people: list[Target]) -> Detection | None:
        named = [t for t in people if t.identifiable or t.kind is TargetKind.HE_OR_SHE]
        if not named:
            return None
        for pattern in INCITEMENT:
            m = pattern.search(folded)
            if m is not None:
                return self._found(0.8, f"incites others against a person: '{m.group(0)}'", m)
        return None

    @staticmethod
    def _aimed_at_person(word: str, targets: list[Target]) -> bool:
        if word in ("he", "she", "you"):
            return True
        return any(t.identifiable and word in t.span for t in targets)

    def _insult(self, doc: Document, frame: Framing, targets: list[Target]) -> Detection | None:
        folded = doc.folded
        hits: list[tuple[Match, bool]] = [(m, True) for m in EPITHETS.find(folded)]
        if not hits:
            # Joining spaced letters can swallow the article: "a k n o b" becomes "aknob".
            for glued in _GLUED_ARTICLE.finditer(folded):
                for m in EPITHETS.find(glued.group(2)):
                    if m.start == 0 and m.end == len(glued.group(2)):
                        at = glued.start(2)
                        hits.append((Match(m.term, m.span, at, at + len(m.span)), True))
        for m in SOFT_EPITHETS.find(folded):
            if _INTENSIFIER.search(folded[max(0, m.start - 30) : m.start]):
                hits.append((m, True))
        for m in APPEARANCE_OR_MIND.find(folded):
            if _ADJ_FRAME.search(folded[max(0, m.start - 40) : m.start]):
                hits.append((m, False))
        for looks in _LOOKS_LIKE.finditer(folded):
            before = folded[max(0, looks.start() - 30) : looks.start()]
            subject = re.search(
                r"(?:he|she|you|you're|he's|she's|him|her|[a-z]+'s face)\s*$", before
            )
            named = any(t.identifiable and 0 <= looks.start() - t.end <= 3 for t in targets)
            if not (subject or named or looks.group(0).startswith(("state", "shut", ":"))):
                continue
            span = looks.group(0).strip()
            hits.append((Match("looks like", span, looks.start(), looks.end()), False))
        idioms = IDIOMS.find(folded)
        hits = [
            (m, noun) for m, noun in hits if not any(i.start <= m.start < i.end for i in idioms)
        ]
        identifiable = [t for t in targets if t.identifiable]
        best: tuple[float, Match, Target | None] | None = None
        for m, noun in hits:
            if frame.quoted(m.start, m.end) and (frame.reports or frame.condemns):
                continue
            if frame.reports and frame.condemns:
                continue
            left, right = frame.clause(m.start, m.end)
            near = [t for t in within(targets, left, right) if t.start != m.start]
            score, aimed = self._aim(folded, m, noun, near, identifiable)
            if score > 0 and (best is None or score > best[0]):
                best = (score, m, aimed)
        if best is None:
            return None
        score, m, aimed = best
        model = doc.model_scores.get("insult", 0.0)
        if score >= 0.5:
            score = max(score, min(0.95, model))
        who = f" at {aimed.who}" if aimed is not None else ""
        return Detection.of(
            Category.HARASSMENT,
            score,
            self.name,
            Evidence(
                self.name,
                f"insult aimed at a person{who}: '{m.span}'",
                m.span,
                m.start,
                m.end,
                register_entry=aimed.who
                if aimed is not None and aimed.kind is TargetKind.COUNCIL_PERSON
                else "",
            ),
        )

    @staticmethod
    def _aim(
        folded: str, m: Match, noun: bool, near: list[Target], identifiable: list[Target]
    ) -> tuple[float, Target | None]:
        """How surely an insult is aimed at an individual, and at whom."""
        before = folded[max(0, m.start - 45) : m.start]
        individuals = [t for t in near if t.individual]
        collective = [t for t in near if t.kind is TargetKind.COLLECTIVE]
        council_people = [t for t in individuals if t.kind is TargetKind.COUNCIL_PERSON]
        staff = _STAFF.search(folded[max(0, m.start - 120) : m.end + 40]) is not None
        if noun and _plural(m) and not council_people and not staff:
            return 0.0, None
        if noun and _plural(m) and staff:
            return 0.7, None
        if collective and not any(t.identifiable for t in individuals):
            return 0.0, None
        direct = [t for t in individuals if t.identifiable]
        if direct:
            return 0.8, direct[0]
        you = [t for t in individuals if t.kind is TargetKind.YOU]
        if you and _SECOND_PERSON_ONLY.match(you[0].span):
            if re.search(r"(?:you|you're|youre|you are|ur|u)\s+(?:\w+\s+){0,3}$", before):
                return 0.75, you[0]
            return 0.6, you[0]
        third = [t for t in individuals if t.kind is TargetKind.HE_OR_SHE]
        if third and (identifiable or re.search(r"(?:he|she)(?:'s| is| was)\s", before)):
            return 0.7, (identifiable or third)[0]
        if identifiable and noun and _COUNCIL_BODY_WORDS.search(before) is None:
            if re.search(
                r"(?:what an?|such an?|that|this|absolute|proper|total|utter)\s+"
                r"(?:\w+\s+){0,2}$",
                before,
            ):
                return 0.6, identifiable[0]
            return 0.45, identifiable[0]
        return 0.0, None

    def _exposure(self, folded: str, targets: list[Target]) -> Detection:
        private = [
            t
            for t in targets
            if t.kind
            in (TargetKind.PRIVATE_PERSON, TargetKind.COUNCIL_PERSON, TargetKind.HE_OR_SHE)
        ]
        exposed = _EXPOSED.search(folded)
        nudge = _NUDGE.search(folded)
        if not private or exposed is None or nudge is None:
            return NOTHING
        return self._found(
            0.65,
            f"exposes where {private[0].who} can be found, with a nudge: '{nudge.group(0)}'",
            exposed,
        )

    def _found(self, score: float, description: str, m: re.Match[str]) -> Detection:
        return Detection.of(
            Category.HARASSMENT,
            score,
            self.name,
            Evidence(self.name, description, m.group(0), m.start(), m.end()),
        )
