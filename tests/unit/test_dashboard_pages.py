"""The review app's Dashboards pages through an HTTP client, on the embedded store: signing
in first, every dashboard drawn with no script on the page, an unknown one a 404, and the
figures' time shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dashboards.catalogue import DASHBOARDS
from houserules.review_app_commands import build_review_app
from houserules.settings import Settings
from review_app.accounts import Role
from store.sqlite import SqliteStore
from tests.browser.world import PASSWORD, MovableClock
from tests.dashboard_seed import seed

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = SqliteStore(tmp_path / "data" / "houserules.db")
    seed(store, NOW)
    app, deps = build_review_app(
        Settings(data_dir=tmp_path / "data", model="none"),
        store=store,
        moderators={},
        clock=MovableClock(NOW),
        alerts=False,
    )
    deps.accounts.add("vi", Role.VIEWER, PASSWORD)
    yield TestClient(app, base_url="http://testserver", follow_redirects=False)
    deps.accounts.close()
    store.close()


def sign_in(c: TestClient) -> None:
    page = c.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    answer = c.post("/sign-in", data={"name": "vi", "password": PASSWORD, "csrf_token": token[1]})
    assert answer.status_code == 303


def test_the_dashboards_need_signing_in(client: TestClient) -> None:
    for path in ("/dashboards", "/dashboards/triage"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")


def test_every_dashboard_is_drawn_on_the_server_with_no_script_on_the_page(
    client: TestClient,
) -> None:
    sign_in(client)
    index = client.get("/dashboards")
    assert index.status_code == 200
    for board in DASHBOARDS:
        assert f'href="/dashboards/{board.name}"' in index.text
        page = client.get(f"/dashboards/{board.name}")
        assert page.status_code == 200
        assert page.text.count('<svg role="img" aria-labelledby="summary-') == len(board.charts)
        assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None
        assert "Figures as of 20 Nov 2026 10:30 UK time, from the local store" in page.text


def test_an_unknown_dashboard_is_not_found(client: TestClient) -> None:
    sign_in(client)
    assert client.get("/dashboards/finance").status_code == 404
