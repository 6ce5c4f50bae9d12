"""The review app's Dashboards pages through an HTTP client, on the embedded store: signing
in first, every dashboard drawn with no script on the page, an unknown one a 404, the
figures' time shown, the weekly report's themes on the Reputation dashboard, and figures
counted again as soon as the store changes."""

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
from moderation.review import AuditEvent
from review_app.accounts import Role
from store.sqlite import SqliteStore
from tests.browser.world import PASSWORD, MovableClock
from tests.dashboard_seed import THEME_BOOK, seed, spike_alert_times

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "data" / "houserules.db")
    seed(store, NOW)
    yield store
    store.close()


@pytest.fixture
def client(tmp_path: Path, store: SqliteStore) -> Iterator[TestClient]:
    THEME_BOOK.save(tmp_path / "data" / "reports")
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
        themes = 1 if board.name == "reputation" else 0
        drawn = page.text.count('<svg role="img" aria-labelledby="summary-')
        assert drawn == len(board.charts) + themes
        assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None
        assert "Figures as of 20 Nov 2026 10:30 UK time, from the local store" in page.text


def test_an_unknown_dashboard_is_not_found(client: TestClient) -> None:
    sign_in(client)
    assert client.get("/dashboards/finance").status_code == 404


def table(page: str, name: str) -> list[list[str]]:
    body = page.split(f'<table data-chart="{name}">', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)[1:]]


def test_the_reputation_dashboard_shows_the_weekly_reports_themes_after_the_tone(
    client: TestClient,
) -> None:
    sign_in(client)
    page = client.get("/dashboards/reputation").text
    assert page.index('id="tone_by_day"') < page.index('id="themes"')
    assert page.index('id="themes"') < page.index('id="most_discussed_posts"')
    assert table(page, "themes") == [
        ["T2 &lt;b&gt;library&lt;/b&gt;, opening hours", "2026-W47", "40.0"],
        ["T1 bins, collection", "2026-W46", "45.0"],
        ["T1 bins, collection", "2026-W47", "35.0"],
        ["T3 (no distinctive words)", "2026-W47", "25.0"],
    ]
    assert "<b>library</b>" not in page
    assert (
        "week 2026-W47: T2 &lt;b&gt;library&lt;/b&gt;, opening hours 40%,"
        " T1 bins, collection 35%, T3 (no distinctive words) 25%" in page
    )


def test_a_change_to_the_store_shows_on_the_next_view(
    client: TestClient, store: SqliteStore
) -> None:
    sign_in(client)

    def alerts() -> list[list[str]]:
        return table(client.get("/dashboards/comms").text, "spike_alerts")

    before = alerts()
    assert alerts() == before
    day = spike_alert_times(NOW)[-1]
    store.append_audit(AuditEvent(day, "houserules", "service_spike", "facebook:c6", "spike"))
    after = alerts()
    assert after != before, "counted again although the figures are under a minute old"
    assert sum(int(n) for _, n in after) == sum(int(n) for _, n in before) + 1
