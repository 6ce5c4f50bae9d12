"""The review app through an HTTP client: sign-in, roles, CSRF, escaping, sessions, lockout,
one item per comment, decisions that reach the (local) platform, exports and the audit log."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from moderation.review import ReviewStatus
from review_app.guard import CSP
from tests.browser.world import PASSWORD, World, build_world
from tests.fakes.facebook_graph import FakeGraph


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph(token="page-token") as fake:
        yield fake


@pytest.fixture
def world(tmp_path: Path, graph: FakeGraph) -> Iterator[World]:
    built = build_world(tmp_path, graph)
    yield built
    built.deps.accounts.close()
    built.deps.store.close()


def client(world: World) -> TestClient:
    return TestClient(world.app, base_url="http://testserver", follow_redirects=False)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def signed_in(world: World, name: str = "mo") -> tuple[TestClient, str]:
    c = client(world)
    token = csrf_of(c.get("/sign-in").text)
    answer = c.post("/sign-in", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    page = c.get("/queues/review")
    assert page.status_code == 200
    return c, csrf_of(page.text)


def test_healthz_answers_without_signing_in_and_every_other_page_sends_you_to_sign_in(
    world: World,
) -> None:
    c = client(world)
    assert c.get("/healthz").status_code == 200
    for path in ("/", "/queues/review", "/items/1", "/audit", "/search?q=bins", "/audit.csv"):
        answer = c.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/sign-in?next=")


def test_every_answer_has_a_strict_content_security_policy_and_no_inline_script(
    world: World,
) -> None:
    c, _ = signed_in(world)
    for path in ("/sign-in", "/queues/escalations", "/audit", "/search?q=bins"):
        answer = c.get(path)
        assert answer.headers["content-security-policy"] == CSP
        assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
        assert re.search(r"<script(?![^>]*\bsrc=)", answer.text) is None, path
        assert " on" + "click=" not in answer.text


def test_a_post_without_the_csrf_token_is_refused_with_403(world: World) -> None:
    c, token = signed_in(world)
    item = world.item_for("defamation", "review")
    data = {"kind": "restore", "reason": "fair comment"}
    assert c.post(f"/items/{item}/decide", data=data).status_code == 403
    assert c.post(f"/items/{item}/decide", data={**data, "csrf_token": "forged"}).status_code == 403
    assert c.post("/sign-out").status_code == 403
    assert (
        client(world).post("/sign-in", data={"name": "mo", "password": PASSWORD}).status_code == 403
    )
    assert world.deps.store.item(item).status is ReviewStatus.OPEN  # type: ignore[union-attr]
    assert c.post(f"/items/{item}/decide", data={**data, "csrf_token": token}).status_code == 303


def test_comment_text_with_script_markup_is_shown_as_text(world: World) -> None:
    c, _ = signed_in(world)
    item = world.item_for("script", "review")
    page = c.get(f"/items/{item}").text
    assert "&lt;script&gt;document.title=" in page
    assert "<script>document.title" not in page
    queue = c.get("/queues/review").text
    assert "&lt;script&gt;" in queue and "<script>document" not in queue


def test_a_threat_that_is_also_harassment_is_one_escalation_and_confirming_it_closes_it(
    world: World,
) -> None:
    rows = world.deps.store.items_for(world.keys["threat"])
    assert [r.item.queue.value for r in rows] == ["escalations"]
    c, token = signed_in(world)
    item = rows[0].item.item_id
    page = c.get(f"/items/{item}").text
    assert "threat" in page and "harassment" in page
    answer = c.post(
        f"/items/{item}/decide",
        data={"kind": "confirm", "reason": "a threat with a knife", "csrf_token": token},
    )
    assert answer.status_code == 303
    assert [r.item.status for r in world.deps.store.items_for(world.keys["threat"])] == [
        ReviewStatus.CONFIRMED
    ]
    assert "Hide confirmed" in c.get(f"/items/{item}").text


def test_restoring_unhides_on_facebook_and_says_so(world: World) -> None:
    comment_id = world.keys["defamation"].split(":", 1)[1]
    assert world.graph.is_hidden(comment_id)
    c, token = signed_in(world)
    item = world.item_for("defamation", "review")
    c.post(
        f"/items/{item}/decide",
        data={"kind": "restore", "reason": "fair comment", "csrf_token": token},
    )
    assert not world.graph.is_hidden(comment_id)
    page = c.get(f"/items/{item}").text
    assert "Restored: the comment is visible again on facebook." in page
    events = [(e.actor, e.event) for e in world.deps.store.audit(world.keys["defamation"])]
    assert events[-2:] == [("mo", "unhidden"), ("mo", "restore")]


def test_a_restore_facebook_refuses_leaves_the_item_open_and_says_why(world: World) -> None:
    from tests.fakes.facebook_graph import graph_error

    world.graph.fail_next(graph_error(190, "Error validating access token", status=400), times=5)
    c, token = signed_in(world)
    item = world.item_for("defamation", "review")
    c.post(
        f"/items/{item}/decide",
        data={"kind": "restore", "reason": "fair comment", "csrf_token": token},
    )
    page = c.get(f"/items/{item}").text
    assert "Not done: facebook refused the restore" in page
    assert world.deps.store.item(item).status is ReviewStatus.OPEN  # type: ignore[union-attr]


def test_a_viewer_reads_but_cannot_decide(world: World) -> None:
    c, token = signed_in(world, "vi")
    item = world.item_for("defamation", "review")
    page = c.get(f"/items/{item}").text
    assert "Confirm hide" not in page and "Restore on" not in page
    answer = c.post(
        f"/items/{item}/decide", data={"kind": "confirm", "reason": "x", "csrf_token": token}
    )
    assert answer.status_code == 403
    assert c.post(f"/items/{item}/claim", data={"csrf_token": token}).status_code == 403
    assert c.get("/admin/users").status_code == 403
    assert world.deps.store.item(item).status is ReviewStatus.OPEN  # type: ignore[union-attr]


def test_only_a_moderator_records_categories_and_only_from_the_list(world: World) -> None:
    key = world.keys["defamation"]
    events = len(world.deps.store.audit(key))
    viewer, token = signed_in(world, "vi")
    assert "categories-form" not in viewer.get(f"/comments/{key}").text
    refused = viewer.post(
        f"/comments/{key}/categories", data={"category": "criticism", "csrf_token": token}
    )
    assert refused.status_code == 403
    c, token = signed_in(world, "mo")
    answer = c.post(
        f"/comments/{key}/categories", data={"category": "not-a-category", "csrf_token": token}
    )
    assert answer.status_code == 303
    assert "Choose categories from the list" in c.get(answer.headers["location"]).text
    assert len(world.deps.store.audit(key)) == events, "nothing recorded"
    answer = c.post(f"/comments/{key}/categories", data={"csrf_token": token})
    assert "this comment is none of the categories" in c.get(answer.headers["location"]).text
    assert world.deps.store.audit(key)[-1].detail == "categories: none; was: defamation"


def test_a_session_ends_after_the_idle_timeout(world: World) -> None:
    c, _ = signed_in(world)
    world.clock.advance(timedelta(minutes=29))
    assert c.get("/queues/review").status_code == 200
    world.clock.advance(timedelta(minutes=31))
    answer = c.get("/queues/review")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")


def test_repeated_wrong_passwords_lock_the_account(world: World) -> None:
    c = client(world)
    token = csrf_of(c.get("/sign-in").text)
    for _ in range(5):
        wrong = c.post("/sign-in", data={"name": "mo", "password": "nope", "csrf_token": token})
        assert wrong.status_code == 401
    locked = c.post("/sign-in", data={"name": "mo", "password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 401 and "locked" in locked.text
    world.clock.advance(timedelta(minutes=16))
    again = c.post("/sign-in", data={"name": "mo", "password": PASSWORD, "csrf_token": token})
    assert again.status_code == 303


def test_a_comms_item_carries_the_official_line_and_link_and_is_marked_answered(
    world: World,
) -> None:
    c, token = signed_in(world)
    item = world.item_for("misinformation", "comms")
    page = c.get(f"/items/{item}").text
    assert "Weekly food-waste collections started" in page
    assert 'href="https://www.harrowmere.gov.uk/foodwaste"' in page
    assert "Copy the official line" in page
    c.post(
        f"/items/{item}/decide",
        data={"kind": "done", "reason": "replied with the official line", "csrf_token": token},
    )
    assert world.deps.store.item(item).status is ReviewStatus.DONE  # type: ignore[union-attr]


def test_escalating_a_review_item_moves_it_to_escalations_with_its_referral(
    world: World,
) -> None:
    c, token = signed_in(world)
    item = world.item_for("defamation", "review")
    c.post(
        f"/items/{item}/decide",
        data={
            "kind": "escalate",
            "referral": "legal",
            "reason": "names a councillor",
            "csrf_token": token,
        },
    )
    rows = {
        r.item.queue.value: r.item for r in world.deps.store.items_for(world.keys["defamation"])
    }
    assert rows["review"].status is ReviewStatus.ESCALATED
    assert rows["escalations"].status is ReviewStatus.OPEN
    assert "Legal: names a councillor" in rows["escalations"].reason


def test_two_officers_cannot_claim_the_same_item(world: World) -> None:
    world.deps.accounts.add("mo2", world.deps.accounts.get("mo").role, PASSWORD)  # type: ignore[union-attr]
    first, first_token = signed_in(world, "mo")
    second, second_token = signed_in(world, "mo2")
    item = world.item_for("defamation", "review")
    first.post(f"/items/{item}/claim", data={"csrf_token": first_token})
    second.post(f"/items/{item}/claim", data={"csrf_token": second_token})
    assert "already claimed by mo" in second.get(f"/items/{item}").text
    (row,) = world.deps.store.items_for(world.keys["defamation"])[:1]
    assert row.assigned_to == "mo"


def test_bulk_confirm_closes_every_selected_item(world: World) -> None:
    c, token = signed_in(world)
    items = [world.item_for("defamation", "review"), world.item_for("script", "review")]
    c.post(
        "/queues/review/confirm",
        data={"item": [str(i) for i in items], "reason": "defamatory", "csrf_token": token},
    )
    for item in items:
        assert world.deps.store.item(item).status is ReviewStatus.CONFIRMED  # type: ignore[union-attr]


def test_queue_filters_and_csv_export(world: World) -> None:
    c, _ = signed_in(world)
    page = c.get("/queues/review?category=misinformation").text
    assert "food caddy" in page and "backhanders" not in page
    export = c.get("/queues/review.csv?category=defamation")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {r["comment"] for r in rows} == {world.keys["defamation"], world.keys["script"]}
    assert all(r["categories"] == "defamation" for r in rows)


def test_the_audit_log_filters_by_officer_and_action_and_exports_csv(world: World) -> None:
    c, token = signed_in(world)
    item = world.item_for("defamation", "review")
    c.post(
        f"/items/{item}/decide",
        data={"kind": "confirm", "reason": "=HYPERLINK(1)", "csrf_token": token},
    )
    page = c.get("/audit?actor=mo&event=confirm").text
    assert "=HYPERLINK(1)" in page and "<td>classified</td>" not in page
    rows = list(csv.DictReader(io.StringIO(c.get("/audit.csv?actor=mo").text)))
    assert [(r["officer"], r["action"]) for r in rows] == [("mo", "confirm")]
    assert rows[0]["detail"] == "'=HYPERLINK(1)", "a formula is never live in a spreadsheet"


def test_search_finds_comments_with_the_same_filters(world: World) -> None:
    c, _ = signed_in(world)
    page = c.get("/search?q=bins").text
    assert "Elm Road" in page
    assert "Elm Road" not in c.get("/search?q=bins&platform=youtube").text


def test_the_live_count_shows_open_escalations(world: World) -> None:
    c, _ = signed_in(world)
    assert "1 open escalation" in c.get("/live/escalations").text


def test_an_admin_changes_a_role_and_it_is_audited(world: World) -> None:
    c, token = signed_in(world, "ad")
    c.post("/admin/users/vi", data={"action": "role", "role": "moderator", "csrf_token": token})
    assert world.deps.accounts.get("vi").role.value == "moderator"  # type: ignore[union-attr]
    assert "vi is now moderator" in c.get("/audit?actor=ad").text
