"""Defamation: an allegation of fact, or insinuation, about an identifiable person.

Needs both: someone identifiable (a name, alias, misspelling or role from the people
register, their relatives, a named or described private individual, an @handle) and an
allegation of crime, corruption, dishonesty, abuse or sexual misconduct, stated or
insinuated ("funny how his brother's firm got the contract... just saying"). "This council
is corrupt" names nobody and is criticism. A denial ("he's not corrupt, just useless"), a
report that someone was cleared, and an open question ("is it true...?") are not
allegations; a question that presupposes the damaging fact is.
"""

from __future__ import annotations

import re

from moderation.detectors.allegations import ALLEGATIONS, CLEARED, INSINUATION, WEAK
from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.framing import Framing
from moderation.detectors.targets import Target, TargetFinder, TargetKind, within
from moderation.registers import Registers
from moderation.verdict import Category, Evidence

# Wrongdoing told as a story rather than named with one word.
SCHEMES = [
    re.compile(p)
    for p in (
        r"(?<![a-z])(?:is|'s|a|proper|totally|completely|utterly) bent(?![a-z])",
        r"(?<![a-z])(?:gave|gives|give|giving|handed|hands|steered|steers|awarded|awards|put) "
        r"(?:the |a |all the |every |our )?(?:\w+ ){0,3}?(?:contract|contracts|job|jobs|work|"
        r"tender|deal|house|houses|flat|flats|council house|planning) (?:\w+ ){0,2}?to (?:his|her|"
        r"their) (?:\w+ )?(?:mates|mate|friends|friend|pals|brother|sister|son|daughter|wife|"
        r"husband|partner|cousin|family|relatives|mucker|cronies)",
        r"(?<![a-z])(?:moves?|moving|bumps?|bumping|puts?|putting|pushes|pushing|gets?|getting) "
        r"(?:his|her|their) (?:mates|friends|family|pals|relatives|cronies|son|daughter) "
        r"(?:up|to the top|onto|on to|into)",
        r"(?<![a-z])(?:his|her|their|[a-z\-]+'s) (?:\w+ )?(?:husband|wife|brother|sister|son|"
        r"daughter|"
        r"partner|cousin|mate|friend|family|brother-in-law|son-in-law)(?:'s)? (?:firm|company|"
        r"business|mate) (?:\w+ ){0,4}?(?:leases|supplies|got|gets|won|wins|was given|has the|"
        r"holds|runs the|owns)",
        r"(?<![a-z])(?:firm|company|business) (?:where|that|owned by|run by) (?:\w+ ){0,2}?"
        r"(?:his|her|their|the leader's|the [a-z]+'s) (?:\w+ )?(?:husband|wife|brother|sister|son|"
        r"daughter|partner|cousin|mate|friend|family)",
        r"(?<![a-z])(?:only|just) (?:\w+ ){0,3}?(?:because|cos|'cause|coz) (?:his|her|their) "
        r"(?:\w+ ){0,2}?(?:owns|runs|works for|profits|benefits|gets|stands to|would lose|makes)",
        r"(?<![a-z])(?:a |his |her |their )?(?:nice |little |wee )*(?:'thank you'|thank you|"
        r"drink|bung|present|gift|holiday|kickback) (?:\w+ ){0,2}?from (?:the )?(?:contractor|"
        r"developer|developers|firm|builders?|company|supplier)",
        r"(?:didn'?t|did not|doesn'?t) pay for (?:itself|themselves|that)",
        r"(?<![a-z])(?:contract|contracts|tender|work|deal) (?:\w+ ){0,2}?(?:went|goes|was given|"
        r"was awarded|got given) to (?:a |the )?(?:firm|company|business|mate|"
        r"friend) (?:\w+ ){0,5}?"
        r"(?:director|owner|owns|shareholder|partner|runs|his|her|their)",
        r"(?<![a-z])(?:his|her|their|[a-z\-]+'s) (?:\w+ )?(?:husband|wife|brother|sister|son|"
        r"daughter|partner|cousin|nephew|niece|grandson|granddaughter|mate|friend|family|"
        r"brother-in-law|son-in-law|daughter-in-law) (?:owns|has|bought|sold) (?:\w+ ){0,4}?"
        r"(?:land|property|properties|hmos|houses|site|sites|firm|company|shares|stake)",
        r"(?<![a-z])(?:run|owned|managed|chaired) by (?:his|her|their|[a-z\-]+'s) (?:\w+ )?"
        r"(?:husband|wife|"
        r"brother|sister|son|daughter|partner|cousin|nephew|niece|mate|friend|brother-in-law|"
        r"son-in-law|daughter-in-law|grandson|granddaughter)",
        r"(?<![a-z])(?:got|gets|gave|found|sorted) (?:his|her|their) (?:\w+ )?(?:husband|wife|"
        r"brother|sister|son|daughter|partner|cousin|nephew|niece|mate|mates|friend|friends|"
        r"brother-in-law|son-in-law|daughter-in-law|grandson|granddaughter) (?:a |an )?(?:job|"
        r"contract|house|flat|council house|seat|post|position)",
        r"(?<![a-z])does \d{2,3} (?:in a|through|down|along|past|on)",
        r"(?<![a-z])i'?m sure (?:it|the \w+|that|this|everything) (?:was|is|were) (?:all )?"
        r"(?:perfectly |totally |completely |all )?(?:above board|legit|kosher|fine|innocent|"
        r"coincidence)",
        r"(?<![a-z])(?:had|has|got|gets|take|takes|took|taking|getting) (?:a |his |her |their )?"
        r"(?:cut|slice|share|piece|backhander) (?:of|from) (?:the )?(?:\w+ ){0,2}?(?:contract|"
        r"subcontract|deal|money|profits|action|scheme|sale|fees)",
        r"on a councillor'?s (?:allowance|salary|wage)",
        r"(?<![a-z])(?:police|cops|coppers) let (?:him|her|them) (?:go|off)",
        r"(?<![a-z])(?:got|gets|get) off (?:because|cos|'cause) of who (?:he|she|they)",
        r"(?<![a-z])(?:selling|sold|flogging|flogged|pinching|pinched|nicked|nicking) "
        r"(?:\w+ ){0,4}?for (?:scrap|cash|himself|herself|themselves)",
        r"(?<![a-z])(?:nicked|pinched|helped (?:him|her)self to) (?:\w+ ){0,3}?(?:money|cash|"
        r"funds|equipment|materials|the takings)",
    )
]
_OPEN_QUESTION = re.compile(
    r"(?<![a-z])(?:is it true|is it right|is this true|can (?:anyone|someone) confirm|did "
    r"(?:cllr|councillor|he|she)|has (?:cllr|councillor|he|she)|any truth in)"
)
_NEGATION = re.compile(r"(?:not|n't|never|no|isn't|wasn't|nobody's|nobody is)\s+(?:\w+\s+){0,2}$")


