"""What the weekly report reads from a store, the same from SQLite and from Elasticsearch.

These are the comments themselves: their text for the tone model and the themes, their
verdicts for quoting and the fairness check. Every count the report shows is read through
the dashboards' charts on the same store instead (see reports.counts), so the report and the
dashboards count each figure in one place. The contract test
(tests/integration/test_report_contract.py) holds both stores to the same report. Whole
weeks are read at once: a week of 50,000 comments is a few seconds on either store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from store.base import Store, StoredComment


@dataclass(frozen=True, slots=True)
class CommentText:
    """Just what the tone model reads: for the weeks of a trend, where nothing else is."""

    key: str
    created_at: datetime
    text: str


class ReportReads(Protocol):
    def comments_between(self, since: datetime, until: datetime) -> list[StoredComment]:
        """Every comment created in [since, until), oldest first (ties by key)."""
        ...

    def texts_between(self, since: datetime, until: datetime) -> list[CommentText]:
        """The key, time and text of every comment created in [since, until), oldest first."""
        ...

    def authors_between(self, since: datetime, until: datetime) -> list[tuple[str, str]]:
        """(platform, author id or else handle) of every comment created in [since, until)
        that names its author, in no particular order."""
        ...


def report_reads(store: Store) -> ReportReads:
    """The report's reads on this store."""
    from store.elasticsearch import ElasticsearchStore
    from store.sqlite import SqliteStore

    if isinstance(store, SqliteStore):
        from store.sqlite_report import SqliteReportReads

        return SqliteReportReads(store)
    if isinstance(store, ElasticsearchStore):
        from store.es_report import ElasticsearchReportReads

        return ElasticsearchReportReads(store)
    raise TypeError(f"no report reads for a {type(store).__name__}")
