"""Hostile comments and payloads, generated (Hypothesis): the wire codecs, file import, the
webhook receiver's parsing and the classifier take whatever they are given without
crashing or hanging, and every rejection says why.

Each property runs a bounded number of examples (the whole file takes about 15 seconds);
a failure is kept in .hypothesis/ and tried first next time. The text strategy mixes
arbitrary Unicode with what attackers actually send: rich markup, terminal escapes,
direction overrides, half an emoji (a lone surrogate), NUL, template and format syntax.
"""

from __future__ import annotations

import json
import math
import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from houserules.bootstrap import build_classifier, load_model
from houserules.config import load_registers, load_rules
from houserules.settings import Settings
from ingest.files import ImportFileError, read_comments
from ingest.webhook_payloads import Accounts, MalformedDelivery, parse_delivery
from moderation import wire
from moderation.comment import MAX_COMMENT_CHARS, Comment, Platform, Surface
from moderation.outside_text import visible
from moderation.review import Decision, DecisionKind
from moderation.verdict import Action, Verdict
from moderation.wire import Message, WireError
from stream import records

pytestmark = pytest.mark.timeout(120)  # a hang fails the test instead of stalling the run

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE_PIECES = [
    "[/x]",
    "[conceal]",
    "[/conceal]",
    "[bold red on black]",
    "\x1b[2J",
    "\x1b]0;owned\x07",
    "\x9b31m",
    "\u202e",
    "\u2066",
    "\r",
    "\n",
    "\x00",
    "\ud83d",
    "\udc00",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "%s%n%d",
    "\\",
    '"',
    "'",
    "🙂",
    "👩\u200d👩\u200d👧",
    "Ｆｕｃｋ",
    "k n o b h e a d",
    "@Cllr_Smith",
    "07700 900123",
    "https://bit.ly/x",
    "I will find you",
    "\ufeff",
    "\u0000\u0001\u007f",
]
hostile_text = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE_PIECES)), max_size=25
).map("".join)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),  # NaN and infinities too: json.dumps writes them, json.loads reads them
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=12,
)


# The wire codecs


DECODERS = [
    wire.decode_comment,
    wire.decode_classified,
    wire.decode_decision,
    records.ActionRecord.decode,
    records.CommsQueueRecord.decode,
    records.Alert.decode,
    records.DeadLetterRecord.decode,
    records.ServiceComplaint.decode,
    records.decode_any,
]
MESSAGE_TYPES = [
    "comment",
    "classified",
    "decision",
    "action",
    "queue_entry",
    "alert",
    "dead_letter",
    "service_complaint",
]


def decoded_or_refused(decode: Any, data: bytes | str) -> None:
    try:
        found = decode(data)
    except WireError as refused:
        assert str(refused).strip(), "a refusal says why"
        return
    assert isinstance(found, (Message, Comment, Decision)) or hasattr(found, "verdict")


@FUZZ
@given(decode=st.sampled_from(DECODERS), data=st.binary(max_size=600))
def test_any_bytes_are_a_message_or_a_refusal_with_a_reason(decode: Any, data: bytes) -> None:
    decoded_or_refused(decode, data)


@FUZZ
@given(
    decode=st.sampled_from(DECODERS),
    kind=st.sampled_from(MESSAGE_TYPES),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "v",
                "comment",
                "verdict",
                "decision",
                "platform",
                "comment_id",
                "text",
                "created_at",
                "item_id",
                "kind",
                "by",
                "reason",
                "decided_at",
                "comment_key",
                "action",
                "payload",
                "service",
            ]
        ),
        json_values,
        max_size=8,
    ),
)
def test_messages_with_hostile_fields_are_read_or_refused_with_a_reason(
    decode: Any, kind: str, fields: dict[str, Any]
) -> None:
    document = {"v": 1, "type": kind, **fields}
    decoded_or_refused(decode, json.dumps(document))


