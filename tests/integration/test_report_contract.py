"""The weekly report from Elasticsearch: the same hand count as on SQLite, and the same
report, figure for figure, as from a SQLite store holding the same comments.

The Elasticsearch store runs against the real local node from conftest, under an index
prefix of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboards.model import Chart, Listing, Plot, Source
from dashboards.sources import source_for
from houserules.settings import ElasticsearchSettings
from moderation.model import ToxicityModel
from reports.figures import ReportContext, weekly_report
from reports.pseudonyms import Pseudonyms
from reports.settings import ReportSettings
from reports.tone import ToneModel
from reports.week import ReportWeek
from store.base import Store
from store.elasticsearch import ElasticsearchStore
from store.report_reads import report_reads
from store.sqlite import SqliteStore
from tests import report_world as world
from tests.integration.test_store_contract import remove_indices

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def tone() -> ToneModel:
    return ToneModel(ToxicityModel.load())


@pytest.fixture
def es_store(elasticsearch: object) -> Iterator[ElasticsearchStore]:
    url = elasticsearch.url  # type: ignore[attr-defined]
    settings = ElasticsearchSettings(url=url, index_prefix=f"report-{uuid.uuid4().hex[:12]}")
    store = ElasticsearchStore.connect(settings)
    try:
        yield store
    finally:
        remove_indices(store)
        store.close()


def _report(store: Store, tone: ToneModel, state: Path, name: str) -> dict[str, object]:
    context = ReportContext(
        tone=tone,
        pseudonyms=Pseudonyms(b"a test key of thirty-two bytes!!"),
        settings=ReportSettings(),
        state_dir=state,
        fact_topics=world.FACT_TOPICS,
        store_name=name,
    )
    report = weekly_report(
        report_reads(store), source_for(store), ReportWeek.parse(world.WEEK), context, NOW
    )
    world.assert_counts_by_hand(report)
    return report.to_json()


def test_elasticsearch_and_sqlite_give_the_hand_counted_figures_and_the_same_report(
    es_store: ElasticsearchStore, tone: ToneModel, tmp_path: Path
) -> None:
    world.seed(es_store)
    sqlite = SqliteStore(tmp_path / "houserules.db")
    world.seed(sqlite)
    from_es = _report(es_store, tone, tmp_path / "es-state", "elasticsearch")
    from_sqlite = _report(sqlite, tone, tmp_path / "sqlite-state", "sqlite")
    sqlite.close()
    assert from_es.pop("store") == "elasticsearch" and from_sqlite.pop("store") == "sqlite"
    assert from_es == from_sqlite


def test_a_week_larger_than_one_page_of_hits_is_read_whole(
    es_store: ElasticsearchStore, tmp_path: Path
) -> None:
    from datetime import timedelta

    from moderation.comment import Comment, Platform, Surface
    from moderation.review import PlatformState
    from moderation.verdict import Action, ClassifiedComment, Verdict
    from store.base import ProcessedComment

    monday = world.MONDAY
    items = []
    for n in range(4500):
        c = Comment(
            Platform.FACEBOOK,
            Surface.OWN_PAGE,
            f"bulk{n}",
            f"comment number {n}",
            monday + timedelta(seconds=n * 100),
            author_handle=f"a{n}",
        )
        verdict = Verdict(c.key, Action.ALLOW, (), (), False, False, "r", "m")
        items.append(ProcessedComment(ClassifiedComment(c, verdict), PlatformState.NONE))
    for start in range(0, len(items), 1500):
        es_store.save(items[start : start + 1500])
    reads = report_reads(es_store)
    week = ReportWeek.parse(world.WEEK)
    inside = [i for i in items if i.classified.comment.created_at < week.end]
    found = reads.comments_between(week.start, week.end)
    assert [s.classified.comment.key for s in found] == [i.key for i in inside]
    assert len(reads.texts_between(week.start, week.end)) == len(inside)
    # A listing of every record is read page after page (2,000 a page), none missed.
    listing = Chart(
        name="every_comment",
        title="Every comment",
        question="",
        source=Source.COMMENTS,
        plot=Plot(),
        listing=Listing("created_at", None, (("key", "key", "Key"),)),
    )
    listed = source_for(es_store).rows(listing.between(week.start, week.end), NOW)
    assert [r["key"] for r in listed] == [i.key for i in inside]
