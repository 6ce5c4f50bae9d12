"""What the weekly report reads from a store, the same from SQLite and from Elasticsearch.

The report works out every figure itself from these rows, so both stores give the same
numbers by construction; the contract test (tests/integration/test_report_contract.py)
holds the reads to that. Whole weeks are read at once: a week of 50,000 comments is a few
seconds on either store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from moderation.review import AuditEvent, ReviewStatus
from moderation.verdict import Route
from store.base import Counts, Store, StoredComment


@dataclass(frozen=True, slots=True)
class CommentText:
    """Just what the tone model reads: for the weeks of a trend, where nothing else is."""

    key: str
    created_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class QueueState:
    """Where a comment's queue item stands now."""

    comment_key: str
    queue: Route
    status: ReviewStatus


class ReportReads(Protocol):
    def comments_between(self, since: datetime, until: datetime) -> list[StoredComment]:
        """Every comment created in [since, until), oldest first (ties by key)."""
        ...

    def texts_between(self, since: datetime, until: datetime) -> list[CommentText]:
        """The key, time and text of every comment created in [since, until), oldest first."""
        ...

    def counts_between(self, since: datetime, until: datetime) -> Counts:
        """As `Store.counts` for [since, until)."""
        ...

    def surfaces_between(self, since: datetime, until: datetime) -> dict[str, int]:
        """Comments created in [since, until) by surface (own_page, mention)."""
        ...

    def events_for(self, keys: Sequence[str]) -> list[AuditEvent]:
        """Every audit event about these comments, in the order written."""
        ...

    def events_between(
        self, since: datetime, until: datetime, names: Sequence[str]
    ) -> list[AuditEvent]:
        """Audit events named `names` that happened in [since, until), in the order written."""
        ...

    def queue_states_for(self, keys: Sequence[str]) -> list[QueueState]:
        """Every queue item of these comments, open or closed."""
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
