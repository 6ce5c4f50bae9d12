"""Domain objects to Elasticsearch documents and back.

A comment document carries searchable, aggregatable fields for the dashboards and, under
`wire`, the comment and verdict in the versioned wire format, which is what reads decode:
the flat fields can grow without changing what `get` returns.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from moderation import wire
from moderation.detectors.services import ServiceNamer
from moderation.review import AuditEvent, PlatformState, QueueItem, ReviewStatus
from moderation.verdict import Category, Route
from store.base import DeadLetter, ProcessedComment, QueueEntry, StoredComment

_ITEM_ID_MASK = (1 << 63) - 1


def item_id_for(queue: Route, comment_key: str) -> int:
    """The queue item's number: stable for (queue, comment), positive, fits in a signed long.

    Stable so a replay finds the same item, and small enough for `review restore ID`.
    """
    digest = hashlib.blake2b(
        f"{queue.value}\n{comment_key}".encode(), digest_size=8, person=b"houserules-q"
    ).digest()
    return int.from_bytes(digest, "big") & _ITEM_ID_MASK or 1


def audit_id_for(comment_key: str, position: int, event: AuditEvent) -> str:
    """A fixed id for the `position`-th audit event saved with a comment, from its content.

    A worker that retries a whole batch after an outage then cannot double the events the
    first attempt already wrote; a new event (a new time, actor or detail) gets a new id.
    """
    content = "\n".join(
        (
            comment_key,
            str(position),
            event.at.isoformat(),
            event.actor,
            event.event,
            event.comment_key,
            event.detail,
            str(event.item_id),
        )
    )
    return hashlib.blake2b(content.encode(), digest_size=16, person=b"houserules-a").hexdigest()


class Positions:
    """Increasing numbers for ordering appends: nanoseconds since the epoch, never repeated
    in this process, so the audit log and dead letters read back in the order written."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self._last = max(self._last + 1, time.time_ns())
            return self._last


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def complaint_places(text: str, categories: Iterable[str]) -> list[str]:
    """Where a service complaint says the fault is (the first street, estate or building it
    names, as the comms note gives it); none for any other comment. Both stores' dashboards
    derive it with this one rule."""
    if Category.SERVICE_COMPLAINT.value not in categories:
        return []
    place = ServiceNamer.place(text)
    return [place] if place else []


def seconds_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()


def hide_seconds(item: ProcessedComment) -> float | None:
    """How long the comment was up before houserules hid it (its first `hidden` event)."""
    created = item.classified.comment.created_at
    hidden = [e.at for e in item.audit if e.event == "hidden"]
    return seconds_between(created, min(hidden)) if hidden else None


def comment_document(item: ProcessedComment, indexed_at: datetime) -> dict[str, Any]:
    cc = item.classified
    c, v = cc.comment, cc.verdict
    scores: dict[str, float] = {}
    for finding in v.findings:
        scores[finding.category.value] = max(scores.get(finding.category.value, 0.0), finding.score)
    wire_doc = json.loads(wire.encode_classified(cc))
    return {
        "key": c.key,
        "platform": c.platform.value,
        "surface": c.surface.value,
        "comment_id": c.comment_id,
        "post_id": c.post_id,
        "parent_id": c.parent_id,
        "author_handle": c.author_handle,
        "author_id": c.author_id,
        "text": c.text,
        "post_context": c.post_context,
        "permalink": c.permalink,
        "created_at": _utc(c.created_at),
        "indexed_at": _utc(indexed_at),
        "action": v.action.value,
        "categories": [cat.value for cat in v.categories],
        "routes": [r.value for r in v.routes],
        "services": sorted({n.service for n in v.comms if n.service}),
        "fact_ids": sorted({n.fact_id for n in v.comms if n.fact_id}),
        "places": complaint_places(c.text, [cat.value for cat in v.categories]),
        "hide_on_platform": v.hide_on_platform,
        "not_hideable": v.not_hideable,
        "platform_state": item.platform_state.value,
        "rules_version": v.rules_version,
        "classifier_version": v.classifier_version,
        "referral": v.referral,
        "max_score": max(scores.values(), default=0.0),
        "hide_seconds": hide_seconds(item),
        "scores": scores,
        "findings": wire_doc["verdict"]["findings"],
        "comms": [
            {"reason": n.reason, "service": n.service, "fact_id": n.fact_id} for n in v.comms
        ],
        "wire": wire_doc,
    }


def stored_comment(source: dict[str, Any]) -> StoredComment:
    return StoredComment(
        classified=wire.decode_classified(json.dumps(source["wire"])),
        platform_state=PlatformState(source["platform_state"]),
        indexed_at=datetime.fromisoformat(source["indexed_at"]),
    )


def queue_document(
    entry: QueueEntry, item: ProcessedComment, created_at: datetime, position: int
) -> dict[str, Any]:
    comment = item.classified.comment
    return {
        "item_id": item_id_for(entry.queue, comment.key),
        "queue": entry.queue.value,
        "comment_key": comment.key,
        "platform": comment.platform.value,
        "surface": comment.surface.value,
        "categories": [c.value for c in item.classified.verdict.categories],
        "comment_created_at": _utc(comment.created_at),
        "rules_version": item.classified.verdict.rules_version,
        "classifier_version": item.classified.verdict.classifier_version,
        "reason": entry.reason,
        "urgent": entry.urgent,
        "status": ReviewStatus.OPEN.value,
        "created_at": _utc(created_at),
        "position": position,
    }


def queue_item(source: dict[str, Any], comment: dict[str, Any] | None) -> QueueItem:
    """The item with what a reviewer sees of its comment (empty if the comment is gone)."""
    comment = comment or {}
    return QueueItem(
        item_id=int(source["item_id"]),
        queue=Route(source["queue"]),
        comment_key=source["comment_key"],
        reason=source["reason"],
        status=ReviewStatus(source["status"]),
        created_at=datetime.fromisoformat(source["created_at"]),
        urgent=bool(source["urgent"]),
        platform_state=PlatformState(comment.get("platform_state", PlatformState.NONE.value)),
        text=comment.get("text", ""),
        author_handle=comment.get("author_handle", ""),
        action=comment.get("action", ""),
    )


def audit_document(event: AuditEvent, position: int) -> dict[str, Any]:
    # `at` is kept as given (not converted) so it reads back equal to what was written.
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "event": event.event,
        "comment_key": event.comment_key,
        "item_id": event.item_id,
        "detail": event.detail,
        "position": position,
    }


def audit_event(source: dict[str, Any]) -> AuditEvent:
    item_id = source.get("item_id")
    return AuditEvent(
        at=datetime.fromisoformat(source["at"]),
        actor=source["actor"],
        event=source["event"],
        comment_key=source["comment_key"],
        detail=source["detail"],
        item_id=None if item_id is None else int(item_id),
    )


def dead_letter_document(
    source: str, reason: str, payload: str, at: datetime, position: int
) -> dict[str, Any]:
    return {
        "at": at.isoformat(),
        "source": source,
        "reason": reason,
        "payload": payload,
        "position": position,
    }


def dead_letter(source: dict[str, Any]) -> DeadLetter:
    return DeadLetter(
        at=datetime.fromisoformat(source["at"]),
        source=source["source"],
        reason=source["reason"],
        payload=source["payload"],
    )
