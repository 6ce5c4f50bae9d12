"""What the house rules say about a comment, with the evidence for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from moderation.comment import Comment


class Category(StrEnum):
    DEFAMATION = "defamation"
    DISCRIMINATION = "discrimination"
    HARASSMENT = "harassment"
    THREAT = "threat"
    MISINFORMATION = "misinformation"
    PERSONAL_DATA = "personal_data"
    OBSCENITY = "obscenity"
    SPAM_SCAM = "spam_scam"
    SERVICE_COMPLAINT = "service_complaint"
    CRITICISM = "criticism"


class Action(StrEnum):
    """Actions in order of weight: the heaviest one a comment earns is the one taken."""

    ALLOW = "allow"
    COMMS = "comms"
    HIDE = "hide"
    ESCALATE = "escalate"

    @property
    def weight(self) -> int:
        return _ACTION_WEIGHT[self]


_ACTION_WEIGHT = {Action.ALLOW: 0, Action.COMMS: 1, Action.HIDE: 2, Action.ESCALATE: 3}


def heaviest(actions: list[Action] | tuple[Action, ...]) -> Action:
    return max(actions, key=lambda a: a.weight, default=Action.ALLOW)


class Route(StrEnum):
    """Queues a verdict can send a comment to, besides the index."""

    REVIEW = "review"
    COMMS = "comms"
    ESCALATIONS = "escalations"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a detector fired: the text span, the register entry, or the model label."""

    detector: str
    description: str
    span: str = ""
    start: int = -1
    end: int = -1
    register_entry: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One category a detector found, with its score and evidence."""

    category: Category
    score: float
    detector: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class CommsNote:
    """What the comms team needs: why it is in their queue, and the official line if any."""

    reason: str
    service: str = ""
    fact_id: str = ""
    official_line: str = ""
    link: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision for one comment.

    `findings` holds every category that passed its threshold; `action` is the heaviest of
    their actions. `routes` lists every queue the comment goes to, because a hidden comment
    that also carries misinformation must still reach the comms team.
    """

    comment_key: str
    action: Action
    findings: tuple[Finding, ...]
    routes: tuple[Route, ...]
    hide_on_platform: bool
    not_hideable: bool
    rules_version: str
    classifier_version: str
    comms: tuple[CommsNote, ...] = ()
    referral: str = ""
    below_threshold: tuple[Finding, ...] = field(default=())

    @property
    def categories(self) -> tuple[Category, ...]:
        return tuple(f.category for f in self.findings)

    def explain(self) -> str:
        if not self.findings:
            if self.comms:
                return f"{self.action.value}: {self.comms[0].reason}"
            return f"{self.action.value}: no house rule applies"
        parts = []
        for f in self.findings:
            ev = "; ".join(e.description for e in f.evidence) or f.detector
            parts.append(f"{f.category.value} ({f.score:.2f}): {ev}")
        return f"{self.action.value}: " + " | ".join(parts)


@dataclass(frozen=True, slots=True)
class ClassifiedComment:
    """A comment together with its verdict: what comments.classified carries."""

    comment: Comment
    verdict: Verdict
