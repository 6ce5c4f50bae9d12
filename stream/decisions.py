"""Applying a person's decision on a queue item: confirm a hide, restore, escalate a review
item to the escalations queue (with its referral route in the reason), or mark done.

Restoring unhides the comment on the platform first; only when the platform agrees is the
item closed and the restore written to the audit log. If the platform call fails the item
stays open and the error says why, so a restore is never recorded that did not happen.
"""

from __future__ import annotations

from collections.abc import Mapping

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
from store.base import ProcessedComment, QueueEntry, Store
from stream.clock import Clock

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
    stored = store.get(item.comment_key)
    if stored is None:
        raise ReviewError(f"comment {item.comment_key} is missing from the store")
    comment = stored.classified.comment
    moderator = moderators.get(comment.platform)

    if decision.kind is DecisionKind.ESCALATE:
        # The escalation item is written before the review item closes: if the close fails,
        # the comment is in both queues until someone decides, never in neither.
        store.save(
            [
                ProcessedComment(
                    stored.classified,
                    stored.platform_state,
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

    if decision.kind is DecisionKind.RESTORE and stored.platform_state is PlatformState.HIDDEN:
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
    if (
        decision.kind is DecisionKind.CONFIRM
        and stored.platform_state is PlatformState.PENDING_REVIEW
    ) and moderator is not None:
        try:
            moderator.hide(comment)
        except PlatformError as exc:
            raise ReviewError(f"{comment.platform.value} refused the hide: {exc}") from None
        store.set_platform_state(
            comment.key,
            PlatformState.HIDDEN,
            AuditEvent(
                clock.now(),
                decision.by,
                "hidden",
                comment.key,
                f"hidden on {comment.platform.value} after review",
                item.item_id,
            ),
        )

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
    )
    closed = store.item(item.item_id)
    assert closed is not None
    return closed
