"""The Dashboards pages in a real browser (headless chromium): every chart drawn, its table
showing the hand-counted numbers of the seeded comments, the weekly report's themes on the
Reputation board with the theme book's shares, the drilldown from a waiting item to its
page, and axe-core finding nothing serious on any dashboard. The screenshots in
docs/dashboards.md are taken here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from dashboards.catalogue import DASHBOARDS
from houserules.review_app_commands import build_review_app
from houserules.settings import Settings
from review_app.accounts import Role
from review_app.dashboard_themes import PANEL, theme_rows
from store.sqlite import SqliteStore
from tests.browser.harness import SCREENSHOTS, axe_violations, chromium, serving, sign_in, wait_for
from tests.browser.world import PASSWORD, MovableClock
from tests.dashboard_seed import THEME_BOOK, expected_rows, seed, unordered

NOW = datetime.now(UTC)


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    store = SqliteStore(tmp_path / "data" / "houserules.db")
    seed(store, NOW)
    THEME_BOOK.save(tmp_path / "data" / "reports")
    settings = Settings(data_dir=tmp_path / "data", model="none")
    app, deps = build_review_app(
        settings, store=store, moderators={}, clock=MovableClock(NOW), alerts=False
    )
    deps.accounts.add("vi", Role.VIEWER, PASSWORD)
    with serving(app) as url:
        yield url
    deps.accounts.close()
    store.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    with chromium(tmp_path) as driver:
        yield driver


def shown(value: object) -> str:
    return "–" if value is None else str(value)


def table_rows(browser: WebDriver, chart: Any) -> list[dict[str, object]]:
    """A chart's table as the officer reads it, by the chart's own column names."""
    table = browser.find_element(By.CSS_SELECTOR, f'table[data-chart="{chart.name}"]')
    columns = [column for column, _ in chart.columns]
    rows = []
    for line in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
        cells = [cell.text for cell in line.find_elements(By.TAG_NAME, "td")]
        rows.append(dict(zip(columns, cells, strict=True)))
    return rows


def test_every_dashboard_shows_the_hand_counted_numbers_and_passes_axe(
    base: str, browser: WebDriver
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(browser, base, "vi", PASSWORD)
    expected = expected_rows(NOW)
    browser.set_window_size(1280, 1400)
    for board in DASHBOARDS:
        browser.get(f"{base}/dashboards/{board.name}")
        wait_for(browser, "section.chart svg")
        assert browser.find_element(By.TAG_NAME, "h1").text == f"{board.title} dashboard"
        for chart in board.charts:
            svg = browser.find_element(By.CSS_SELECTOR, f"#{chart.name} svg[role=img]")
            assert svg.size["width"] > 200 and svg.size["height"] > 100, chart.name
            summary = browser.find_element(By.ID, f"summary-{chart.name}").text
            assert summary.startswith(chart.title), chart.name
            got = table_rows(browser, chart)
            want = [{k: shown(v) for k, v in row.items()} for row in expected[chart.name]]
            if chart.listing is not None:
                got = [
                    {k: v for k, v in r.items() if k not in ("item", "hours_waiting")} for r in got
                ]
            assert unordered(got) == unordered(want), chart.name  # type: ignore[arg-type]
        if board.name == "reputation":
            svg = browser.find_element(By.CSS_SELECTOR, "#themes svg[role=img]")
            assert svg.size["width"] > 200 and svg.size["height"] > 100
            summary = browser.find_element(By.ID, "summary-themes").text
            assert summary.startswith("Themes from the weekly report, week 2026-W47")
            assert table_rows(browser, PANEL) == [
                {k: shown(v) for k, v in row.items()} for row in theme_rows(THEME_BOOK)
            ]
            assert table_rows(browser, PANEL)[0]["theme"] == "T2 <b>library</b>, opening hours"
            section = browser.find_element(By.ID, "themes")
            assert section.screenshot(str(SCREENSHOTS / "dashboard-themes.png"))
        assert axe_violations(browser) == [], board.name
        assert browser.save_screenshot(str(SCREENSHOTS / f"dashboard-{board.name}.png"))


def test_a_waiting_item_links_to_its_page_in_the_review_app(base: str, browser: WebDriver) -> None:
    sign_in(browser, base, "vi", PASSWORD)
    browser.get(f"{base}/dashboards/triage")
    link = wait_for(browser, 'table[data-chart="oldest_unreviewed"] tbody tr a')
    number = link.text
    link.click()
    wait_for(browser, "h1")
    assert browser.current_url.endswith(f"/items/{number}")
    assert "facebook:c5" in browser.page_source, "the oldest waiting comment's page"
    nav = browser.find_element(By.CSS_SELECTOR, 'nav[aria-label="Main"] a[href="/dashboards"]')
    assert nav.text == "Dashboards"
