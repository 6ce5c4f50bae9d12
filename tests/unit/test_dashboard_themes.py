"""The Reputation dashboard's themes panel: the weekly report's themes, read from its theme
book, with the report's own shares; drawn to an image that is not blank; empty (and saying
why) before the first report; words from comments shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboards.rows import one_decimal
from moderation.model import ToxicityModel
from reports.data import WeeklyReport
from reports.themes import BookTheme, ThemeBook
from reports.tone import ToneModel
from review_app import dashboard_themes as themes
from store.sqlite import SqliteStore
from tests import report_world as world
from tests.unit.test_dashboard_charts import coloured_share
from tests.unit.test_report_figures import make_report


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WeeklyReport, Path]]:
    """The weekly report on the hand-counted fortnight, and the folder it keeps its state in."""
    folder = tmp_path_factory.mktemp("report")
    store = SqliteStore(folder / "houserules.db")
    world.seed(store)
    report = make_report(store, ToneModel(ToxicityModel.load()), folder / "state")
    store.close()
    yield report, folder / "state"


def test_the_panel_shows_the_reports_themes_with_the_reports_shares(
    reported: tuple[WeeklyReport, Path],
) -> None:
    report, state = reported
    assert report.themes.themes, "the fortnight is grouped into themes"
    rows = themes.theme_rows(themes.read_book(state))
    this_week = [r for r in rows if r["week"] == world.WEEK]
    assert this_week == [
        # one decimal, half up, as every dashboard rounds (53.85 shows as 53.9)
        {"theme": f"{t.name} {t.label}", "week": world.WEEK, "share": one_decimal(100 * t.share)}
        for t in sorted(report.themes.themes, key=lambda t: (-t.share, t.theme_id))
    ]
    last_week = {r["theme"]: r["share"] for r in rows if r["week"] == "2026-W46"}
    for t in report.themes.themes:
        if t.last_week_share is None:
            assert f"{t.name} {t.label}" not in last_week, "new this week"
        else:
            assert last_week[f"{t.name} {t.label}"] == round(100 * t.last_week_share, 1)


def test_the_panel_is_drawn_and_its_summary_names_this_weeks_shares(
    reported: tuple[WeeklyReport, Path],
) -> None:
    report, state = reported
    drawn = themes.draw(state)
    assert coloured_share(themes.png(drawn.rows)) > coloured_share(themes.png([])) + 0.002
    biggest = max(report.themes.themes, key=lambda t: (t.share, -t.theme_id))
    assert f"week {world.WEEK}: {biggest.name} {biggest.label} " in drawn.summary
    assert drawn.header == ["Theme", "Week", "Share of comments read (%)"]


def book(weeks: dict[str, list[tuple[int, str, float]]]) -> ThemeBook:
    found = ThemeBook("tone-v1", next_id=10)
    for week, listed in weeks.items():
        found.weeks[week] = [BookTheme(i, label, (1.0, 0.0), share) for i, label, share in listed]
    return found


def test_only_this_weeks_themes_are_followed_back_over_the_latest_weeks(tmp_path: Path) -> None:
    weeks = {f"2026-W{n:02d}": [(1, "bins, collection", 0.1 + n / 100)] for n in range(30, 40)}
    weeks["2026-W39"].append((7, "", 0.05))
    weeks["2026-W38"].append((3, "parking", 0.5))  # gone by this week
    book(weeks).save(tmp_path)
    rows = themes.theme_rows(themes.read_book(tmp_path))
    assert [r["week"] for r in rows if r["theme"] == "T1 bins, collection"] == [
        f"2026-W{n}" for n in range(40 - themes.WEEKS, 40)
    ]
    assert rows[-1] == {"theme": "T7 (no distinctive words)", "week": "2026-W39", "share": 5.0}
    assert not any(str(r["theme"]).startswith("T3") for r in rows)


def test_before_the_first_report_the_panel_says_there_are_no_themes_yet(tmp_path: Path) -> None:
    assert themes.read_book(tmp_path) is None
    (tmp_path / "themes.json").write_text("[not a theme book", encoding="utf-8")
    assert themes.read_book(tmp_path) is None
    drawn = themes.draw(tmp_path)
    assert drawn.rows == [] and "none yet" in drawn.summary
    assert themes.draw(None).rows == []


def test_words_from_comments_are_text_in_the_drawing(tmp_path: Path) -> None:
    book({"2026-W47": [(2, "<script>alert(1)</script>, bins", 0.25)]}).save(tmp_path)
    drawn = themes.draw(tmp_path)
    assert "<script>" not in drawn.svg and "&lt;script&gt;" in drawn.svg
    assert drawn.rows == [
        {"theme": "T2 <script>alert(1)</script>, bins", "week": "2026-W47", "share": 25.0}
    ]
