"""The review app shows, on every page, a connector stopped by its credentials, with the
reason as text, until the connector works again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ingest.connector_health import ConnectorHealth, status_dir
from ingest.failures import ConnectorPaused, PauseReason
from tests.browser.world import PASSWORD, World, build_world
from tests.fakes.facebook_graph import FakeGraph


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with FakeGraph(token="page-token") as graph:
        built = build_world(tmp_path, graph)
        yield built
        built.deps.accounts.close()
        built.deps.store.close()


def signed_in(world: World) -> TestClient:
    c = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    page = c.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    answer = c.post(
        "/sign-in", data={"name": "vi", "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303
    return c


def test_a_paused_connector_is_shown_on_every_page_until_it_works_again(
    world: World, tmp_path: Path
) -> None:
    health = ConnectorHealth(status_dir(tmp_path / "data"), world.deps.store.append_audit)
    c = signed_in(world)
    assert "Not reading comments" not in c.get("/queues/review").text

    paused = ConnectorPaused("x", PauseReason.REFRESH_REFUSED, "HTTP 400, <b>invalid_request</b>")
    health.paused("x:9000", paused)
    for path in ("/queues/escalations", "/queues/review", "/audit", "/search?q=bins"):
        page = c.get(path).text
        assert "Not reading comments from x" in page, path
        assert "refused to renew the access token" in page
        assert "&lt;b&gt;invalid_request&lt;/b&gt;" in page and "<b>invalid" not in page
    audit = c.get("/audit").text
    assert "connector_paused" in audit

    health.working("x:9000", "x")
    assert "Not reading comments" not in c.get("/queues/review").text
    assert "connector_resumed" in c.get("/audit").text


def test_the_status_is_shown_only_to_people_signed_in(world: World, tmp_path: Path) -> None:
    health = ConnectorHealth(status_dir(tmp_path / "data"))
    health.paused("x:9000", ConnectorPaused("x", PauseReason.TOKEN_EXPIRED, "HTTP 401"))
    anonymous = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    assert "Not reading comments" not in anonymous.get("/sign-in").text
