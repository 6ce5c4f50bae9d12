"""The versioned JSON wire format: what Kafka topics carry and what the stores keep.

Every message is a JSON object with `"v"` (the format version) and `"type"`. Each kind of
message is a pydantic model (a `Message` naming its `type`) whose fields are the core's own
dataclasses: a comment's fields are declared once, on `Comment`, and pydantic both writes and
checks them. `stream.records.StreamMessage` is the discriminated union of every kind.

Decoding is strict (a number is not a string, an unknown platform is refused, a date-time
must carry its timezone) and raises `WireError` naming the field that is wrong, so a bad
message can be sent to the dead-letter queue with its reason instead of stopping the stream.
Fields a newer writer adds are ignored, so a reader can be upgraded after its writers.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from moderation.comment import Comment
from moderation.review import Decision
from moderation.verdict import ClassifiedComment, Verdict

WIRE_VERSION: Literal[1] = 1


class WireError(ValueError):
    """A message that cannot be decoded; the text says which field and why."""


class Message(BaseModel):
    """What every message shares: the format version and its type."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)

    v: Literal[1] = WIRE_VERSION
    type: str

    def encode(self) -> bytes:
        """The message as UTF-8 JSON."""
        return self.model_dump_json().encode()


M = TypeVar("M", bound=Message)


def decode(data: bytes | str, kind: type[M]) -> M:
    """The `kind` message in `data`, checked field by field; `WireError` otherwise."""
    try:
        return kind.model_validate_json(data)
    except ValidationError as exc:
        raise WireError(describe(exc, _type_name(kind))) from None


def describe(exc: ValidationError, expected: str, tagged: bool = False) -> str:
    """One line naming what is wrong, the envelope's faults (JSON, version, type) first.
    `tagged`: the errors come from the union of every message, each under its type."""
    errors = exc.errors(include_url=False)
    for error in errors:
        if error["type"] == "union_tag_invalid":
            return f"expected a '{expected}' message, got type {_input(error)}"
        if error["type"] == "union_tag_not_found":
            return "message has no 'type'"
    if tagged:
        for error in errors:
            error["loc"] = error["loc"][1:]
    for error in errors:
        if error["type"] in ("json_invalid", "json_type"):
            return f"not valid JSON: {error['msg']}"
        if (
            error["type"] in ("model_type", "model_attributes_type", "dict_type")
            and not error["loc"]
        ):
            return "message is not a JSON object"
    for error in errors:
        if error["loc"] == ("v",):
            return f"unsupported wire version {_input(error)}; this build reads {WIRE_VERSION}"
    for error in errors:
        if error["loc"][:1] == ("type",):
            return f"expected a '{expected}' message, got type {_input(error)}"
    return "; ".join(_field_fault(expected, error) for error in errors[:3])


def _input(error: ErrorDetails) -> str:
    value = error.get("input")
    if error["type"] == "union_tag_invalid" and isinstance(error.get("ctx"), dict):
        value = error["ctx"]["tag"]
    if error["type"] == "missing" or isinstance(value, dict):
        return "None"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _field_fault(expected: str, error: ErrorDetails) -> str:
    """`comment: field 'platform' is 'myspace': Input should be ...` and the like."""
    *parents, leaf = error["loc"] or ("?",)
    where = expected
    for part in parents:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    if error["type"] == "missing":
        return f"{where}: missing field '{leaf}'"
    if error["type"] == "timezone_aware":
        return f"{where}: field '{leaf}' has no timezone: {_input(error)}"
    if error["type"] == "value_error":  # a check of the core's own, e.g. a naive created_at
        where += "" if leaf == "?" else f".{leaf}"
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    return f"{where}: field '{leaf}' is {_input(error)}: {error['msg']}"


def _type_name(kind: type[Message]) -> str:
    default = kind.model_fields["type"].default
    return str(default) if isinstance(default, str) else kind.__name__


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(kind: type) -> TypeAdapter[Any]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def to_data(value: Comment | Verdict | Decision) -> dict[str, Any]:
    """A core object as the JSON-ready dictionary the wire carries (for `--json` output)."""
    data = _adapter(type(value)).dump_python(value, mode="json")
    assert isinstance(data, dict)
    return data


class CommentMessage(Message):
    """A comment as read from a platform (comments.raw)."""

    type: Literal["comment"] = "comment"
    comment: Comment


class ClassifiedMessage(Message):
    """A comment with the verdict on it (comments.classified, and the stores' copy)."""

    type: Literal["classified"] = "classified"
    comment: Comment
    verdict: Verdict


class DecisionMessage(Message):
    """A reviewer's decision on a queue item (review.decisions)."""

    type: Literal["decision"] = "decision"
    decision: Decision


def encode_comment(c: Comment) -> bytes:
    return CommentMessage.model_construct(comment=c).encode()


def decode_comment(data: bytes | str) -> Comment:
    return decode(data, CommentMessage).comment


def encode_classified(cc: ClassifiedComment) -> bytes:
    return ClassifiedMessage.model_construct(comment=cc.comment, verdict=cc.verdict).encode()


def decode_classified(data: bytes | str) -> ClassifiedComment:
    message = decode(data, ClassifiedMessage)
    return ClassifiedComment(message.comment, message.verdict)


def encode_decision(dec: Decision) -> bytes:
    return DecisionMessage.model_construct(decision=dec).encode()


def decode_decision(data: bytes | str) -> Decision:
    return decode(data, DecisionMessage).decision
