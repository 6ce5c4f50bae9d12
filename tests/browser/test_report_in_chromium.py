"""The weekly report's HTML in a real browser (Debian's chromium, headless), checked by
axe-core against WCAG 2.2 A and AA and best practice: no violation of any impact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from dashboards.sources import source_for
from moderation.model import ToxicityModel
from reports.build import write_report
from reports.figures import ReportContext, weekly_report
from reports.pseudonyms import Pseudonyms
from reports.settings import ReportSettings
from reports.tone import ToneModel
from reports.week import ReportWeek
from store.report_reads import report_reads
from store.sqlite import SqliteStore
from tests import report_world as world
from tests.browser.harness import AXE, chromium, wait_for


@pytest.fixture
def page(tmp_path: Path) -> Path:
    store = SqliteStore(tmp_path / "houserules.db")
    world.seed(store)
    context = ReportContext(
        tone=ToneModel(ToxicityModel.load()),
        pseudonyms=Pseudonyms(b"a test key of thirty-two bytes!!"),
        settings=ReportSettings(organisation="Testshire Council"),
        state_dir=tmp_path / "state",
        fact_topics=world.FACT_TOPICS,
        store_name="sqlite",
    )
    report = weekly_report(
        report_reads(store),
        source_for(store),
        ReportWeek.parse(world.WEEK),
        context,
        datetime(2026, 11, 30, 9, tzinfo=UTC),
    )
    store.close()
    written = write_report(report, tmp_path / "out", ("html",))
    assert written.html is not None
    return written.html


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    with chromium(tmp_path) as driver:
        yield driver


def all_violations(driver: WebDriver) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})
          .then(r => done(r), e => done({error: String(e)}));
        """
    )
    assert "error" not in result, result
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def test_axe_finds_nothing_wrong_with_the_report_page(page: Path, browser: WebDriver) -> None:
    browser.get(page.as_uri())
    wait_for(browser, "h1")
    assert all_violations(browser) == []
    images = browser.find_elements(By.CSS_SELECTOR, "figure.chart img")
    assert len(images) == 6
    for image in images:
        assert browser.execute_script("return arguments[0].naturalWidth", image) > 100
        assert len(image.get_attribute("alt") or "") > 20


def test_the_report_reads_at_a_phone_width_without_sideways_scrolling(
    page: Path, browser: WebDriver
) -> None:
    browser.set_window_size(390, 844)
    browser.get(page.as_uri())
    wait_for(browser, "h1")
    width = browser.execute_script("return document.documentElement.clientWidth")
    scroll = browser.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width + 1
