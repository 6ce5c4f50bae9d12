"""The single-machine store: SQLite in WAL mode, with FTS5 full-text search over the text.

Writes for a batch happen in one transaction, so a crash leaves either all of a comment's
records or none. Queue items are unique per (queue, comment), and the audit table refuses
updates and deletes with triggers, so nothing in the app can rewrite history.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from moderation import wire
from moderation.review import AuditEvent, PlatformState, QueueItem, ReviewStatus
from moderation.verdict import Route
from store.base import Counts, DeadLetter, ProcessedComment, StoredComment

SCHEMA = """
CREATE TABLE IF NOT EXISTS comments (
    key TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    surface TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    action TEXT NOT NULL,
    categories TEXT NOT NULL,
    services TEXT NOT NULL,
    platform_state TEXT NOT NULL,
    indexed_at TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_created ON comments(created_at);
CREATE VIRTUAL TABLE IF NOT EXISTS comments_text USING fts5(key UNINDEXED, text);
CREATE TABLE IF NOT EXISTS queue_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    comment_key TEXT NOT NULL REFERENCES comments(key),
    reason TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (queue, comment_key)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    comment_key TEXT NOT NULL,
    item_id INTEGER,
    detail TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat()


class SqliteStore:
    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _audit_row(self, event: AuditEvent) -> tuple[str, str, str, str, int | None, str]:
        return (
            event.at.isoformat(),
            event.actor,
            event.event,
            event.comment_key,
            event.item_id,
            event.detail,
        )

    def save(self, items: Sequence[ProcessedComment]) -> int:
        new = 0
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for item in items:
                    cc = item.classified
                    c, v = cc.comment, cc.verdict
                    exists = db.execute("SELECT 1 FROM comments WHERE key=?", (c.key,)).fetchone()
                    new += exists is None
                    services = [n.service for n in v.comms if n.service]
                    db.execute(
                        "INSERT INTO comments VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                        "ON CONFLICT(key) DO UPDATE SET text=excluded.text, action=excluded.action,"
                        " categories=excluded.categories, services=excluded.services,"
                        " platform_state=excluded.platform_state, document=excluded.document,"
                        " indexed_at=excluded.indexed_at",
                        (
                            c.key,
                            c.platform.value,
                            c.surface.value,
                            c.author_handle,
                            c.text,
                            c.created_at.astimezone(UTC).isoformat(),
                            v.action.value,
                            json.dumps([x.value for x in v.categories]),
                            json.dumps(services),
                            item.platform_state.value,
                            _now(),
                            wire.encode_classified(cc).decode(),
                        ),
                    )
                    db.execute("DELETE FROM comments_text WHERE key=?", (c.key,))
                    db.execute("INSERT INTO comments_text(key, text) VALUES (?,?)", (c.key, c.text))
                    for entry in item.queue_entries:
                        db.execute(
                            "INSERT INTO queue_items(queue, comment_key, reason, urgent, status,"
                            " created_at) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                            (
                                entry.queue.value,
                                c.key,
                                entry.reason,
                                int(entry.urgent),
                                ReviewStatus.OPEN.value,
                                _now(),
                            ),
                        )
                    for event in item.audit:
                        db.execute(
                            "INSERT INTO audit(at, actor, event, comment_key, item_id,"
                            " detail) VALUES (?,?,?,?,?,?)",
                            self._audit_row(event),
                        )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return new

    def seen(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for key, text in self._db.execute(
                    f"SELECT key, text FROM comments WHERE key IN ({marks})", chunk
                ):
                    found[key] = text
        return found

    def _stored(self, row: tuple[str, str, str]) -> StoredComment:
        document, state, indexed_at = row
        return StoredComment(
            wire.decode_classified(document),
            PlatformState(state),
            datetime.fromisoformat(indexed_at),
        )

    def get(self, key: str) -> StoredComment | None:
        with self._lock:
            row = self._db.execute(
                "SELECT document, platform_state, indexed_at FROM comments WHERE key=?", (key,)
            ).fetchone()
        return self._stored(row) if row else None

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM comments").fetchone()[0])

    _ITEM_SQL = (
        "SELECT q.id, q.queue, q.comment_key, q.reason, q.status, q.created_at, q.urgent,"
        " c.platform_state, c.text, c.author_handle, c.action"
        " FROM queue_items q JOIN comments c ON c.key = q.comment_key"
    )

    @staticmethod
    def _item(row: tuple[int, str, str, str, str, str, int, str, str, str, str]) -> QueueItem:
        return QueueItem(
            item_id=row[0],
            queue=Route(row[1]),
            comment_key=row[2],
            reason=row[3],
            status=ReviewStatus(row[4]),
            created_at=datetime.fromisoformat(row[5]),
            urgent=bool(row[6]),
            platform_state=PlatformState(row[7]),
            text=row[8],
            author_handle=row[9],
            action=row[10],
        )

    def queue(
        self, queue: Route, status: ReviewStatus | None = ReviewStatus.OPEN, limit: int = 50
    ) -> list[QueueItem]:
        sql = self._ITEM_SQL + " WHERE q.queue=?"
        args: list[object] = [queue.value]
        if status is not None:
            sql += " AND q.status=?"
            args.append(status.value)
        sql += " ORDER BY q.urgent DESC, q.id LIMIT ?"
        args.append(limit)
        with self._lock:
            return [self._item(r) for r in self._db.execute(sql, args)]

    def item(self, item_id: int) -> QueueItem | None:
        with self._lock:
            row = self._db.execute(self._ITEM_SQL + " WHERE q.id=?", (item_id,)).fetchone()
        return self._item(row) if row else None

    def close_item(self, item_id: int, status: ReviewStatus, event: AuditEvent) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                changed = db.execute(
                    "UPDATE queue_items SET status=? WHERE id=? AND status=?",
                    (status.value, item_id, ReviewStatus.OPEN.value),
                ).rowcount
                if changed != 1:
                    raise LookupError(f"queue item {item_id} is not open")
                db.execute(
                    "INSERT INTO audit(at, actor, event, comment_key, item_id, detail)"
                    " VALUES (?,?,?,?,?,?)",
                    self._audit_row(event),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def set_platform_state(self, key: str, state: PlatformState, event: AuditEvent) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("UPDATE comments SET platform_state=? WHERE key=?", (state.value, key))
                db.execute(
                    "INSERT INTO audit(at, actor, event, comment_key, item_id, detail)"
                    " VALUES (?,?,?,?,?,?)",
                    self._audit_row(event),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def append_audit(self, event: AuditEvent) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO audit(at, actor, event, comment_key, item_id, detail)"
                " VALUES (?,?,?,?,?,?)",
                self._audit_row(event),
            )

    def audit(self, key: str | None = None, limit: int = 100) -> list[AuditEvent]:
        sql = "SELECT at, actor, event, comment_key, detail, item_id FROM audit"
        args: list[object] = []
        if key is not None:
            sql += " WHERE comment_key=?"
            args.append(key)
        sql += " ORDER BY id LIMIT ?"
        args.append(limit)
        with self._lock:
            return [
                AuditEvent(datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5])
                for r in self._db.execute(sql, args)
            ]

    def search(self, query: str, limit: int = 20) -> list[StoredComment]:
        terms = " ".join('"' + t.replace('"', '""') + '"' for t in query.split())
        if not terms:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT c.document, c.platform_state, c.indexed_at FROM comments_text t"
                " JOIN comments c ON c.key = t.key WHERE comments_text MATCH ?"
                " ORDER BY rank LIMIT ?",
                (terms, limit),
            ).fetchall()
        return [self._stored(r) for r in rows]

    def counts(self, since: datetime | None = None, until: datetime | None = None) -> Counts:
        where, args = "WHERE 1=1", []
        if since is not None:
            where += " AND created_at >= ?"
            args.append(since.astimezone(UTC).isoformat())
        if until is not None:
            where += " AND created_at < ?"
            args.append(until.astimezone(UTC).isoformat())
        by_action: dict[str, int] = {}
        by_platform: dict[str, int] = {}
        by_category: dict[str, int] = {}
        by_service: dict[str, int] = {}
        total = 0
        with self._lock:
            rows = self._db.execute(
                f"SELECT action, platform, categories, services FROM comments {where}", args
            ).fetchall()
        for action, platform, categories, services in rows:
            total += 1
            by_action[action] = by_action.get(action, 0) + 1
            by_platform[platform] = by_platform.get(platform, 0) + 1
            for c in json.loads(categories):
                by_category[c] = by_category.get(c, 0) + 1
            for s in set(json.loads(services)):
                by_service[s] = by_service.get(s, 0) + 1
        return Counts(total, by_action, by_category, by_platform, by_service)

    def dead_letter(self, source: str, reason: str, payload: str, at: datetime) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO dead_letters(at, source, reason, payload) VALUES (?,?,?,?)",
                (at.isoformat(), source, reason, payload),
            )

    def dead_letters(self, limit: int = 50) -> list[DeadLetter]:
        with self._lock:
            return [
                DeadLetter(datetime.fromisoformat(r[0]), r[1], r[2], r[3])
                for r in self._db.execute(
                    "SELECT at, source, reason, payload FROM dead_letters ORDER BY id LIMIT ?",
                    (limit,),
                )
            ]
