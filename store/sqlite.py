"""The single-machine store: SQLite in WAL mode, with FTS5 full-text search over the text.

Writes for a batch happen in one transaction, so a crash leaves either all of a comment's
records or none. Queue items are unique per (queue, comment), and the audit table refuses
deletes, updates and replacing inserts (`INSERT OR REPLACE`) with triggers, so nothing
that can write to the file through SQL can rewrite history. The one
update the trigger lets through is the erasure of personal data: an event's `detail`,
once, becomes an erasure marker, and only for a comment no longer stored; its time,
actor, event name and comment key cannot change.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from moderation import wire
from moderation.review import AuditEvent, PlatformState, QueueItem, ReviewStatus
from moderation.verdict import Route
from store import personal_data
from store.base import (
    AuditFilter,
    CommentFilter,
    Counts,
    DeadLetter,
    DecisionInProgress,
    DecisionLock,
    ProcessedComment,
    QueueRow,
    StoredComment,
)
from store.personal_data import ErasureRequest, Removed

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
CREATE INDEX IF NOT EXISTS audit_comment ON audit(comment_key);
-- The dashboards find the decision that closed each queue item by its item id.
CREATE INDEX IF NOT EXISTS audit_item ON audit(item_id);
CREATE TRIGGER IF NOT EXISTS audit_update_only_erases_detail BEFORE UPDATE ON audit
WHEN NOT (
    NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor
    AND NEW.event IS OLD.event AND NEW.comment_key IS OLD.comment_key
    AND NEW.item_id IS OLD.item_id
    AND OLD.detail NOT GLOB '[[]erased *'
    AND (NEW.detail GLOB '[[]erased at request: [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]]'
         OR NEW.detail GLOB '[[]erased by retention: [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]]')
    AND NOT EXISTS (SELECT 1 FROM comments WHERE key = OLD.comment_key)
)
BEGIN
SELECT RAISE(ABORT, 'the audit log is append-only; only an erasure marker may replace details');
END;
-- Databases made before erasure existed refuse every update; the trigger above replaces
-- that one (created first, so there is no moment without a guard).
DROP TRIGGER IF EXISTS audit_no_update;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- INSERT OR REPLACE deletes the row it collides with without firing the delete trigger
-- (SQLite fires delete triggers on a replace only with recursive_triggers on, which is a
-- setting of each connection), so an insert naming an existing event's id is refused
-- before anything is replaced.
CREATE TRIGGER IF NOT EXISTS audit_no_replace BEFORE INSERT ON audit
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an event cannot be replaced'); END;
-- In the order a queue page reads (urgent first, then as queued), so no sort is needed.
CREATE INDEX IF NOT EXISTS queue_page_order ON queue_items(queue, status, urgent DESC, id);
CREATE INDEX IF NOT EXISTS queue_comment ON queue_items(comment_key);
CREATE TABLE IF NOT EXISTS queue_assignments (
    item_id INTEGER PRIMARY KEY REFERENCES queue_items(id) ON DELETE CASCADE,
    assigned_to TEXT NOT NULL,
    at TEXT NOT NULL
);
-- A decision's hold on an item while it acts on the platform (see Store.begin_decision).
CREATE TABLE IF NOT EXISTS decision_locks (
    item_id INTEGER PRIMARY KEY REFERENCES queue_items(id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    kind TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    until TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor);
CREATE INDEX IF NOT EXISTS audit_event ON audit(event);
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


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _comment_filter(filters: CommentFilter | None) -> tuple[str, list[object]]:
    """SQL conditions on the comments table (aliased `c`) for a filter, with their values."""
    if filters is None:
        return "", []
    where, args = "", list[object]()
    for column, value in (("platform", filters.platform), ("surface", filters.surface)):
        if value:
            where += f" AND c.{column}=?"
            args.append(value)
    if filters.category:
        # categories is a JSON list of category names; match the quoted name exactly.
        where += " AND instr(c.categories, ?) > 0"
        args.append(json.dumps(filters.category))
    if filters.since is not None:
        where += " AND c.created_at >= ?"
        args.append(filters.since.astimezone(UTC).isoformat())
    if filters.until is not None:
        where += " AND c.created_at < ?"
        args.append(filters.until.astimezone(UTC).isoformat())
    return where, args


class StoreUnavailable(Exception):
    """The store's file or folder cannot be used (a file where the folder should be, no
    permission to write, not a database); the message names the path."""


def store_exists(path: Path) -> bool:
    """Whether a store file is there to read, without making anything; StoreUnavailable if
    its folder is a file."""
    if path.parent.exists() and not path.parent.is_dir():
        raise StoreUnavailable(f"{path.parent} is a file, not a folder: the store needs a folder")
    return path.exists()


class SqliteStore:
    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            if str(path) != ":memory:" and not store_exists(Path(path)):
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten, not just unlinked, so erased text does not linger
            # in free pages of the file.
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise StoreUnavailable(f"cannot open the store {path}: {reason}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction under the store's lock: all of the block's writes happen
        or none do (rolled back if it raises, or at its end when `commit` is false)."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT" if commit else "ROLLBACK")

    def save(self, items: Sequence[ProcessedComment]) -> int:
        new = 0
        with self._transaction() as db:
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
                if exists is not None:
                    # key is UNINDEXED in the full-text table, so this delete scans it:
                    # only a replayed or edited comment pays for it, never a new one.
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
                    _write_audit(db, event)
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

    def begin_decision(self, lock: DecisionLock, now: datetime) -> str:
        """See `Store.begin_decision`. BEGIN IMMEDIATE makes the check and the write one
        step for every process on the file; the write itself is conditional too."""
        with self._transaction() as db:
            found = db.execute(
                "SELECT status FROM queue_items WHERE id=?", (lock.item_id,)
            ).fetchone()
            if found is None:
                raise LookupError(f"there is no queue item {lock.item_id}")
            if found[0] != ReviewStatus.OPEN.value:
                raise LookupError(f"queue item {lock.item_id} is already {found[0]}")
            held = db.execute(
                "SELECT token, kind, decided_by, until FROM decision_locks WHERE item_id=?",
                (lock.item_id,),
            ).fetchone()
            replaced = ""
            if held is not None and held[0] != lock.token:
                until = datetime.fromisoformat(held[3])
                if until > now:
                    raise DecisionInProgress(_in_progress(lock.item_id, held[1], held[2], until))
                replaced = str(held[1])
            taken = db.execute(
                "INSERT INTO decision_locks(item_id, token, kind, decided_by, until)"
                " VALUES (?,?,?,?,?) ON CONFLICT(item_id) DO UPDATE SET token=excluded.token,"
                " kind=excluded.kind, decided_by=excluded.decided_by, until=excluded.until"
                " WHERE decision_locks.token IS ?",
                (
                    lock.item_id,
                    lock.token,
                    lock.kind,
                    lock.by,
                    _utc(lock.until),
                    held[0] if held is not None else None,
                ),
            ).rowcount
            if taken != 1:  # cannot happen inside one immediate transaction; never ignored
                raise DecisionInProgress(f"queue item {lock.item_id} changed just now")
            return replaced

    def end_decision(self, item_id: int, token: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM decision_locks WHERE item_id=? AND token=?", (item_id, token))

    def close_item(
        self, item_id: int, status: ReviewStatus, event: AuditEvent, *, token: str = ""
    ) -> None:
        with self._transaction() as db:
            held = db.execute(
                "SELECT token, kind, decided_by, until FROM decision_locks WHERE item_id=?",
                (item_id,),
            ).fetchone()
            if held is not None and held[0] != token:
                raise DecisionInProgress(
                    _in_progress(item_id, held[1], held[2], datetime.fromisoformat(held[3]))
                )
            changed = db.execute(
                "UPDATE queue_items SET status=? WHERE id=? AND status=?",
                (status.value, item_id, ReviewStatus.OPEN.value),
            ).rowcount
            if changed != 1:
                raise LookupError(f"queue item {item_id} is not open")
            db.execute("DELETE FROM decision_locks WHERE item_id=?", (item_id,))
            _write_audit(db, event)

    def set_platform_state(self, key: str, state: PlatformState, event: AuditEvent) -> None:
        with self._transaction() as db:
            db.execute("UPDATE comments SET platform_state=? WHERE key=?", (state.value, key))
            _write_audit(db, event)

    def append_audit(self, event: AuditEvent) -> None:
        with self._lock:
            _write_audit(self._db, event)

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

    def search(
        self, query: str, limit: int = 20, filters: CommentFilter | None = None
    ) -> list[StoredComment]:
        terms = " ".join('"' + t.replace('"', '""') + '"' for t in query.split())
        if not terms:
            return []
        where, args = _comment_filter(filters)
        with self._lock:
            rows = self._db.execute(
                "SELECT c.document, c.platform_state, c.indexed_at FROM comments_text t"
                f" JOIN comments c ON c.key = t.key WHERE comments_text MATCH ?{where}"
                " ORDER BY rank LIMIT ?",
                (terms, *args, limit),
            ).fetchall()
        return [self._stored(r) for r in rows]

    _ROW_SQL = (
        "SELECT q.id, q.queue, q.comment_key, q.reason, q.status, q.created_at, q.urgent,"
        " c.platform_state, c.text, c.author_handle, c.action,"
        " ifnull(a.assigned_to, ''), c.platform, c.surface, c.categories, c.created_at"
        " FROM queue_items q JOIN comments c ON c.key = q.comment_key"
        " LEFT JOIN queue_assignments a ON a.item_id = q.id"
    )

    @classmethod
    def _row(cls, row: tuple[object, ...]) -> QueueRow:
        return QueueRow(
            item=cls._item(row[:11]),  # type: ignore[arg-type]
            assigned_to=str(row[11]),
            platform=str(row[12]),
            surface=str(row[13]),
            categories=tuple(json.loads(str(row[14]))),
            comment_created_at=datetime.fromisoformat(str(row[15])),
        )

    def open_counts(self) -> dict[Route, int]:
        counts = dict.fromkeys(Route, 0)
        with self._lock:
            for queue, n in self._db.execute(
                "SELECT queue, count(*) FROM queue_items WHERE status=? GROUP BY queue",
                (ReviewStatus.OPEN.value,),
            ):
                counts[Route(queue)] = int(n)
        return counts

    def queue_page(
        self,
        queue: Route,
        filters: CommentFilter | None = None,
        *,
        status: ReviewStatus | None = ReviewStatus.OPEN,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[QueueRow], int]:
        where, args = _comment_filter(filters)
        where = " WHERE q.queue=?" + where
        args = [queue.value, *args]
        if status is not None:
            where += " AND q.status=?"
            args.append(status.value)
        with self._lock:
            total = self._db.execute(
                "SELECT count(*) FROM queue_items q JOIN comments c ON c.key = q.comment_key"
                + where,
                args,
            ).fetchone()[0]
            rows = self._db.execute(
                self._ROW_SQL + where + " ORDER BY q.urgent DESC, q.id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return [self._row(r) for r in rows], int(total)

    def items_for(self, comment_key: str) -> list[QueueRow]:
        with self._lock:
            rows = self._db.execute(
                self._ROW_SQL + " WHERE q.comment_key=? ORDER BY q.id", (comment_key,)
            ).fetchall()
        return [self._row(r) for r in rows]

    def assign(self, item_id: int, assignee: str, event: AuditEvent, *, only_if_free: bool) -> None:
        with self._transaction() as db:
            found = db.execute(
                "SELECT q.status, ifnull(a.assigned_to, '') FROM queue_items q"
                " LEFT JOIN queue_assignments a ON a.item_id = q.id WHERE q.id=?",
                (item_id,),
            ).fetchone()
            if found is None:
                raise LookupError(f"there is no queue item {item_id}")
            status, holder = found
            if status != ReviewStatus.OPEN.value:
                raise LookupError(f"queue item {item_id} is not open: it is {status}")
            if only_if_free and holder not in ("", assignee):
                raise LookupError(f"queue item {item_id} is already claimed by {holder}")
            if assignee:
                db.execute(
                    "INSERT INTO queue_assignments(item_id, assigned_to, at) VALUES (?,?,?)"
                    " ON CONFLICT(item_id) DO UPDATE SET assigned_to=excluded.assigned_to,"
                    " at=excluded.at",
                    (item_id, assignee, event.at.isoformat()),
                )
            else:
                db.execute("DELETE FROM queue_assignments WHERE item_id=?", (item_id,))
            _write_audit(db, event)

    def audit_page(
        self, filters: AuditFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[AuditEvent], int]:
        f = filters or AuditFilter()
        where, args = " WHERE 1=1", list[object]()
        # Times are compared as instants: stored `at` strings keep the writer's offset, so
        # the bounds go through julianday rather than string order.
        if f.since is not None:
            where += " AND julianday(at) >= julianday(?)"
            args.append(f.since.isoformat())
        if f.until is not None:
            where += " AND julianday(at) < julianday(?)"
            args.append(f.until.isoformat())
        for column, value in (
            ("actor", f.actor),
            ("event", f.event),
            ("comment_key", f.comment_key),
        ):
            if value:
                where += f" AND {column}=?"
                args.append(value)
        with self._lock:
            total = self._db.execute("SELECT count(*) FROM audit" + where, args).fetchone()[0]
            rows = self._db.execute(
                "SELECT at, actor, event, comment_key, detail, item_id FROM audit"
                + where
                + " ORDER BY id DESC LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        events = [
            AuditEvent(datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows
        ]
        return events, int(total)

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

    def apply_retention(self, days: int, now: datetime, *, dry_run: bool = False) -> Removed:
        """See `Store.apply_retention`. One transaction: all of it happens or none. A dry
        run does the same work and rolls it back, so its counts are exact."""
        cutoff = personal_data.retention_cutoff(days, now)

        def remove(db: sqlite3.Connection) -> Removed:
            keys = [
                key
                for (key,) in db.execute(
                    "SELECT key FROM comments WHERE created_at < ?", (cutoff.isoformat(),)
                )
            ]
            removed = self._remove_comments(db, keys, personal_data.retention_marker(now))
            dead = self._remove_dead_letters(db, lambda at, _payload: at < cutoff)
            removed = replace(removed, dead_letters=dead)
            if not dry_run:
                event = personal_data.retention_event(days, now, removed)
                _write_audit(db, event)
            return removed

        return self._in_transaction(remove, commit=not dry_run)

    def erase_author(self, request: ErasureRequest, *, dry_run: bool = False) -> Removed:
        """See `Store.erase_author`; one transaction, rolled back in a dry run."""

        def remove(db: sqlite3.Connection) -> Removed:
            # Matching is done here rather than in SQL, so both stores compare names by the
            # one rule in `personal_data` (SQLite's lower() folds ASCII only).
            found = [
                (key, author_id or "", handle)
                for key, author_id, handle in db.execute(
                    "SELECT key, json_extract(document, '$.comment.author_id'), author_handle"
                    " FROM comments WHERE platform = ?",
                    (request.platform.value,),
                )
                if request.is_author(request.platform.value, author_id or "", handle)
            ]
            keys = [key for key, _, _ in found]
            removed = self._remove_comments(db, keys, personal_data.request_marker(request.at))
            dead = self._remove_dead_letters(
                db, lambda _at, payload: personal_data.mentions_author(payload, request)
            )
            authors = personal_data.matched_authors((i, h) for _, i, h in found)
            removed = replace(removed, dead_letters=dead, authors=authors)
            if not dry_run:
                _write_audit(db, personal_data.erasure_event(request, removed))
            return removed

        return self._in_transaction(remove, commit=not dry_run)

    def _in_transaction(
        self, work: Callable[[sqlite3.Connection], Removed], *, commit: bool
    ) -> Removed:
        with self._lock:
            with self._transaction(commit=commit) as db:
                done = work(db)
            if commit and (done.comments or done.dead_letters):
                self._purge_leftovers()
            return done

    def _purge_leftovers(self) -> None:
        """Make removed text unrecoverable from the files, as far as SQLite allows: the
        full-text index keeps a deleted row's words until its segments are merged, and the
        write-ahead log keeps old pages until a checkpoint (which cannot truncate the log
        while another process is reading; the next one will)."""
        self._db.execute("INSERT INTO comments_text(comments_text) VALUES ('optimize')")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @staticmethod
    def _remove_comments(db: sqlite3.Connection, keys: list[str], marker: str) -> Removed:
        """Delete the comments, their full-text rows and queue items, then mark their audit
        details (the trigger allows that only once the comment is gone)."""
        comments = queue_items = audit_details = 0
        still_hidden: list[str] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            among = f"({','.join('?' * len(chunk))})"
            still_hidden += [
                key
                for (key,) in db.execute(
                    f"SELECT key FROM comments WHERE key IN {among} AND platform_state = ?",
                    [*chunk, PlatformState.HIDDEN.value],
                )
            ]
            queue_items += db.execute(
                f"DELETE FROM queue_items WHERE comment_key IN {among}", chunk
            ).rowcount
            db.execute(f"DELETE FROM comments_text WHERE key IN {among}", chunk)
            comments += db.execute(f"DELETE FROM comments WHERE key IN {among}", chunk).rowcount
            audit_details += db.execute(
                f"UPDATE audit SET detail = ? WHERE comment_key IN {among}"
                " AND detail NOT GLOB '[[]erased *'",
                [marker, *chunk],
            ).rowcount
        return Removed(comments, queue_items, 0, audit_details, tuple(sorted(still_hidden)))

    @staticmethod
    def _remove_dead_letters(
        db: sqlite3.Connection, doomed: Callable[[datetime, str], bool]
    ) -> int:
        ids = [
            row_id
            for row_id, at, payload in db.execute("SELECT id, at, payload FROM dead_letters")
            if doomed(_aware(datetime.fromisoformat(at)), payload)
        ]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            db.execute(
                f"DELETE FROM dead_letters WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
        return len(ids)


def _utc(moment: datetime) -> str:
    return _aware(moment).astimezone(UTC).isoformat()


def _in_progress(item_id: int, kind: str, by: str, until: datetime) -> str:
    return (
        f"queue item {item_id} is being decided right now ({kind} by {by}); look again"
        f" in a moment (the hold ends by {until.astimezone(UTC):%H:%M:%S} UTC at the latest)"
    )


def _write_audit(db: sqlite3.Connection, event: AuditEvent) -> None:
    db.execute(
        "INSERT INTO audit(at, actor, event, comment_key, item_id, detail) VALUES (?,?,?,?,?,?)",
        (
            event.at.isoformat(),
            event.actor,
            event.event,
            event.comment_key,
            event.item_id,
            event.detail,
        ),
    )