comments = st.builds(
    Comment,
    platform=st.sampled_from(Platform),
    surface=st.sampled_from(Surface),
    comment_id=hostile_text.filter(bool),
    text=hostile_text,
    created_at=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    author_handle=hostile_text,
    author_id=hostile_text,
    post_context=hostile_text,
    raw=st.dictionaries(hostile_text, json_values, max_size=3),
)


def _same(a: Any, b: Any) -> bool:
    """Equal, where a number JSON cannot hold (NaN, an infinity: json.loads reads them in
    a platform's raw fields) comes back as null."""
    if isinstance(a, float) and not math.isfinite(a):
        return b is None
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@FUZZ
@given(comment=comments)
def test_any_comment_goes_over_the_wire_and_comes_back_the_same(comment: Comment) -> None:
    back = wire.decode_comment(wire.encode_comment(comment))
    assert back.key == comment.key and back.text == comment.text
    assert back.created_at == comment.created_at
    assert _same(dict(comment.raw), dict(back.raw))
    comment.text.encode("utf-8")  # never half a character: every store can write it


@FUZZ
@given(by=hostile_text, reason=hostile_text)
def test_any_decision_is_attributed_and_explained_or_refused(by: str, reason: str) -> None:
    try:
        decision = Decision(1, DecisionKind.CONFIRM, by, reason, datetime.now(UTC))
    except ValueError as refused:
        assert "must" in str(refused)
        return
    assert wire.decode_decision(wire.encode_decision(decision)) == decision


# File import


LINE_PIECES = [
    b'{"id": "1", "platform": "facebook", "text": "Bins missed again"}',
    b'{"id": "2", "platform": "nextdoor", "text": "caf\xe9"}',
    b'{"id": "3", "platform": "x", "text": "\\ud83d half an emoji"}',
    b'{"id": 4, "platform": ["x"], "text": {"a": 1}, "created_at": 12}',
    b"id,platform,text",
    b'5,nextdoor,"a quoted, field',
    b'still the field"',
    b"[" * 50,
    b"\x00\xff\xfe",
    b"\xef\xbb\xbf",
    b"",
]


