"""The rules erasure and retention share, whichever store applies them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from moderation import wire
from moderation.comment import Comment, Platform, Surface
from store.personal_data import (
    ErasureRequest,
    is_marker,
    matched_authors,
    mentions_author,
    request_marker,
    retention_cutoff,
    retention_marker,
)

AT = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)


def request(author: str = "1001", reason: str = "case DP-2026-0042") -> ErasureRequest:
    return ErasureRequest(Platform.FACEBOOK, author, "Ali Khan", reason, AT)


def comment(author_id: str, handle: str = "Jo", platform: Platform = Platform.FACEBOOK) -> str:
    c = Comment(
        platform, Surface.OWN_PAGE, "c1", "hello", AT, author_handle=handle, author_id=author_id
    )
    return wire.encode_comment(c).decode()


def test_markers_carry_the_utc_date_and_nothing_else_counts_as_one() -> None:
    london_evening = datetime(2026, 6, 30, 23, 30, tzinfo=timezone(timedelta(hours=1)))
    assert request_marker(london_evening) == "[erased at request: 2026-06-30]"
    assert retention_marker(AT) == "[erased by retention: 2026-11-20]"
    assert is_marker(request_marker(AT)) and is_marker(retention_marker(AT))
    for other in ("", "[erased at request]", "[erased at request: 2026-11-20] and more", "hidden"):
        assert not is_marker(other)


def test_the_retention_limit_is_counted_back_from_now_in_days() -> None:
    assert retention_cutoff(30, AT) == AT - timedelta(days=30)
    with pytest.raises(ValueError):
        retention_cutoff(0, AT)


@pytest.mark.parametrize(
    ("author", "by", "reason", "problem"),
    [
        ("  ", "Ali", "case 1", "author's id"),
        ("1001", "", "case 1", "who"),
        ("1001", "Ali", " ", "reason"),
        ("1001", "Ali", "request from user 1001", "must not contain"),
        ("Jo Bloggs", "Ali", "jo bloggs asked by email", "must not contain"),
    ],
)
def test_an_erasure_request_needs_an_author_a_person_and_a_reason_without_the_author(
    author: str, by: str, reason: str, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        ErasureRequest(Platform.FACEBOOK, author, by, reason, AT)


def test_a_reason_may_contain_digits_that_merely_include_the_id() -> None:
    assert request("12", reason="case 2026-123").reason == "case 2026-123"


def test_a_dead_letter_names_the_author_by_id_handle_or_display_name_whatever_the_case() -> None:
    assert mentions_author(comment("1001"), request())
    assert not mentions_author(comment("2002"), request())
    assert not mentions_author(comment("1001", platform=Platform.X), request())
    assert mentions_author(comment("", handle="Jo Bloggs"), request("Jo Bloggs"))
    assert mentions_author(comment("555", handle="Jo Bloggs"), request("jo bloggs"))
    assert mentions_author(comment("AbC-1001"), request("abc-1001"))
    assert mentions_author(comment("9", handle="@Jo_Bloggs"), request("jo_bloggs"))
    assert not mentions_author(comment("555", handle="Jo Bloggs"), request("Jo"))


def test_an_erasure_request_looks_up_the_name_as_given_and_with_and_without_its_at() -> None:
    assert request("@Jo_B").names == ("@Jo_B", "Jo_B")
    assert request(" Jo_B ").names == ("Jo_B", "@Jo_B")


def test_a_dead_letter_naming_the_author_deep_inside_or_as_an_action_is_found() -> None:
    nested = json.dumps({"type": "batch", "items": [json.loads(comment("1001"))]})
    action = json.dumps({"type": "action", "author": "facebook:1001", "comment_key": "x"})
    assert mentions_author(nested, request())
    assert mentions_author(action, request())


def test_a_dead_letter_that_is_not_json_is_left_for_retention() -> None:
    assert not mentions_author("{author_id: 1001", request())
    assert not mentions_author("1001", request())


def test_matched_comments_are_grouped_by_author_id_or_else_by_name() -> None:
    found = [("1001", "Jo"), ("1001", "Jo Bloggs"), ("", "SAM"), ("", "sam"), ("2002", "Jo")]
    assert [(a.author_id, a.names, a.comments) for a in matched_authors(found)] == [
        ("", ("SAM", "sam"), 2),
        ("1001", ("Jo", "Jo Bloggs"), 2),
        ("2002", ("Jo",), 1),
    ]
