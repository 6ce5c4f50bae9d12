"""The stream's own messages: what moderation.actions, comms.queue and deadletter carry.

Same envelope as `moderation.wire` (`"v"` and `"type"`), same promise: decoding checks the
version and type and raises `WireError` naming what is wrong. Comments and verdicts inside
them use `moderation.wire`'s dictionaries, so a consumer never meets a second format.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moderation import wire
from moderation.review import PlatformState
from moderation.verdict import Action, Route
from moderation.wire import WireError
from store.base import ProcessedComment, QueueEntry

WIRE_VERSION = wire.WIRE_VERSION


@contextmanager
def _fields_of(data: bytes | str, kind: str) -> Iterator[dict[str, Any]]:
    """The fields of a `kind` message; a missing or malformed one inside the block becomes
    a `WireError` naming the message type."""
    obj = wire.open_envelope(data, kind)
    try:
        yield obj
    except WireError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise WireError(f"{kind}: {exc.__class__.__name__}: {exc}") from None


def message_type(data: bytes | str) -> str | None:
    """The `type` of an envelope, or None when it is not one."""
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    kind = obj.get("type") if isinstance(obj, dict) else None
    return kind if isinstance(kind, str) else None


def author_of(processed: ProcessedComment) -> str:
    """Who wrote it, as `platform:author` (the id when known, else the handle)."""
    c = processed.classified.comment
    return f"{c.platform.value}:{c.author_id or c.author_handle}"


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """What was done with one comment (one per comment on moderation.actions)."""

    comment_key: str
    author: str
    action: Action
    platform_state: PlatformState
    categories: tuple[str, ...]
    queues: tuple[Route, ...]
    created_at: datetime


def encode_action(processed: ProcessedComment) -> bytes:
    c, v = processed.classified.comment, processed.classified.verdict
    return wire.envelope(
        "action",
        {
            "comment_key": c.key,
            "author": author_of(processed),
            "action": v.action.value,
            "platform_state": processed.platform_state.value,
            "categories": [x.value for x in v.categories],
            "queues": [e.queue.value for e in processed.queue_entries],
            "created_at": c.created_at.isoformat(),
        },
    )


def decode_action(data: bytes | str) -> ActionRecord:
    with _fields_of(data, "action") as obj:
        return ActionRecord(
            comment_key=str(obj["comment_key"]),
            author=str(obj["author"]),
            action=Action(obj["action"]),
            platform_state=PlatformState(obj["platform_state"]),
            categories=tuple(str(x) for x in obj.get("categories", [])),
            queues=tuple(Route(x) for x in obj.get("queues", [])),
            created_at=_aware(obj["created_at"], "created_at"),
        )


def _aware(value: Any, key: str) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise WireError(f"field '{key}' has no timezone: {value!r}")
    return parsed


@dataclass(frozen=True, slots=True)
class CommsQueueRecord:
    """A comment for the comms team, with the services its complaint names."""

    comment_key: str
    reason: str
    urgent: bool
    services: tuple[str, ...]
    created_at: datetime


def encode_queue_entry(processed: ProcessedComment, entry: QueueEntry) -> bytes:
    cc = processed.classified
    return wire.envelope(
        "queue_entry",
        {
            "comment_key": cc.comment.key,
            "queue": entry.queue.value,
            "reason": entry.reason,
            "urgent": entry.urgent,
            "services": sorted({n.service for n in cc.verdict.comms if n.service}),
            "created_at": cc.comment.created_at.isoformat(),
            "comment": wire.comment_to_dict(cc.comment),
            "verdict": wire.verdict_to_dict(cc.verdict),
        },
    )


def decode_queue_entry(data: bytes | str) -> CommsQueueRecord:
    with _fields_of(data, "queue_entry") as obj:
        return CommsQueueRecord(
            comment_key=str(obj["comment_key"]),
            reason=str(obj["reason"]),
            urgent=bool(obj.get("urgent", False)),
            services=tuple(str(s) for s in obj.get("services", [])),
            created_at=_aware(obj["created_at"], "created_at"),
        )


@dataclass(frozen=True, slots=True)
class Alert:
    """A pattern over many comments: a spike of complaints about one service, or one
    author's comments hidden again and again."""

    kind: str  # "service_spike" | "repeated_abuse"
    subject: str  # the service, or the author (platform:author)
    count: int
    window_start: datetime
    window_end: datetime
    comment_keys: tuple[str, ...]
    raised_at: datetime

    def describe(self) -> str:
        what = (
            f"spike: {self.count} complaints about {self.subject}"
            if self.kind == "service_spike"
            else f"repeated abuse: {self.count} hidden comments from {self.subject}"
        )
        return f"{what} between {_span(self.window_start, self.window_end)}"


