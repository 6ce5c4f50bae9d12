import json
import re
from datetime import UTC, datetime

import pytest

from moderation import wire
from moderation.comment import Comment, Platform, Surface
from moderation.review import Decision, DecisionKind
from moderation.verdict import (
    Action,
    Category,
    ClassifiedComment,
    CommsNote,
    Evidence,
    Finding,
    Route,
    Verdict,
)

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def a_comment(**changes: object) -> Comment:
    fields: dict[str, object] = dict(
        platform=Platform.FACEBOOK,
        surface=Surface.OWN_PAGE,
        comment_id="123_456",
        text="Bins not collected on Elm Road again",
        created_at=WHEN,
        author_handle="Jo Bloggs",
        author_id="998",
        post_id="123",
        parent_id="",
        permalink="https://facebook.com/123_456",
        post_context="Council post about bin collections",
        raw={"message": "Bins..."},
    )
    fields.update(changes)
    return Comment(**fields)  # type: ignore[arg-type]


def a_verdict() -> Verdict:
    return Verdict(
        comment_key="facebook:123_456",
        action=Action.HIDE,
        findings=(
            Finding(
                Category.MISINFORMATION,
                0.81,
                "misinformation",
                (Evidence("misinformation", "repeats a false claim", register_entry="fr-x"),),
            ),
            Finding(
                Category.SERVICE_COMPLAINT,
                0.7,
                "service_complaint",
                (Evidence("service_complaint", "waste failing", "not collected", 5, 18),),
            ),
        ),
        routes=(Route.REVIEW, Route.COMMS),
        hide_on_platform=True,
        not_hideable=False,
        rules_version="2026.11-1",
        classifier_version="test-1",
        comms=(CommsNote("misinformation to correct", fact_id="fr-x", official_line="It is not."),),
    )


def test_a_comment_survives_the_wire_unchanged() -> None:
    c = a_comment()
    assert wire.decode_comment(wire.encode_comment(c)) == c


def test_a_classified_comment_survives_the_wire_unchanged() -> None:
    cc = ClassifiedComment(a_comment(), a_verdict())
    assert wire.decode_classified(wire.encode_classified(cc)) == cc


def test_a_decision_survives_the_wire_unchanged() -> None:
    d = Decision(7, DecisionKind.RESTORE, "Sam Patel", "fair criticism", WHEN)
    assert wire.decode_decision(wire.encode_decision(d)) == d


def test_every_message_carries_its_version_and_type() -> None:
    body = json.loads(wire.encode_comment(a_comment()))
    assert body["v"] == wire.WIRE_VERSION
    assert body["type"] == "comment"


@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"v": 99, "type": "comment"}', "unsupported wire version 99"),
        (b'{"v": 1, "type": "decision"}', "expected a 'comment' message"),
        (
            b'{"v": 1, "type": "comment", "comment": {"platform": "myspace"}}',
            "'platform' is 'myspace'",
        ),
    ],
)
def test_a_bad_message_is_refused_with_the_reason(payload: bytes, complaint: str) -> None:
    with pytest.raises(wire.WireError, match=complaint):
        wire.decode_comment(payload)


def test_a_comment_without_a_timezone_is_refused() -> None:
    body = json.loads(wire.encode_comment(a_comment()))
    body["comment"]["created_at"] = "2026-11-20T09:30:00"
    with pytest.raises(wire.WireError, match="comment: created_at must be timezone-aware"):
        wire.decode_comment(json.dumps(body))


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("comment", "comment_id", 123), "comment: field 'comment_id' is 123"),
        (("comment", "text", None), "comment: field 'text' is None"),
        (("verdict", "hide_on_platform", 1), "verdict: field 'hide_on_platform' is 1"),
        (("verdict", "rules_version", ...), "verdict: missing field 'rules_version'"),
    ],
)
def test_a_field_of_the_wrong_kind_is_named(
    change: tuple[str, str, object], complaint: str
) -> None:
    part, key, value = change
    body = json.loads(wire.encode_classified(ClassifiedComment(a_comment(), a_verdict())))
    if value is ...:
        del body[part][key]
    else:
        body[part][key] = value
    with pytest.raises(wire.WireError, match=re.escape(complaint)):
        wire.decode_classified(json.dumps(body))


def test_a_nested_field_is_named_with_its_place() -> None:
    body = json.loads(wire.encode_classified(ClassifiedComment(a_comment(), a_verdict())))
    body["verdict"]["findings"][1]["score"] = "high"
    with pytest.raises(wire.WireError, match=re.escape("verdict.findings[1]: field 'score'")):
        wire.decode_classified(json.dumps(body))


def test_fields_a_newer_writer_adds_are_ignored() -> None:
    body = json.loads(wire.encode_comment(a_comment()))
    body["comment"]["language"] = "cy"
    body["trace_id"] = "abc"
    assert wire.decode_comment(json.dumps(body)) == a_comment()


def test_the_json_output_of_a_verdict_is_the_wire_form() -> None:
    v = a_verdict()
    data = wire.to_data(v)
    assert data["action"] == "hide"
    assert data["findings"][0]["evidence"][0]["register_entry"] == "fr-x"
    assert json.loads(wire.encode_classified(ClassifiedComment(a_comment(), v)))["verdict"] == data


def test_a_naive_datetime_cannot_make_a_comment() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        a_comment(created_at=datetime(2026, 11, 20, 9, 30))