class DefamationDetector:
    name = "defamation"

    def __init__(self, registers: Registers) -> None:
        self.targets = TargetFinder(registers)

    def detect(self, doc: Document) -> Detection:
        folded = doc.folded
        frame = Framing(folded)
        targets = self.targets.find(folded, doc.comment.text)
        people = [t for t in targets if t.identifiable and t.kind is not TargetKind.PAGE_ADMIN]
        if not people:
            return NOTHING
        hint = INSINUATION.first(folded)
        found: list[tuple[float, str, int, int]] = []
        for m in ALLEGATIONS.find(folded):
            if _NEGATION.search(folded[max(0, m.start - 30) : m.start]) and not m.term.startswith(
                ("never", "didn't", "did not", "hasn't", "failed")
            ):
                continue
            found.append((0.75, m.span, m.start, m.end))
        for pattern in SCHEMES:
            for s in pattern.finditer(folded):
                found.append((0.6 if hint is None else 0.75, s.group(0), s.start(), s.end()))
        for m in WEAK.find(folded):
            found.append((0.55 if hint is not None else 0.35, m.span, m.start, m.end))
        best: tuple[float, str, int, int, Target] | None = None
        for score, span, start, end in found:
            if frame.mentioned_not_used(start, end):
                continue
            person = self._about(folded, frame, start, end, targets, people)
            if person is None:
                continue
            if best is None or score > best[0]:
                best = (score, span, start, end, person)
        if best is None:
            return NOTHING
        score, span, start, end, person = best
        if len(found) > 1 or hint is not None:
            score = min(0.9, score + 0.1)
        if CLEARED.first(folded) is not None or (
            _OPEN_QUESTION.search(folded) and frame.is_question(start, end)
        ):
            score = min(score, 0.4)
        description = f"allegation '{span}' about {person.who}"
        if hint is not None:
            description += f" (insinuation: '{hint.span}')"
        return Detection.of(
            Category.DEFAMATION,
            score,
            self.name,
            Evidence(
                self.name,
                description,
                span,
                start,
                end,
                register_entry=person.who if person.kind is TargetKind.COUNCIL_PERSON else "",
            ),
        )

    @staticmethod
    def _about(
        folded: str,
        frame: Framing,
        start: int,
        end: int,
        targets: list[Target],
        people: list[Target],
    ) -> Target | None:
        """The identifiable person an allegation is about, if it is about one."""
        left, right = frame.clause(start, end)
        near = within(targets, left, right)
        named = [t for t in near if t.identifiable and t.kind is not TargetKind.PAGE_ADMIN]
        if named:
            return named[0]
        collective = [t for t in near if t.kind is TargetKind.COLLECTIVE]
        pronoun = [t for t in near if t.kind in (TargetKind.HE_OR_SHE, TargetKind.YOU)]
        if pronoun and not collective:
            return people[0]
        if not collective and len(frame.folded) < 400:
            # A short comment about one person: the allegation is about them.
            return people[0] if len({p.who.split("'s ")[0] for p in people}) == 1 else None
        return None
