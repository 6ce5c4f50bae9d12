"""The weekly report's figures on the SQLite store, against a fortnight counted by hand
(tests/report_world.py), and what the report must never show: who wrote what."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboards.sources import source_for
from moderation.model import ToxicityModel
from reports.data import WeeklyReport
from reports.figures import ReportContext, timing, weekly_report
from reports.html import render_html
from reports.pseudonyms import Pseudonyms
from reports.quoting import Quoter
from reports.settings import ReportSettings
from reports.tone import ToneModel
from reports.week import ReportWeek
from store.report_reads import report_reads
from store.sqlite import SqliteStore
from tests import report_world as world

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def tone() -> ToneModel:
    return ToneModel(ToxicityModel.load())


def make_report(store: SqliteStore, tone: ToneModel, state: Path) -> WeeklyReport:
    context = ReportContext(
        tone=tone,
        pseudonyms=Pseudonyms(b"a test key of thirty-two bytes!!"),
        settings=ReportSettings(organisation="Testshire Council"),
        state_dir=state,
        fact_topics=world.FACT_TOPICS,
        store_name="sqlite",
    )
    return weekly_report(
        report_reads(store), source_for(store), ReportWeek.parse(world.WEEK), context, NOW
    )


@pytest.fixture(scope="module")
def report(tone: ToneModel, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WeeklyReport]:
    folder = tmp_path_factory.mktemp("report")
    store = SqliteStore(folder / "houserules.db")
    world.seed(store)
    yield make_report(store, tone, folder / "state")
    store.close()


def test_every_figure_matches_the_hand_count(report: WeeklyReport) -> None:
    world.assert_counts_by_hand(report)


def test_no_author_appears_anywhere_in_the_report(report: WeeklyReport) -> None:
    page = render_html(report)
    data = json.dumps(report.to_json(), ensure_ascii=False)
    for author in world.AUTHORS:
        assert author.lower() not in page.lower(), author
        assert author.lower() not in data.lower(), author
    assert world.PHONE not in page and world.PHONE not in data


def test_a_reply_naming_another_commenter_is_quoted_without_the_name(
    report: WeeklyReport,
) -> None:
    reply = "@sx_vigilante you are wrong, Paula Dransfield was right about the crews."
    masked = "@[someone] you are wrong, [a resident] was right about the crews."
    # a quote masks the names of the week's authors (reports/figures.py) and every @mention
    assert Quoter(["Paula Dransfield", "Tom Hebden"]).quote(reply) == masked
    # whether the reply is one of its theme's two or three examples depends on the encoder
    quoted = [q for t in report.themes.themes for q in t.examples if "wrong" in q]
    assert all(q == masked for q in quoted)


def test_the_same_store_and_week_give_the_same_report(
    report: WeeklyReport, tone: ToneModel, tmp_path: Path
) -> None:
    store = SqliteStore(tmp_path / "houserules.db")
    world.seed(store)
    again = make_report(store, tone, tmp_path / "state")
    store.close()
    assert again.to_json() == report.to_json()


def test_a_week_with_nothing_in_it_still_makes_a_report(tone: ToneModel, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "houserules.db")
    empty = make_report(store, tone, tmp_path / "state")
    store.close()
    assert empty.comments == 0 and empty.themes.themes == ()
    assert empty.moderation.over_moderation is None
    assert "Too few comments" in empty.themes.note
    assert "Weekly reputation report" in render_html(empty)


def test_median_and_90th_percentile_are_by_nearest_rank() -> None:
    assert timing([]).count == 0 and timing([]).median_minutes is None
    ten = timing([float(n) for n in range(1, 11)])
    assert (ten.median_minutes, ten.p90_minutes) == (5.5, 9.0)
    assert (timing([7.0]).median_minutes, timing([7.0]).p90_minutes) == (7.0, 7.0)


def test_the_same_comments_in_two_weeks_keep_their_theme_ids(
    tone: ToneModel, tmp_path: Path
) -> None:
    from datetime import timedelta

    from moderation.comment import Comment, Platform, Surface
    from moderation.review import PlatformState
    from moderation.verdict import Action, ClassifiedComment, Verdict
    from store.base import ProcessedComment

    demo = Path(__file__).resolve().parents[2] / "houserules" / "demo_data" / "comments.jsonl"
    texts = [json.loads(line)["text"] for line in demo.read_text().splitlines()[:60]]
    items = []
    for weeks_back, monday in ((1, world.LAST_MONDAY), (0, world.MONDAY)):
        for n, text in enumerate(texts):
            c = Comment(
                Platform.FACEBOOK,
                Surface.OWN_PAGE,
                f"w{weeks_back}-{n}",
                text,
                monday + timedelta(hours=2 * n),
                author_handle=f"r{n}",
            )
            verdict = Verdict(c.key, Action.ALLOW, (), (), False, False, "r", "m")
            items.append(ProcessedComment(ClassifiedComment(c, verdict), PlatformState.NONE))
    store = SqliteStore(tmp_path / "houserules.db")
    store.save(items)
    report = make_report(store, tone, tmp_path / "state")
    store.close()
    found = report.themes.themes
    assert len(found) >= 3
    for theme in found:
        assert theme.last_week_share == theme.share, theme.name
    assert report.themes.gone == ()
    book = json.loads((tmp_path / "state" / "themes.json").read_text())
    ids = {week: sorted(t["id"] for t in found) for week, found in book["weeks"].items()}
    assert ids["2026-W46"] == ids["2026-W47"] == sorted(t.theme_id for t in found)


def test_a_second_run_reads_only_its_own_week_and_gives_the_same_report(
    tone: ToneModel, tmp_path: Path
) -> None:
    store = SqliteStore(tmp_path / "houserules.db")
    world.seed(store)
    read: list[int] = []

    class Counting(ToneModel):
        def __init__(self) -> None:
            self.__dict__.update(tone.__dict__)

        def read(self, texts):  # type: ignore[no-untyped-def]
            read.append(len(texts))
            return tone.read(texts)

    counting = Counting()
    first = make_report(store, counting, tmp_path / "state")
    second = make_report(store, counting, tmp_path / "state")
    assert second.to_json() == first.to_json()
    assert read == [13 + 5 + 1, 13], "the second run reads only the report's own week"
    store.save([world.other_weeks()[0].processed()])  # the same comment again: no change
    late = world.this_week()[0]
    from dataclasses import replace as copy

    moved = copy(late.comment, comment_id="late", created_at=world.LAST_MONDAY)
    store.save(
        [copy(late, comment=moved, verdict=copy(late.verdict, comment_key=moved.key)).processed()]
    )
    third = make_report(store, counting, tmp_path / "state")
    assert read[-1] == 13 + 6, "a week that changed is read again"
    assert third.tone.last_week.read == 6
    store.close()


def test_the_report_counts_what_the_dashboards_count_over_its_week(
    report: WeeklyReport, tmp_path: Path
) -> None:
    """The report's figures are the dashboards' charts over the report's week: the same
    chart, read from the same store, gives the same numbers."""
    from collections import Counter

    from dashboards import catalogue

    store = SqliteStore(tmp_path / "houserules.db")
    world.seed(store)
    charts = source_for(store)
    week = ReportWeek.parse(world.WEEK)

    def rows(chart):  # type: ignore[no-untyped-def]
        return charts.rows(chart.between(week.start, week.end), NOW)

    by_service: Counter[str] = Counter()
    for row in rows(catalogue.CHARTS["complaints_by_service"]):
        by_service[row["service"]] += row["comments"]
    assert by_service == {c.name: c.this_week for c in report.complaints.by_service}
    decided = rows(catalogue.CHARTS["restores_by_model"])
    m = report.moderation
    assert sum(r["decided"] for r in decided) == m.confirmed + m.restored
    assert sum(r["restored"] for r in decided) == m.restored
    facts = {r["fact"]: r for r in rows(catalogue.CHARTS["misinformation_by_fact"])}
    assert {f: r["comments"] for f, r in facts.items()} == {
        e.fact_id: e.claims + e.questions for e in report.misinformation.entries
    }
    places = {
        (r["service"], r["place"]): r["comments"]
        for r in rows(catalogue.CHARTS["complaints_by_place"])
    }
    assert places == {(p.service, p.place): p.comments for p in report.complaints.by_place}
    answered = rows(catalogue.CHARTS["comms_answered"])
    assert sum(r["items"] for r in answered) == m.comms_items
    charts.close()
    store.close()


def test_a_chart_over_a_week_replaces_its_recent_days_or_gains_the_records_time() -> None:
    from dashboards import catalogue
    from dashboards.model import Between, InLastDays

    week = ReportWeek.parse(world.WEEK)
    hides = catalogue.CHARTS["hides_by_rule"].between(week.start, week.end)
    assert not any(isinstance(c, InLastDays) for c in hides.where)
    assert Between("created_at", week.start, week.end) in hides.where
    assert hides.groups == catalogue.CHARTS["hides_by_rule"].groups
    restores = catalogue.CHARTS["restores_by_rule"].between(week.start, week.end)
    assert restores.where[-1] == Between("comment_created_at", week.start, week.end)
