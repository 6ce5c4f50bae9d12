"""Applying a person's decision on a queue item: confirm a hide, restore, escalate a review
item to the escalations queue (with its referral route in the reason), or mark done.

Restoring unhides the comment on the platform first; only when the platform agrees is the
item closed and the restore written to the audit log. If the platform call fails the item
stays open and the error says why, so a restore is never recorded that did not happen.

Every decision holds the item's decision lock (`Store.begin_decision`) from before it
touches the platform until the item is closed. Without it, a restore and a confirm of the
same item at once could both pass their checks: the comment visible again on the platform
while the item says the hide was confirmed. With it, the second officer is told someone
is deciding the item, and nothing of theirs happens. A process that dies holding a lock
holds it for `DECISION_HOLD` at most; the next decision then takes over, and because the
platform call that was cut short may or may not have happened, it makes the platform agree
with its own decision (hiding or unhiding again; both are safe to repeat).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import timedelta

from moderation.comment import Platform
from moderation.platform import PlatformError, PlatformModerator
from moderation.review import (
    AuditEvent,
    Decision,
    DecisionKind,
    PlatformState,
    QueueItem,
    ReviewStatus,
)
from moderation.verdict import Route
from store.base import DecisionInProgress, DecisionLock, ProcessedComment, QueueEntry, Store
from stream.clock import Clock

log = logging.getLogger(__name__)

# Longer than a platform call with all its retries can take; how long a dead process's
# decision blocks the item before another can take over.
DECISION_HOLD = timedelta(minutes=10)

_CLOSES_AS = {
    DecisionKind.CONFIRM: ReviewStatus.CONFIRMED,
    DecisionKind.RESTORE: ReviewStatus.RESTORED,
    DecisionKind.DONE: ReviewStatus.DONE,
    DecisionKind.ESCALATE: ReviewStatus.ESCALATED,
}


class ReviewError(Exception):
    """The decision cannot be applied; the message says why. `transient` is set when the
    platform may accept the same call later (a rate limit or outage), so a worker can retry."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


def apply_decision(
    decision: Decision,
    store: Store,
    moderators: Mapping[Platform, PlatformModerator],
    clock: Clock,
) -> QueueItem:
    item = store.item(decision.item_id)
    if item is None:
        raise ReviewError(f"there is no queue item {decision.item_id}")
    if item.status is not ReviewStatus.OPEN:
        raise ReviewError(f"queue item {item.item_id} is already {item.status.value}")
    if decision.kind not in _CLOSES_AS:
        raise ReviewError(f"'{decision.kind.value}' is not a decision this queue accepts")
    if decision.kind is not DecisionKind.DONE and item.queue is Route.COMMS:
        raise ReviewError(f"item {item.item_id} is a comms item: mark it done instead")
    if decision.kind is DecisionKind.ESCALATE and item.queue is not Route.REVIEW:
        raise ReviewError(
            f"item {item.item_id} is a {item.queue.value} item: only review escalates"
        )
    if decision.kind is DecisionKind.DONE and item.queue is not Route.COMMS:
        raise ReviewError(f"item {item.item_id} is a {item.queue.value} item: confirm or restore")

    now = clock.now()
    lock = DecisionLock(
        item.item_id, uuid.uuid4().hex, decision.kind.value, decision.by, now + DECISION_HOLD
    )
    try:
        interrupted = store.begin_decision(lock, now)
    except DecisionInProgress as busy:
        raise ReviewError(str(busy), transient=True) from None
    except LookupError as gone:
        raise ReviewError(str(gone)) from None
    try:
        _apply_locked(decision, item, interrupted, lock.token, store, moderators, clock)
    except BaseException:
        _release(store, item.item_id, lock.token)
        raise
    closed = store.item(item.item_id)
    assert closed is not None
    return closed


def _release(store: Store, item_id: int, token: str) -> None:
    """Let go of the lock after a failure; if even that fails, the hold runs out by itself."""
    try:
        store.end_decision(item_id, token)
    except Exception as exc:
        log.warning(
            "queue item %d: its decision lock could not be released (%s); it expires in %s",
            item_id,
            exc,
            DECISION_HOLD,
        )


def _apply_locked(
    decision: Decision,
    item: QueueItem,
    interrupted: str,
    token: str,
    store: Store,
    moderators: Mapping[Platform, PlatformModerator],
    clock: Clock,
) -> None:
    """The decision, with the item's lock held. `interrupted` names a decision whose lock
    ran out before it finished: its platform call may have happened, so this one's own
    platform call is made even where the stored state says it is not needed."""
    # Read after taking the lock: another decision may have changed it a moment ago.
    stored = store.get(item.comment_key)
    if stored is None:
        raise ReviewError(f"comment {item.comment_key} is missing from the store")
    comment = stored.classified.comment
    moderator = moderators.get(comment.platform)
    state = stored.platform_state
    uncertain = bool(interrupted)

    if decision.kind is DecisionKind.ESCALATE:
        # The escalation item is written before the review item closes: if the close fails,
        # the comment is in both queues until someone decides, never in neither.
        store.save(
            [
                ProcessedComment(
                    stored.classified,
                    state,
                    (
                        QueueEntry(
                            Route.ESCALATIONS,
                            f"escalated by {decision.by}: {decision.reason}",
                            urgent=True,
                        ),
                    ),
                )
            ]
        )

    restore_on_platform = state is PlatformState.HIDDEN or (
        uncertain and state is PlatformState.PENDING_REVIEW
    )
    if decision.kind is DecisionKind.RESTORE and restore_on_platform:
        if moderator is None:
            raise ReviewError(
                f"cannot restore on {comment.platform.value}: no connector is configured"
            )
        try:
            moderator.restore(comment)
        except PlatformError as exc:
            raise ReviewError(
                f"{comment.platform.value} refused the restore: {exc}", transient=exc.transient
            ) from None
        store.set_platform_state(
            comment.key,
            PlatformState.RESTORED,
            AuditEvent(
                clock.now(),
                decision.by,
                "unhidden",
                comment.key,
                f"unhidden on {comment.platform.value}",
                item.item_id,
            ),
        )
    hide_on_platform = state is PlatformState.PENDING_REVIEW or (
        uncertain and state is PlatformState.HIDDEN
    )
    if decision.kind is DecisionKind.CONFIRM and hide_on_platform and moderator is not None:
        try:
            moderator.hide(comment)
        except PlatformError as exc:
            raise ReviewError(f"{comment.platform.value} refused the hide: {exc}") from None
        again = f" again ({interrupted} cut short)" if uncertain else ""
        store.set_platform_state(
            comment.key,
            PlatformState.HIDDEN,
            AuditEvent(
                clock.now(),
                decision.by,
                "hidden",
                comment.key,
                f"hidden on {comment.platform.value} after review{again}",
                item.item_id,
            ),
        )

    try:
        store.close_item(
            item.item_id,
            _CLOSES_AS[decision.kind],
            AuditEvent(
                decision.decided_at,
                decision.by,
                decision.kind.value,
                comment.key,
                decision.reason,
                item.item_id,
            ),
            token=token,
        )
    except DecisionInProgress as taken:  # this decision outlived its hold: say so
        raise ReviewError(str(taken), transient=True) from None
    except LookupError as gone:
        if type(gone) is not LookupError:  # a KeyError is a bug, not a closed item
            raise
        raise ReviewError(str(gone)) from None
