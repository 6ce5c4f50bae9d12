"""The weekly report's reads on the SQLite store (see `store.report_reads`).

Comment times are stored as UTC ISO strings, so a week is a range on the indexed
`created_at` column; audit times keep the writer's offset, so they are compared through
julianday, as `SqliteStore.audit_page` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from moderation.review import AuditEvent, ReviewStatus
from moderation.verdict import Route
from store.base import Counts, StoredComment
from store.report_reads import CommentText, QueueState
from store.sqlite import SqliteStore

_CHUNK = 500


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _event(row: tuple[str, str, str, str, str, int | None]) -> AuditEvent:
    return AuditEvent(datetime.fromisoformat(row[0]), row[1], row[2], row[3], row[4], row[5])


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

    def counts_between(self, since: datetime, until: datetime) -> Counts:
        return self.store.counts(since, until)

    def surfaces_between(self, since: datetime, until: datetime) -> dict[str, int]:
        rows = self._rows(
            "SELECT surface, count(*) FROM comments WHERE created_at >= ? AND created_at < ?"
            " GROUP BY surface",
            (_utc(since), _utc(until)),
        )
        return {str(surface): int(str(n)) for surface, n in rows}

    def events_for(self, keys: Sequence[str]) -> list[AuditEvent]:
        rows: list[tuple[object, ...]] = []
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            rows += self._rows(
                "SELECT at, actor, event, comment_key, detail, item_id, id FROM audit"
                f" WHERE comment_key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        rows.sort(key=lambda r: int(str(r[6])))
        return [_event(r[:6]) for r in rows]  # type: ignore[arg-type]

    def events_between(
        self, since: datetime, until: datetime, names: Sequence[str]
    ) -> list[AuditEvent]:
        if not names:
            return []
        rows = self._rows(
            "SELECT at, actor, event, comment_key, detail, item_id FROM audit"
            " WHERE julianday(at) >= julianday(?) AND julianday(at) < julianday(?)"
            f" AND event IN ({','.join('?' * len(names))}) ORDER BY id",
            (since.isoformat(), until.isoformat(), *names),
        )
        return [_event(r) for r in rows]  # type: ignore[arg-type]

    def queue_states_for(self, keys: Sequence[str]) -> list[QueueState]:
        states: list[QueueState] = []
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            for key, queue, status in self._rows(
                "SELECT comment_key, queue, status FROM queue_items"
                f" WHERE comment_key IN ({','.join('?' * len(chunk))}) ORDER BY id",
                chunk,
            ):
                states.append(QueueState(str(key), Route(str(queue)), ReviewStatus(str(status))))
        return states
