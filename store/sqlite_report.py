"""The weekly report's reads on the SQLite store (see `store.report_reads`).

Comment times are stored as UTC ISO strings, so a week is a range on the indexed
`created_at` column.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from store.base import StoredComment
from store.report_reads import CommentText
from store.sqlite import SqliteStore


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class SqliteReportReads:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def _rows(self, sql: str, args: Sequence[object]) -> list[tuple[object, ...]]:
        with self.store._lock:
            return self.store._db.execute(sql, list(args)).fetchall()

    def comments_between(self, since: datetime, until: datetime) -> list[StoredComment]:
        rows = self._rows(
            "SELECT document, platform_state, indexed_at, created_at, key FROM comments"
            " WHERE created_at >= ? AND created_at < ?",
            (_utc(since), _utc(until)),
        )
        found = [(self.store._stored(r[:3]), str(r[4])) for r in rows]  # type: ignore[arg-type]
        found.sort(key=lambda s: (s[0].classified.comment.created_at, s[1]))
        return [s for s, _ in found]

    def texts_between(self, since: datetime, until: datetime) -> list[CommentText]:
        rows = self._rows(
            "SELECT key, created_at, text FROM comments WHERE created_at >= ? AND created_at < ?",
            (_utc(since), _utc(until)),
        )
        texts = [CommentText(str(k), datetime.fromisoformat(str(at)), str(t)) for k, at, t in rows]
        texts.sort(key=lambda c: (c.created_at, c.key))
        return texts

    def authors_between(self, since: datetime, until: datetime) -> list[tuple[str, str]]:
        rows = self._rows(
            "SELECT platform, coalesce(nullif(json_extract(document, '$.comment.author_id'), ''),"
            " author_handle) AS author FROM comments WHERE created_at >= ? AND created_at < ?"
            " AND author <> ''",
            (_utc(since), _utc(until)),
        )
        return [(str(platform), str(author)) for platform, author in rows]
