"""The review app shows a comment as the words it is: HTML escaped, rich-style markup left as
it is, and the control characters that would disguise it (terminal escapes, a direction
override that reverses what follows, a carriage return) shown as visible escapes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from moderation.comment import Comment, Platform, Surface
from moderation.review import PlatformState
from moderation.verdict import (
    Action,
    Category,
    ClassifiedComment,
    Evidence,
    Finding,
    Route,
    Verdict,
)
from store.base import ProcessedComment, QueueEntry
from tests.browser.world import PASSWORD, World, build_world
from tests.fakes.facebook_graph import FakeGraph

DISGUISED = (
    "<script>alert(1)</script><b onmouseover=x>bold</b> [conceal]I will find you[/conceal]"
    " [/x] \x1b[8mconcealed\x1b[0m \u202eusy llik lliw i\rlovely park"
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with FakeGraph(token="page-token") as graph:
        built = build_world(tmp_path, graph)
        yield built
        built.deps.accounts.close()
        built.deps.store.close()


def save_disguised(world: World) -> int:
    comment = Comment(
        Platform.FACEBOOK,
        Surface.OWN_PAGE,
        "disguised-1",
        DISGUISED,
        datetime(2026, 11, 16, 9, tzinfo=UTC),
        author_handle="<i>[red]name\x1b[5m",
    )
    start = DISGUISED.index("I will find you")
    evidence = Evidence("threats", "a threat", "I will find you", start, start + 15)
    verdict = Verdict(
        comment.key,
        Action.HIDE,
        (Finding(Category.THREAT, 0.9, "threats", (evidence,)),),
        (Route.REVIEW,),
        True,
        False,
        "r1",
        "m1",
    )
    world.deps.store.save(
        [
            ProcessedComment(
                ClassifiedComment(comment, verdict),
                PlatformState.HIDDEN,
                (QueueEntry(Route.REVIEW, "threat [/b]\x1b[2J"),),
            )
        ]
    )
    (row,) = world.deps.store.items_for(comment.key)
    return row.item.item_id


def page_text(world: World, path: str) -> str:
    c = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    token = c.get("/sign-in").text.split('name="csrf_token" value="')[1].split('"')[0]
    c.post("/sign-in", data={"name": "mo", "password": PASSWORD, "csrf_token": token})
    answer = c.get(path)
    assert answer.status_code == 200
    return answer.text


@pytest.mark.parametrize("where", ["item", "queue", "search"])
def test_a_disguised_comment_is_shown_as_its_words(world: World, where: str) -> None:
    item = save_disguised(world)
    path = {"item": f"/items/{item}", "queue": "/queues/review", "search": "/search?q=lovely"}
    html = page_text(world, path[where])
    assert "<script>alert(1)" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b onmouseover=x&gt;bold" in html
    assert "[conceal]" in html and "[/x]" in html
    assert "\x1b" not in html and "\u202e" not in html and "\r" not in html
    assert "\\x1b[8mconcealed\\x1b[0m" in html
    assert "\\u202eusy llik lliw i\\x0dlovely park" in html


def test_the_author_and_queue_reason_are_shown_as_text_too(world: World) -> None:
    item = save_disguised(world)
    html = page_text(world, f"/items/{item}")
    assert "&lt;i&gt;[red]name\\x1b[5m" in html
    assert "\x1b" not in html


def test_an_escalation_alert_cannot_be_split_into_forged_email_headers() -> None:
    from email.message import EmailMessage

    from review_app.alerts import EscalationAlert

    alert = EscalationAlert(
        7,
        "facebook:c7",
        "escalated by Sam\r\nBcc: someone@example.com\r\n\x1b[8m: a threat",
        "facebook",
        "http://127.0.0.1:8000/items/7",
    )
    message = EmailMessage()
    message["Subject"] = alert.subject  # a header with a line break would be refused
    assert "\r" not in alert.subject and "\n" not in alert.subject
    assert "Bcc" not in message
    assert "\\x0d\\x0aBcc: someone@example.com" in alert.subject
    assert "\x1b" not in alert.body
