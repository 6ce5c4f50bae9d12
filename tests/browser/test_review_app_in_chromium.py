"""The review app in a real browser (Debian's chromium, headless): signing in, working the
queues with the keyboard alone, restoring on the (local) Facebook page, roles, escaping,
session expiry, live escalations, and axe-core on every page. The screenshots in the README
are taken here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from houserules.learning.versions import LEARNED, ModelVersions, VersionRecord
from moderation.comment import Comment, Platform, Surface
from moderation.model import ToxicityHeads
from moderation.model.checksums import read_sums
from moderation.model.onnx_model import bundled_folder
from moderation.review import ReviewStatus
from review_app.settings import ReviewAppSettings
from stream.embedded import EmbeddedPipeline
from tests.browser.harness import (
    SCREENSHOTS,
    axe_violations,
    chromium,
    serving,
    sign_in,
    text_of,
    wait_for,
)
from tests.browser.world import PASSWORD, THREAT, ScriptedClassifier, World, build_world
from tests.fakes.facebook_graph import FakeGraph


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with FakeGraph(token="page-token") as graph:
        built = build_world(tmp_path, graph, review_app=ReviewAppSettings(live_poll_seconds=1))
        yield built
        built.deps.accounts.close()
        built.deps.store.close()


@pytest.fixture
def base(world: World) -> Iterator[str]:
    with serving(world.app) as url:
        yield url


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    with chromium(tmp_path) as driver:
        yield driver


def flash(driver: WebDriver) -> str:
    return str(wait_for(driver, ".flash").text)


def test_signing_in_and_confirming_a_hide_with_the_keyboard_alone(
    world: World, base: str, browser: WebDriver
) -> None:
    browser.get(base + "/queues/review")
    assert "/sign-in" in browser.current_url, "pages need signing in"
    sign_in(browser, base, "mo", PASSWORD, go=False)
    assert browser.current_url.endswith("/queues/review"), "signing in returns to the page asked"

    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.text == "Skip to main content"
    outline = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.boxShadow];", skip
    )
    assert outline[0] != "none" or outline[1] != "none", "focus is visible"
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"

    browser.switch_to.active_element.send_keys("j")
    link = browser.switch_to.active_element
    assert "item-link" in (link.get_attribute("class") or "")
    item_id = int(link.get_attribute("href").rsplit("/", 1)[1])
    link.send_keys(Keys.ENTER)
    wait_for(browser, "#comment-text")
    browser.find_element(By.TAG_NAME, "body").send_keys("c")
    reason = browser.switch_to.active_element
    assert reason.tag_name == "textarea"
    reason.send_keys("abusive: the hide stands")
    reason.send_keys(Keys.TAB)
    confirm = browser.switch_to.active_element
    assert confirm.text == "Confirm hide"
    confirm.send_keys(Keys.ENTER)
    assert "Hide confirmed" in flash(browser)
    assert world.deps.store.item(item_id).status is ReviewStatus.CONFIRMED  # type: ignore[union-attr]
    assert world.deps.store.audit(world.deps.store.item(item_id).comment_key)[-1].actor == "mo"  # type: ignore[union-attr]


def test_restoring_a_hidden_comment_unhides_it_on_facebook(
    world: World, base: str, browser: WebDriver
) -> None:
    comment_id = world.keys["defamation"].split(":", 1)[1]
    assert world.graph.is_hidden(comment_id)
    sign_in(browser, base, "mo", PASSWORD)
    item = world.item_for("defamation", "review")
    browser.get(f"{base}/items/{item}")
    browser.find_element(By.ID, f"reason-{item}").send_keys("fair comment about a councillor")
    browser.find_element(By.CSS_SELECTOR, "button[value='restore']").click()
    assert "visible again on facebook" in flash(browser)
    assert not world.graph.is_hidden(comment_id), "the local Graph server received the unhide"
    unhides = [r for r in world.graph.calls("POST", comment_id) if "is_hidden" in r.params]
    assert unhides and unhides[-1].params["is_hidden"] == "false"


def test_a_viewer_sees_the_item_but_no_decision_and_a_forged_post_is_refused(
    world: World, base: str, browser: WebDriver
) -> None:
    sign_in(browser, base, "vi", PASSWORD)
    item = world.item_for("defamation", "review")
    browser.get(f"{base}/items/{item}")
    wait_for(browser, "#comment-text")
    assert not browser.find_elements(By.CSS_SELECTOR, "button[value='confirm']")
    status = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {method: 'POST', body: new URLSearchParams({kind: 'confirm',
          reason: 'x'})}).then(r => done(r.status));
        """,
        f"{base}/items/{item}/decide",
    )
    assert status == 403, "a POST without the CSRF token is refused"
    assert world.deps.store.item(item).status is ReviewStatus.OPEN  # type: ignore[union-attr]


def test_a_comment_written_as_script_markup_shows_as_text(
    world: World, base: str, browser: WebDriver
) -> None:
    sign_in(browser, base, "mo", PASSWORD)
    browser.get(f"{base}/items/{world.item_for('script', 'review')}")
    shown = text_of(browser, "#comment-text")
    assert shown.startswith("<script>document.title='pwned'</script>")
    assert browser.title != "pwned"
    assert not browser.find_elements(By.CSS_SELECTOR, "#comment-text script")


