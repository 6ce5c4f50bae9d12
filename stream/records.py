"""The stream's own messages: what moderation.actions, comms.queue, alerts, deadletter and
service.complaints carry.

Each is a `moderation.wire.Message` (the same envelope, version and strict decoding as
comments and verdicts), and `StreamMessage` is the discriminated union of every message on
every topic, so any payload can be told apart and checked by its `type`.
"""

from __future__ import annotations

import base64
from datetime import datetime
from functools import cached_property
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AwareDatetime,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    computed_field,
    field_serializer,
    model_validator,
)

from moderation import wire
from moderation.comment import Comment
from moderation.review import PlatformState
from moderation.verdict import Action, Route, Verdict
from moderation.wire import Message, WireError
from store.base import ProcessedComment, QueueEntry

WIRE_VERSION = wire.WIRE_VERSION


def author_of(processed: ProcessedComment) -> str:
    """Who wrote it, as `platform:author` (the id when known, else the handle)."""
    c = processed.classified.comment
    return f"{c.platform.value}:{c.author_id or c.author_handle}"


class Record(Message):
    """A message of the stream's own: written with `encode()`, read with `decode(data)`."""

    @classmethod
    def decode(cls, data: bytes | str) -> Self:
        """The record in `data`, checked field by field; `WireError` otherwise."""
        return wire.decode(data, cls)


class ActionRecord(Record):
    """What was done with one comment (one per comment on moderation.actions)."""

    type: Literal["action"] = "action"
    comment_key: str
    author: str
    action: Action
    platform_state: PlatformState
    categories: tuple[str, ...] = ()
    queues: tuple[Route, ...] = ()
    created_at: AwareDatetime


def encode_action(processed: ProcessedComment) -> bytes:
    c, v = processed.classified.comment, processed.classified.verdict
    return ActionRecord(
        comment_key=c.key,
        author=author_of(processed),
        action=v.action,
        platform_state=processed.platform_state,
        categories=tuple(x.value for x in v.categories),
        queues=tuple(e.queue for e in processed.queue_entries),
        created_at=c.created_at,
    ).encode()


class CommsQueueRecord(Record):
    """A comment for a queue, with the services its complaint names."""

    type: Literal["queue_entry"] = "queue_entry"
    comment_key: str
    queue: Route
    reason: str
    urgent: bool = False
    services: tuple[str, ...] = ()
    created_at: AwareDatetime
    comment: Comment
    verdict: Verdict


def encode_queue_entry(processed: ProcessedComment, entry: QueueEntry) -> bytes:
    cc = processed.classified
    return CommsQueueRecord(
        comment_key=cc.comment.key,
        queue=entry.queue,
        reason=entry.reason,
        urgent=entry.urgent,
        services=tuple(sorted({n.service for n in cc.verdict.comms if n.service})),
        created_at=cc.comment.created_at,
        comment=cc.comment,
        verdict=cc.verdict,
    ).encode()


class Alert(Record):
    """A pattern over many comments: a spike of complaints about one service, or one
    author's comments hidden again and again."""

    type: Literal["alert"] = "alert"
    kind: str  # "service_spike" | "repeated_abuse"
    subject: str  # the service, or the author (platform:author)
    count: int
    window_start: AwareDatetime
    window_end: AwareDatetime
    comment_keys: tuple[str, ...] = ()
    raised_at: AwareDatetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def description(self) -> str:
        return self.describe()

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


class DeadLetterRecord(Record):
    """A message the stream could not handle, with why, and where it came from.

    The payload travels as text when it is UTF-8 and in base64 when it is not
    (`payload_encoding` says which), so it is read in lax mode, after that conversion."""

    model_config = ConfigDict(strict=False)
    type: Literal["dead_letter"] = "dead_letter"
    stage: str
    reason: str
    topic: str
    partition: int
    offset: int
    payload: bytes
    at: AwareDatetime

    @model_validator(mode="before")
    @classmethod
    def _payload_bytes(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("payload_encoding") == "base64":
            encoded = data.get("payload")
            if not isinstance(encoded, str):
                raise ValueError("a base64 payload must be a string")
            data = {**data, "payload": base64.b64decode(encoded, validate=True)}
        return data

    @cached_property
    def _utf8(self) -> str | None:
        """The payload as text when it is UTF-8, else None: decoded once, however many times
        the record is written or shown (a dead payload may be up to a message's size)."""
        try:
            return self.payload.decode("utf-8")
        except UnicodeDecodeError:
            return None

    @field_serializer("payload")
    def _payload_text(self, payload: bytes) -> str:
        text = self._utf8
        return text if text is not None else base64.b64encode(payload).decode("ascii")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def payload_encoding(self) -> str:
        return "base64" if self._utf8 is None else "utf-8"

    @property
    def payload_text(self) -> str:
        """The original payload as text (undecodable bytes are shown as U+FFFD)."""
        text = self._utf8
        return text if text is not None else self.payload.decode("utf-8", errors="replace")


class ServiceComplaint(Record):
    """One comment complaining about one service (keyed by service, for counting)."""

    type: Literal["service_complaint"] = "service_complaint"
    service: str
    comment_key: str
    created_at: AwareDatetime


StreamMessage = Annotated[
    wire.CommentMessage
    | wire.ClassifiedMessage
    | wire.DecisionMessage
    | ActionRecord
    | CommsQueueRecord
    | Alert
    | DeadLetterRecord
    | ServiceComplaint,
    Field(discriminator="type"),
]
_ANY_MESSAGE: TypeAdapter[StreamMessage] = TypeAdapter(StreamMessage)


def decode_any(data: bytes | str) -> Message:
    """Whatever message `data` holds, told apart by its `type`; `WireError` otherwise."""
    try:
        message = _ANY_MESSAGE.validate_json(data)
    except ValidationError as exc:
        raise WireError(wire.describe(exc, "known", tagged=True)) from None
    assert isinstance(message, Message)
    return message


def message_type(data: bytes | str) -> str | None:
    """The `type` of a valid message, or None when it is not one."""
    try:
        return decode_any(data).type
    except WireError:
        return None


def service_complaints(processed: ProcessedComment) -> list[ServiceComplaint]:
    """One record per service a comment's comms notes name."""
    cc = processed.classified
    services = sorted({n.service for n in cc.verdict.comms if n.service})
    return [
        ServiceComplaint(service=s, comment_key=cc.comment.key, created_at=cc.comment.created_at)
        for s in services
    ]
