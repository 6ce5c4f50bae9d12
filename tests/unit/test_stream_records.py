"""The stream's own messages share the wire format: one envelope, strict fields, and one
discriminated union that tells any message on any topic apart by its type."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from moderation import wire
from moderation.review import Decision, DecisionKind
from moderation.verdict import Action, Route
from stream import records

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def an_alert() -> records.Alert:
    return records.Alert(
        kind="service_spike",
        subject="waste",
        count=12,
        window_start=WHEN,
        window_end=WHEN + timedelta(minutes=15),
        comment_keys=("facebook:1", "x:2"),
        raised_at=WHEN + timedelta(minutes=16),
    )


def test_an_alert_survives_the_wire_and_carries_its_description() -> None:
    alert = an_alert()
    payload = alert.encode()
    assert records.Alert.decode(payload) == alert
    body = json.loads(payload)
    assert body["v"] == wire.WIRE_VERSION and body["type"] == "alert"
    assert (
        body["description"]
        == "spike: 12 complaints about waste between 2026-11-20 09:30 and 09:45 UTC"
    )


@pytest.mark.parametrize("payload", [b'{"ok": true}', b"\xff\xfe not text", b"plain text"])
def test_a_dead_letter_keeps_its_payload_byte_for_byte(payload: bytes) -> None:
    letter = records.DeadLetterRecord(
        stage="decode",
        reason="undecodable",
        topic="comments.raw",
        partition=2,
        offset=41,
        payload=payload,
        at=WHEN,
    )
    encoded = letter.encode()
    assert json.loads(encoded)["payload_encoding"] == ("base64" if payload[0] == 0xFF else "utf-8")
    assert records.DeadLetterRecord.decode(encoded) == letter


def test_an_action_record_refuses_an_unknown_action() -> None:
    record = records.ActionRecord(
        comment_key="x:1",
        author="x:99",
        action=Action.HIDE,
        platform_state=records.PlatformState.HIDDEN,
        categories=("threat",),
        queues=(Route.ESCALATIONS,),
        created_at=WHEN,
    )
    body = json.loads(record.encode())
    assert records.ActionRecord.decode(json.dumps(body)) == record
    body["action"] = "delete"
    with pytest.raises(wire.WireError, match="action: field 'action' is 'delete'"):
        records.ActionRecord.decode(json.dumps(body))


def test_any_message_is_told_apart_by_its_type() -> None:
    decision = Decision(3, DecisionKind.CONFIRM, "Sam Patel", "abuse", WHEN)
    complaint = records.ServiceComplaint(service="waste", comment_key="x:1", created_at=WHEN)
    messages = [wire.encode_decision(decision), an_alert().encode(), complaint.encode()]
    assert [records.message_type(m) for m in messages] == ["decision", "alert", "service_complaint"]
    assert records.decode_any(messages[0]) == wire.DecisionMessage(decision=decision)


@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        (b'{"v": 1, "type": "gossip"}', "expected a 'known' message, got type 'gossip'"),
        (b'{"v": 2, "type": "alert"}', "unsupported wire version 2"),
        (b"[1, 2]", "not a JSON object"),
    ],
)
def test_an_unknown_message_is_refused_with_the_reason(payload: bytes, complaint: str) -> None:
    assert records.message_type(payload) is None
    with pytest.raises(wire.WireError, match=complaint):
        records.decode_any(payload)


class CountedBytes(bytes):
    """Bytes that count how often they are decoded."""

    decoded = 0

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        CountedBytes.decoded += 1
        return super().decode(encoding, errors)


@pytest.mark.parametrize("payload", [b'{"ok": true}', b"\xff\xfe not text"])
def test_a_dead_letters_payload_is_decoded_once_when_it_is_written(payload: bytes) -> None:
    CountedBytes.decoded = 0
    letter = records.DeadLetterRecord.model_construct(
        stage="decode",
        reason="undecodable",
        topic="comments.raw",
        partition=0,
        offset=7,
        payload=CountedBytes(payload),
        at=WHEN,
    )
    body = json.loads(letter.encode())
    assert CountedBytes.decoded == 1
    assert body["payload_encoding"] == ("utf-8" if payload.isascii() else "base64")
    assert records.DeadLetterRecord.decode(json.dumps(body)).payload == payload
