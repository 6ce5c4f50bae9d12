"""Review items, reviewers' decisions and the audit trail."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from moderation.outside_text import well_formed
from moderation.verdict import Category, Route


class ReviewStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    RESTORED = "restored"
    ESCALATED = "escalated"
    DONE = "done"


class DecisionKind(StrEnum):
    """What a person decides about an item in a queue."""

    CONFIRM = "confirm"  # the hide stands
    RESTORE = "restore"  # unhide on the platform
    ESCALATE = "escalate"  # send to the duty officer
    DONE = "done"  # a comms item has been answered


class PlatformState(StrEnum):
    """What houserules has done, or failed to do, on the platform."""

    NONE = "none"
    HIDDEN = "hidden"
    HIDE_FAILED = "hide_failed"
    NOT_HIDEABLE = "not_hideable"
    PENDING_REVIEW = "pending_review"  # review-before-hide: nothing done until a person says so
    NOT_CONNECTED = "not_connected"  # no connector for this platform: a person must hide by hand
    RESTORED = "restored"


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A comment waiting for a person in one of the queues."""

    item_id: int
    queue: Route
    comment_key: str
    reason: str
    status: ReviewStatus
    created_at: datetime
    urgent: bool = False
    platform_state: PlatformState = PlatformState.NONE
    text: str = ""
    author_handle: str = ""
    action: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """A person's decision on a queue item. Always attributed and always explained."""

    item_id: int
    kind: DecisionKind
    by: str
    reason: str
    decided_at: datetime

    def __post_init__(self) -> None:
        # Names and reasons typed by people reach the audit log: never half a character.
        object.__setattr__(self, "by", well_formed(self.by))
        object.__setattr__(self, "reason", well_formed(self.reason))
        if not self.by.strip():
            raise ValueError("a decision must say who made it")
        if not self.reason.strip():
            raise ValueError("a decision must give a reason")
        if self.decided_at.tzinfo is None:
            raise ValueError("decided_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the append-only audit log: who did what to which comment, when and why."""

    at: datetime
    actor: str
    event: str
    comment_key: str
    detail: str
    item_id: int | None = None


# A reviewer's correction of a comment's categories is an audit event of its own, read back by
# `houserules learn` (docs/learning.md): the detail says what it is and what it was judged as.
RECATEGORISED = "recategorised"


def recategorised_detail(chosen: Iterable[Category], was: Iterable[Category]) -> str:
    """The audit detail of a correction: "categories: a, b; was: c" ("none" for none)."""
    order = list(Category)

    def names(cats: Iterable[Category]) -> str:
        return ", ".join(c.value for c in sorted(set(cats), key=order.index)) or "none"

    return f"categories: {names(chosen)}; was: {names(was)}"


def parse_recategorised(detail: str) -> frozenset[Category] | None:
    """The categories a correction's detail sets; None if it is not one (an erased detail)."""
    match = re.match(r"categories: ([^;]*);", detail)
    if match is None:
        return None
    names = [n.strip() for n in match.group(1).split(",")]
    try:
        return frozenset(Category(n) for n in names if n and n != "none")
    except ValueError:
        return None
