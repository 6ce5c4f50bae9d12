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
    import json

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
    body = wire.comment_to_dict(a_comment())
    body["created_at"] = "2026-11-20T09:30:00"
    with pytest.raises(wire.WireError, match="no timezone"):
        wire.comment_from_dict(body)


def test_a_naive_datetime_cannot_make_a_comment() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        a_comment(created_at=datetime(2026, 11, 20, 9, 30))
