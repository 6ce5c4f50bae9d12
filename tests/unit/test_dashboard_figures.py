"""How the review app keeps a dashboard quick: its charts counted side by side, each drawing
kept until the store changes or the cache time passes, and the index the time-to-hide query
needs added to the store's file (without it SQLite reads every hide for each comment)."""

from __future__ import annotations

import sqlite3
from collections.abc import Hashable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboards import sqlite_query
from dashboards.board_figures import BoardFigures, PooledSqliteSource
from dashboards.catalogue import CHARTS, dashboard
from dashboards.model import Chart, Row
from dashboards.sqlite_indexes import INDEXES, ensure_indexes
from moderation.review import AuditEvent
from store.sqlite import SqliteStore
from tests.dashboard_seed import expected_rows, seed, unordered

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


class Counting:
    """A source that counts how often each chart is counted (and finds nothing)."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def rows(self, chart: Chart, now: datetime) -> list[Row]:
        self.calls[chart.name] = self.calls.get(chart.name, 0) + 1
        return []


def test_a_drawing_is_kept_until_the_store_changes_or_the_cache_time_passes() -> None:
    board = dashboard("comms")
    assert board is not None
    clock, version = [100.0], [1]
    counting = Counting()
    figures = BoardFigures(counting, 60, lambda: version[0], monotonic=lambda: clock[0])
    first, counted = figures.board(board, NOW)
    assert [d.chart.name for d in first] == [c.name for c in board.charts], "in the board's order"
    assert counted == NOW and set(counting.calls.values()) == {1}

    clock[0] += 30
    again, counted = figures.board(board, NOW + timedelta(seconds=30))
    assert counted == NOW, "unchanged and under a minute old: the same figures"
    assert all(a is b for a, b in zip(again, first, strict=True))

    version[0] = 2
    _, counted = figures.board(board, NOW + timedelta(seconds=31))
    assert counted == NOW + timedelta(seconds=31), "the store changed: counted again"
    assert set(counting.calls.values()) == {2}

    clock[0] += 61
    figures.board(board, NOW + timedelta(seconds=92))
    assert set(counting.calls.values()) == {3}, "over a minute old: counted again"


def test_with_no_cache_time_every_view_is_counted_afresh() -> None:
    board = dashboard("triage")
    assert board is not None
    counting = Counting()
    figures = BoardFigures(counting, 0, lambda: 1)
    figures.board(board, NOW)
    figures.board(board, NOW)
    assert set(counting.calls.values()) == {2}


def test_charts_counted_side_by_side_give_the_hand_counted_rows(tmp_path: Path) -> None:
    path = tmp_path / "houserules.db"
    store = SqliteStore(path)
    seed(store, NOW)
    pooled = PooledSqliteSource(path)
    figures = BoardFigures(pooled, 60, pooled.version, workers=4)
    expected = expected_rows(NOW)
    for name in ("comms", "accountability"):
        board = dashboard(name)
        assert board is not None
        for drawn in figures.board(board, NOW)[0]:
            assert unordered(drawn.rows) == unordered(expected[drawn.chart.name]), drawn.chart.name
    seen: Hashable = pooled.version()
    assert pooled.version() == seen
    store.append_audit(AuditEvent(NOW, "houserules", "service_spike", "facebook:c6", "spike"))
    assert pooled.version() != seen, "another connection wrote to the file"
    pooled.close()
    store.close()


def _plans(path: Path, chart: Chart) -> list[str]:
    db = sqlite_query.connect(path)
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    sqlite_query.rows(db, chart, NOW)
    db.set_trace_callback(None)
    plans = [str(step[3]) for s in statements for step in db.execute("EXPLAIN QUERY PLAN " + s)]
    db.close()
    return plans


def test_the_time_to_hide_looks_up_each_comments_hide_by_the_dashboards_index(
    tmp_path: Path,
) -> None:
    path = tmp_path / "houserules.db"
    store = SqliteStore(path)
    seed(store, NOW)
    chart = CHARTS["time_to_hide_by_model"]
    assert not any("dashboards_audit_comment_event" in p for p in _plans(path, chart))
    assert ensure_indexes(path) == list(INDEXES)
    assert ensure_indexes(path) == [], "made once"
    assert any(
        "USING COVERING INDEX dashboards_audit_comment_event (comment_key=? AND event=?)" in p
        for p in _plans(path, chart)
    )
    store.close()
    reopened = SqliteStore(path)
    reopened.close()
    with sqlite3.connect(path) as db:
        names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert set(INDEXES) <= names, "the store keeps the index when it opens the file again"


def test_a_store_that_cannot_take_the_index_is_left_as_it_is(tmp_path: Path) -> None:
    assert ensure_indexes(tmp_path / "missing" / "houserules.db") == []


def test_the_bench_seeds_hides_and_decisions_and_times_every_board(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from houserules.cli import main

    env = {"HOUSERULES_DATA_DIR": str(tmp_path / "unused")}
    args = ["dashboards", "bench", "--comments", "400", "--rounds", "2", "--keep", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["comments"] == 400
    for kind in ("counted_afresh", "repeat_view"):
        assert set(found[kind]) == {"triage", "comms", "reputation", "accountability", "all"}
        assert found[kind]["all"]["requests"] == 8
    with sqlite3.connect(tmp_path / "houserules.db") as db:
        events = dict(db.execute("SELECT event, COUNT(*) FROM audit GROUP BY event").fetchall())
    assert events["hidden"] > 0 and events["confirm"] > 0 and events["done"] > 0