def _span(start: datetime, end: datetime) -> str:
    """'2026-11-20 09:00 and 09:15 UTC'; the end's date is given when it differs."""
    end_format = "%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M} and {end.strftime(end_format)} UTC"


def encode_alert(alert: Alert) -> bytes:
    return wire.envelope(
        "alert",
        {
            "kind": alert.kind,
            "subject": alert.subject,
            "count": alert.count,
            "window_start": alert.window_start.isoformat(),
            "window_end": alert.window_end.isoformat(),
            "comment_keys": list(alert.comment_keys),
            "raised_at": alert.raised_at.isoformat(),
            "description": alert.describe(),
        },
    )


def decode_alert(data: bytes | str) -> Alert:
    with _fields_of(data, "alert") as obj:
        return Alert(
            kind=str(obj["kind"]),
            subject=str(obj["subject"]),
            count=int(obj["count"]),
            window_start=_aware(obj["window_start"], "window_start"),
            window_end=_aware(obj["window_end"], "window_end"),
            comment_keys=tuple(str(k) for k in obj.get("comment_keys", [])),
            raised_at=_aware(obj["raised_at"], "raised_at"),
        )


@dataclass(frozen=True, slots=True)
class DeadLetterRecord:
    """A message the stream could not handle, with why, and where it came from."""

    stage: str
    reason: str
    topic: str
    partition: int
    offset: int
    payload: bytes
    at: datetime

    @property
    def payload_text(self) -> str:
        """The original payload as text (undecodable bytes are shown as U+FFFD)."""
        return self.payload.decode("utf-8", errors="replace")


def encode_dead_letter(record: DeadLetterRecord) -> bytes:
    try:
        payload, encoding = record.payload.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        payload, encoding = base64.b64encode(record.payload).decode("ascii"), "base64"
    return wire.envelope(
        "dead_letter",
        {
            "stage": record.stage,
            "reason": record.reason,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "payload": payload,
            "payload_encoding": encoding,
            "at": record.at.isoformat(),
        },
    )


def decode_dead_letter(data: bytes | str) -> DeadLetterRecord:
    with _fields_of(data, "dead_letter") as obj:
        raw = str(obj["payload"])
        payload = base64.b64decode(raw) if obj.get("payload_encoding") == "base64" else raw.encode()
        return DeadLetterRecord(
            stage=str(obj["stage"]),
            reason=str(obj["reason"]),
            topic=str(obj["topic"]),
            partition=int(obj["partition"]),
            offset=int(obj["offset"]),
            payload=payload,
            at=_aware(obj["at"], "at"),
        )


@dataclass(frozen=True, slots=True)
class ServiceComplaint:
    """One comment complaining about one service (keyed by service, for counting)."""

    service: str
    comment_key: str
    created_at: datetime


def encode_service_complaint(complaint: ServiceComplaint) -> bytes:
    return wire.envelope(
        "service_complaint",
        {
            "service": complaint.service,
            "comment_key": complaint.comment_key,
            "created_at": complaint.created_at.isoformat(),
        },
    )


def decode_service_complaint(data: bytes | str) -> ServiceComplaint:
    with _fields_of(data, "service_complaint") as obj:
        return ServiceComplaint(
            service=str(obj["service"]),
            comment_key=str(obj["comment_key"]),
            created_at=_aware(obj["created_at"], "created_at"),
        )


def service_complaints(processed: ProcessedComment) -> list[ServiceComplaint]:
    """One record per service a comment's comms notes name."""
    cc = processed.classified
    services = sorted({n.service for n in cc.verdict.comms if n.service})
    return [ServiceComplaint(s, cc.comment.key, cc.comment.created_at) for s in services]