@FUZZ
@given(
    suffix=st.sampled_from([".jsonl", ".csv", ".json"]),
    lines=st.lists(
        st.one_of(
            st.sampled_from(LINE_PIECES),
            st.binary(max_size=80),
            json_values.map(lambda v: json.dumps(v).encode()),
            st.dictionaries(
                st.sampled_from(["id", "platform", "text", "surface", "created_at", "author"]),
                json_values,
            ).map(lambda v: json.dumps(v).encode()),
        ),
        max_size=12,
    ),
    ending=st.sampled_from([b"\n", b"\r\n"]),
)
def test_any_file_imports_its_good_rows_and_names_each_bad_one(
    suffix: str, lines: list[bytes], ending: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"export{suffix}"
        file.write_bytes(ending.join(lines))
        try:
            result = read_comments(file)
        except ImportFileError as refused:
            assert str(refused).startswith(str(file)) and len(str(refused)) > len(str(file)) + 2
            return
    for bad in result.rejected:
        assert bad.line >= 1 and bad.reason.strip()
    for row in result.rows:
        assert row.line >= 1 and row.comment.text.strip()
        assert len(row.comment.text) <= MAX_COMMENT_CHARS
        row.comment.text.encode("utf-8")
    keys = [r.comment.key for r in result.rows]
    assert len(keys) == len(set(keys)), "a comment id is imported once"


# The webhook receiver: payloads signed with the right secret, so parsing is what is tested.


def deliver(platform: str, body: bytes) -> tuple[int, bytes, list[Comment]]:
    """What the receiver makes of a correctly signed `body`: 200 and the comments it holds,
    or 400 with the reason (`MalformedDelivery`); anything else escaping is a crash."""
    try:
        delivery = parse_delivery(platform, body, Accounts())  # type: ignore[arg-type]
    except MalformedDelivery as refused:
        return 400, str(refused).encode(), []
    return 200, f"{len(delivery.comments)} comments".encode(), delivery.comments


def maybe(value: Any) -> Any:
    """A field as Meta sends it, or anything else in its place."""
    return st.one_of(st.just(value), json_values)


page_changes = st.fixed_dictionaries(
    {
        "field": maybe("feed"),
        "value": st.one_of(
            st.fixed_dictionaries(
                {
                    "item": maybe("comment"),
                    "verb": maybe("add"),
                    "comment_id": st.one_of(hostile_text, json_values),
                    "post_id": maybe("1000_1"),
                    "parent_id": maybe("1000_1"),
                    "message": hostile_text,
                    "created_time": st.one_of(
                        st.integers(min_value=-(10**20), max_value=10**20), json_values
                    ),
                    "from": st.one_of(
                        st.fixed_dictionaries({"id": maybe("77"), "name": hostile_text}),
                        json_values,
                    ),
                }
            ),
            json_values,
        ),
    }
)
instagram_changes = st.fixed_dictionaries(
    {
        "field": st.sampled_from(["comments", "mentions", "live_comments"]),
        "value": st.one_of(
            st.fixed_dictionaries(
                {
                    "id": st.one_of(hostile_text, json_values),
                    "text": hostile_text,
                    "from": st.one_of(
                        st.fixed_dictionaries({"id": maybe("55"), "username": hostile_text}),
                        json_values,
                    ),
                    "media": st.one_of(st.fixed_dictionaries({"id": maybe("m1")}), json_values),
                    "timestamp": st.one_of(hostile_text, json_values),
                }
            ),
            json_values,
        ),
    }
)
deliveries = st.fixed_dictionaries(
    {
        "object": st.one_of(st.sampled_from(["page", "instagram"]), json_values),
        "entry": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "id": maybe("1000"),
                        "time": st.one_of(
                            st.integers(min_value=-(10**25), max_value=10**25),
                            st.floats(),
                            json_values,
                        ),
                        "changes": st.one_of(
                            st.lists(st.one_of(page_changes, instagram_changes), max_size=3),
                            json_values,
                        ),
                    }
                ),
                max_size=3,
            ),
            json_values,
        ),
    }
)


@FUZZ
@given(platform=st.sampled_from(["facebook", "instagram"]), payload=deliveries)
def test_any_signed_delivery_is_taken_or_refused_with_a_400_never_a_crash(
    platform: str, payload: dict[str, Any]
) -> None:
    status, answer, sent = deliver(platform, json.dumps(payload).encode())
    assert status in (200, 400), f"{status} {answer!r}"
    assert answer.strip(), "every answer says what happened"
    for comment in sent:
        assert isinstance(comment, Comment)
        comment.text.encode("utf-8")


@FUZZ
@given(platform=st.sampled_from(["facebook", "instagram"]), body=st.binary(max_size=400))
def test_any_signed_body_that_is_not_a_delivery_is_a_400(platform: str, body: bytes) -> None:
    status, answer, _ = deliver(platform, body)
    assert status in (200, 400) and answer.strip()


# The classifier


@cache
def classifier() -> Any:
    settings_ = Settings()
    return build_classifier(load_rules(), load_registers(), load_model(settings_))


@settings(FUZZ, max_examples=60)
@given(text=hostile_text, surface=st.sampled_from(Surface), platform=st.sampled_from(Platform))
def test_any_text_gets_a_verdict_whose_evidence_points_into_it(
    text: str, surface: Surface, platform: Platform
) -> None:
    comment = Comment(platform, surface, "fuzz-1", text, datetime.now(UTC))
    (verdict,) = classifier().classify([comment])
    assert isinstance(verdict, Verdict) and verdict.comment_key == comment.key
    assert verdict.action in Action
    for finding in verdict.findings:
        assert 0.0 <= finding.score <= 1.0
        for evidence in finding.evidence:
            assert -1 <= evidence.start <= evidence.end <= len(comment.text)
            visible(evidence.description)  # shown to officers: always printable
    if verdict.action is not Action.ALLOW:
        assert verdict.explain().strip()
