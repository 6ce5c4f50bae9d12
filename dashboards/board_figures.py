"""A dashboard's charts counted and drawn together, and kept until the data changes.

A page shows four to six charts; each is counted by its own query and drawn by vl-convert.
`BoardFigures` does them at once on a few threads (SQLite and vl-convert both work outside
Python's lock, so on a machine with more than one core they overlap), each thread with a
read-only connection of its own to the store's file (`PooledSqliteSource`).

Each drawn chart is kept, keyed by the data it was counted from: while the store has not
changed (SQLite's `data_version` says whether any other connection has written to the file
since) and for at most `seconds`, the next viewer gets the same drawing; after a change the
chart is counted again, so a decision or a new comment shows on the next view. Elasticsearch
has no such counter: there the drawing is kept for `seconds` only.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dashboards import sqlite_query
from dashboards.model import Chart, Dashboard, Row
from dashboards.render import DrawnChart, draw
from dashboards.sources import ChartSource

WORKERS = max(2, min(4, os.cpu_count() or 2))
MMAP_BYTES = 1 << 30


class PooledSqliteSource:
    """Runs each chart's SQL on the calling thread's own read-only connection, so charts are
    counted side by side; `version()` changes whenever another connection writes the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite_query.connect(self.path)
            # Charts read a good part of the table: a larger page cache (64 MiB) saves
            # reading the same pages again for the next chart, and reading the file through
            # memory mapping (up to 1 GiB; the pages are the operating system's, shared by
            # every connection) saves copying each page (a third of a page's time).
            db.execute("PRAGMA cache_size=-65536")
            db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        return db

    def rows(self, chart: Chart, now: datetime) -> list[Row]:
        return sqlite_query.rows(self._connection(), chart, now)

    def version(self) -> Hashable:
        with self._lock:
            if self._watch is None:
                self._watch = sqlite_query.connect(self.path)
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            for db in [*self._opened, *([self._watch] if self._watch else [])]:
                db.close()
            self._opened, self._watch = [], None


@dataclass(frozen=True, slots=True)
class _Kept:
    at: float  # monotonic time it was counted
    version: Hashable
    counted: datetime
    drawn: DrawnChart


class BoardFigures:
    """Each chart of a board, drawn, with the moment its figures were counted."""

    def __init__(
        self,
        source: ChartSource,
        seconds: float,
        version: Callable[[], Hashable] | None = None,
        *,
        workers: int = WORKERS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.seconds = seconds
        self.version = version or (lambda: None)
        self.monotonic = monotonic
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="dashboards")
        self._kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()

    def _fresh(self, chart: Chart, version: Hashable) -> _Kept | None:
        with self._lock:
            kept = self._kept.get(chart.name)
        if kept is None or kept.version != version:
            return None
        return kept if self.monotonic() - kept.at < self.seconds else None

    def _count_and_draw(self, chart: Chart, version: Hashable, now: datetime) -> _Kept:
        kept = _Kept(self.monotonic(), version, now, draw(chart, self.source.rows(chart, now), now))
        with self._lock:
            self._kept[chart.name] = kept
        return kept

    def board(self, board: Dashboard, now: datetime) -> tuple[list[DrawnChart], datetime]:
        """The board's charts in order, and the moment of its oldest figures."""
        version = self.version()
        found = {c.name: self._fresh(c, version) for c in board.charts}
        todo = [c for c in board.charts if found[c.name] is None]
        for chart, kept in zip(
            todo,
            self._pool.map(lambda c: self._count_and_draw(c, version, now), todo),
            strict=True,
        ):
            found[chart.name] = kept
        drawn = [k for k in found.values() if k is not None]
        return [k.drawn for k in drawn], min((k.counted for k in drawn), default=now)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