def test_an_idle_session_ends_and_the_next_page_asks_to_sign_in(
    world: World, base: str, browser: WebDriver
) -> None:
    sign_in(browser, base, "mo", PASSWORD)
    browser.get(base + "/audit")
    world.clock.advance(timedelta(minutes=31))
    browser.get(base + "/audit")
    assert "/sign-in" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in"


def test_a_new_escalation_appears_without_a_reload(
    world: World, base: str, browser: WebDriver
) -> None:
    sign_in(browser, base, "mo", PASSWORD)
    browser.get(base + "/queues/escalations")
    wait_for(browser, "tbody#rows")
    before = len(browser.find_elements(By.CSS_SELECTOR, "tbody#rows tr[data-item]"))
    browser.execute_script("window.notReloaded = true;")
    classifier = ScriptedClassifier()
    threat = Comment(
        Platform.YOUTUBE, Surface.OWN_PAGE, "yt-new", THREAT + " tonight", datetime.now(UTC)
    )
    EmbeddedPipeline(classifier, world.deps.store, {}, world.clock).run_sync([threat])
    WebDriverWait(browser, 15).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "tbody#rows tr[data-item]")) == before + 1
    )
    assert browser.execute_script("return window.notReloaded === true;")
    assert "2 open escalations" in text_of(browser, "#live")


def _learned_version(data_dir: Path) -> str:
    """A learned version as `houserules learn` leaves it (the bundled heads, renamed)."""
    folder = bundled_folder()
    labels = (
        "threat",
        "harassment",
        "discrimination",
        "obscenity",
        "allegation",
        "scam",
        "service_complaint",
        "criticism",
        "negative",
    )
    versions = ModelVersions(data_dir / "models")
    name = "minilm-judge-2026.12+learned1-0b1d2e3f"
    versions.add_learned(
        ToxicityHeads.from_npz(folder / "heads.npz", labels),
        VersionRecord(
            name=name,
            kind=LEARNED,
            created_at="2026-12-05T09:30:00+00:00",
            encoder_sha256=read_sums(folder)["encoder.onnx"],
            thresholds={},
            summary="learned from 42 decisions (15 confirm, 27 restore; discrimination "
            "+15/-27). council's newest decisions (10): false hides 7 -> 0 of 7 lawful",
        ),
    )
    versions.use(name, datetime(2026, 12, 5, 9, 30, tzinfo=UTC), "houserules learn", "gate")
    return name


def test_a_moderator_records_what_a_comment_really_is_and_the_audit_page_shows_the_model(
    world: World, base: str, browser: WebDriver, tmp_path: Path
) -> None:
    name = _learned_version(tmp_path / "data")
    sign_in(browser, base, "mo", PASSWORD)
    item = world.item_for("defamation", "review")
    browser.get(f"{base}/items/{item}")
    found = browser.find_element(By.ID, "category-defamation")
    assert found.is_selected(), "what houserules found is ticked to start with"
    found.click()
    browser.find_element(By.CSS_SELECTOR, "label[for='category-criticism']").click()
    browser.find_element(By.CSS_SELECTOR, "#categories-form button[type='submit']").click()
    assert "this comment is criticism" in flash(browser)
    assert browser.current_url.endswith(f"/items/{item}")
    last = world.deps.store.audit(world.keys["defamation"])[-1]
    assert (last.event, last.actor) == ("recategorised", "mo")
    assert last.detail == "categories: criticism; was: defamation"

    browser.get(base + "/audit")
    model = text_of(browser, "section[aria-labelledby='model-h']")
    assert name in model and "05 Dec 2026 09:30" in model
    assert "false hides 7 -> 0" in model
    assert "recategorised" in text_of(browser, "table.audit")
    assert axe_violations(browser) == []


def test_axe_finds_no_serious_or_critical_problem_on_any_page(
    world: World, base: str, browser: WebDriver
) -> None:
    browser.get(base + "/sign-in")
    wait_for(browser, "#name")
    pages = {"/sign-in": axe_violations(browser)}
    sign_in(browser, base, "ad", PASSWORD)
    for path in (
        "/queues/escalations",
        "/queues/review",
        "/queues/comms",
        f"/items/{world.item_for('threat', 'escalations')}",
        f"/items/{world.item_for('misinformation', 'review')}",
        f"/items/{world.item_for('complaint', 'comms')}",
        "/search?q=bins",
        "/audit",
        "/admin/users",
        "/items/999999",
    ):
        browser.get(base + path)
        wait_for(browser, "main h1")
        pages[path] = axe_violations(browser)
    assert {p: v for p, v in pages.items() if v} == {}


def test_screenshots_of_the_queue_and_an_item_for_the_readme(
    world: World, base: str, browser: WebDriver
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(browser, base, "mo", PASSWORD)
    browser.set_window_size(1280, 860)
    browser.get(base + "/queues/review")
    wait_for(browser, "tbody#rows tr[data-item]")
    assert browser.save_screenshot(str(SCREENSHOTS / "review-queue.png"))
    browser.set_window_size(1280, 1500)
    browser.get(f"{base}/items/{world.item_for('misinformation', 'review')}")
    wait_for(browser, ".official-line")
    assert browser.save_screenshot(str(SCREENSHOTS / "review-item.png"))
