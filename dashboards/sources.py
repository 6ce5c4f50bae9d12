"""Where a dashboard's numbers come from: Elasticsearch (scale-out) or the SQLite file
(embedded). Both answer `rows(chart, now)` with the same rows for the same comments; the
contract test in tests/integration/test_dashboards_on_elasticsearch.py holds them to it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from elasticsearch import Elasticsearch

from dashboards import es_query, sqlite_query
from dashboards.model import Chart, Row, Source
from store.es_templates import IndexNames


class ChartSource(Protocol):
    def rows(self, chart: Chart, now: datetime) -> list[Row]:
        """The chart's rows as of `now`."""
        ...


def index_for(names: IndexNames, source: Source) -> str:
    return {
        Source.COMMENTS: names.comments,
        Source.QUEUE: names.queue,
        Source.AUDIT: names.audit,
    }[source]


class ElasticsearchSource:
    """Runs each chart's plain request (the one its Kibana panel carries). Elasticsearch
    keeps its own clock for the windows, so `now` is not sent."""

    def __init__(self, client: Elasticsearch, names: IndexNames) -> None:
        self.client = client
        self.names = names

    def response(self, chart: Chart, after: list[Any] | None = None) -> dict[str, Any]:
        body = es_query.request_body(chart, after)
        found = self.client.search(
            index=index_for(self.names, chart.source),
            ignore_unavailable=True,
            allow_no_indices=True,
            **body,
        )
        answer: dict[str, Any] = found.body
        return answer

    def close(self) -> None:
        """Nothing to close: the client is its store's."""

    def rows(self, chart: Chart, now: datetime) -> list[Row]:
        if chart.listing is None or chart.listing.size is not None:
            return es_query.rows_from_response(chart, self.response(chart))
        found: list[Row] = []
        after: list[Any] | None = None
        while True:
            answer = self.response(chart, after)
            found += es_query.rows_from_response(chart, answer)
            hits = answer["hits"]["hits"]
            if len(hits) < es_query.PAGE:
                return found
            after = hits[-1]["sort"]


class SqliteSource:
    """Runs each chart's SQL on a read-only connection of its own to the store's file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def rows(self, chart: Chart, now: datetime) -> list[Row]:
        with self._lock:
            if self._db is None:
                self._db = sqlite_query.connect(self.path)
                # Charts read a good part of the table: a larger page cache (64 MiB) saves
                # reading the same pages again for the next chart.
                self._db.execute("PRAGMA cache_size=-65536")
            return sqlite_query.rows(self._db, chart, now)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def source_for(store: object) -> ElasticsearchSource | SqliteSource:
    """The charts' source for an open store: its Elasticsearch client, or a read-only
    connection of its own to the store's SQLite file."""
    from store.elasticsearch import ElasticsearchStore
    from store.sqlite import SqliteStore

    if isinstance(store, ElasticsearchStore):
        return ElasticsearchSource(store.client, store.names)
    if isinstance(store, SqliteStore):
        return SqliteSource(Path(store.path))
    raise TypeError(f"no chart source for a {type(store).__name__}")


class RecentSource:
    """Keeps each chart's rows for `seconds`, so people opening the same dashboard within
    that time share one count rather than each recounting the store. Every page says when
    its figures are from."""

    def __init__(
        self,
        source: ChartSource,
        seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.seconds = seconds
        self.monotonic = monotonic
        self._kept: dict[str, tuple[float, datetime, list[Row]]] = {}
        self._lock = threading.Lock()

    def rows_as_of(self, chart: Chart, now: datetime) -> tuple[datetime, list[Row]]:
        """The rows and the moment they were counted."""
        with self._lock:
            kept = self._kept.get(chart.name)
        if kept is not None and self.monotonic() - kept[0] < self.seconds:
            return kept[1], [dict(row) for row in kept[2]]
        rows = self.source.rows(chart, now)
        with self._lock:
            self._kept[chart.name] = (self.monotonic(), now, rows)
        return now, [dict(row) for row in rows]

    def rows(self, chart: Chart, now: datetime) -> list[Row]:
        return self.rows_as_of(chart, now)[1]
