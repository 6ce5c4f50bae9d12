"""The webhook inbox: where a signed, readable delivery is kept, on disk, before we say 200.

Meta expects an answer within seconds and delivers again when it gets none or an error,
so the receiver answers as soon as the raw delivery is durably stored here; the drain
(`ingest.webhook_drain`) classifies it afterwards, at its own pace. A delivery we have
acknowledged is therefore never lost: it stays in this file until the pipeline (or the
Kafka broker) has accepted its comments, across crashes and restarts.

- One SQLite file (WAL, `synchronous=FULL`): a commit has reached the disk when it returns.
- Group commit: every delivery that arrives while one transaction is being written goes
  into the next one, so 200 deliveries at once cost a handful of disk flushes, not 200.
  One writer thread does this; the event loop only waits for its future.
- Bounded: at most `capacity` deliveries may wait (stored or being stored). `reserve`
  refuses the next one with `InboxFull`, which the receiver answers with 503 and a
  Retry-After, so Meta tries again later instead of our memory or disk filling up.
- A delivery that can never be handled (for example a mention Instagram says does not
  exist, or a body this version can no longer read) is set aside with its reason
  (`fail`), not deleted, and counted apart. `set_aside` lists them for an operator
  (`houserules webhook set-aside`); they hold what residents wrote, so
  `expire_set_aside` removes those received before the retention limit
  (`houserules retention`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    body BLOB NOT NULL,
    received_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    failed_reason TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_waiting ON deliveries (id) WHERE failed_reason IS NULL;
"""
GROUP_LIMIT = 500


class InboxFull(Exception):
    """More deliveries are waiting than the inbox may hold; ask the sender to retry."""


class InboxClosed(Exception):
    """The inbox is shutting down and takes no more deliveries."""


@dataclass(frozen=True, slots=True)
class StoredDelivery:
    id: int
    platform: str
    body: bytes
    received_at: float
    attempts: int


@dataclass(frozen=True, slots=True)
class SetAside:
    """A delivery that can never be handled, kept for a person to look at."""

    id: int
    platform: str
    received_at: float  # Unix time
    attempts: int
    reason: str
    size: int  # bytes of the raw body (the body itself stays in the inbox file)


_SET_ASIDE = (
    "SELECT id, platform, received_at, attempts, failed_reason, length(body) FROM deliveries "
    "WHERE failed_reason IS NOT NULL ORDER BY id"
)


def _set_aside_rows(db: sqlite3.Connection) -> list[SetAside]:
    return [
        SetAside(int(r[0]), str(r[1]), float(r[2]), int(r[3]), str(r[4]), int(r[5]))
        for r in db.execute(_SET_ASIDE)
    ]


@contextlib.contextmanager
def _existing(path: Path) -> Iterator[sqlite3.Connection | None]:
    """The inbox at `path`, or None when there is none (reading never makes one)."""
    if not path.is_file():
        yield None
        return
    db = _connect(path)
    try:
        yield db
    finally:
        db.close()


def set_aside(path: Path) -> list[SetAside]:
    """Every delivery set aside in the inbox at `path`, oldest first. Safe while the
    receiver runs: SQLite's WAL lets this read beside its writes."""
    with _existing(path) as db:
        return [] if db is None else _set_aside_rows(db)


def expire_set_aside(path: Path, received_before: float, *, dry_run: bool = False) -> int:
    """Remove (or, with `dry_run`, count) the set-aside deliveries received before
    `received_before` (Unix time). Deliveries still waiting are never touched: what
    was acknowledged is handled first, and retention then applies to its comments."""
    with _existing(path) as db:
        if db is None:
            return 0
        where = "failed_reason IS NOT NULL AND received_at < ?"
        if dry_run:
            row = db.execute(f"SELECT count(*) FROM deliveries WHERE {where}", (received_before,))
            return int(row.fetchone()[0])
        return int(db.execute(f"DELETE FROM deliveries WHERE {where}", (received_before,)).rowcount)


@dataclass
class _Pending:
    platform: str
    body: bytes
    received_at: float
    done: asyncio.Future[int]
    loop: asyncio.AbstractEventLoop


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA busy_timeout=30000")
    return db


class WebhookInbox:
    """A durable, bounded queue of raw deliveries (one writer thread, any readers)."""

    def __init__(self, path: Path, capacity: int = 10_000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.capacity = capacity
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._db = _connect(path)  # readers and the drain's updates
        self._db_lock = threading.Lock()
        self._db.executescript(_SCHEMA)
        self._reserved = 0
        self._waiting = self._count_waiting()
        self._closed = False
        self._writes: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_loop, name="webhook-inbox", daemon=True)
        self._writer.start()

    # --- the receiver's side -------------------------------------------------------------

    def reserve(self) -> None:
        """Hold a place for one delivery, or raise `InboxFull` / `InboxClosed`."""
        with self._lock:
            if self._closed:
                raise InboxClosed("the webhook inbox is closed")
            if self._waiting + self._reserved >= self.capacity:
                raise InboxFull(f"{self._waiting + self._reserved} deliveries are waiting")
            self._reserved += 1

    def release(self) -> None:
        """Give back a place reserved for a delivery that will not be stored."""
        with self._lock:
            self._reserved -= 1

    async def put(self, platform: str, body: bytes) -> int:
        """Store a delivery (after `reserve`); returns once it is on disk, with its id."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[int] = loop.create_future()
        self._writes.put(_Pending(platform, body, time.time(), done, loop))
        return await done

    def _write_loop(self) -> None:
        db = _connect(self.path)
        try:
            while True:
                first = self._writes.get()
                if first is None:
                    return
                group = [first]
                while len(group) < GROUP_LIMIT:
                    try:
                        nxt = self._writes.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        self._writes.put(None)  # finish this group, then stop
                        break
                    group.append(nxt)
                self._write_group(db, group)
        finally:
            db.close()

    def _write_group(self, db: sqlite3.Connection, group: list[_Pending]) -> None:
        try:
            db.execute("BEGIN IMMEDIATE")
            ids = [
                int(
                    db.execute(
                        "INSERT INTO deliveries (platform, body, received_at) VALUES (?, ?, ?)",
                        (p.platform, p.body, p.received_at),
                    ).lastrowid
                    or 0
                )
                for p in group
            ]
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            log.error("webhook inbox: could not store %d deliveries: %s", len(group), exc)
            with self._lock:
                self._reserved -= len(group)
            for p in group:
                _tell(p, _fail, exc)
            return
        with self._arrived:
            self._reserved -= len(group)
            self._waiting += len(group)
            self._arrived.notify_all()
        for p, delivery_id in zip(group, ids, strict=True):
            _tell(p, _resolve, delivery_id)

    # --- the drain's side ----------------------------------------------------------------

    def wait_for_arrivals(self, timeout: float) -> bool:
        """Block until something is waiting (True) or `timeout` passes (False)."""
        with self._arrived:
            if self._waiting == 0 and not self._closed:
                self._arrived.wait(timeout)
            return self._waiting > 0

    def take(self, limit: int) -> list[StoredDelivery]:
        """The oldest deliveries still waiting, oldest first; they stay until `done`."""
        with self._db_lock:
            rows = self._db.execute(
                "SELECT id, platform, body, received_at, attempts FROM deliveries "
                "WHERE failed_reason IS NULL ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
        return [StoredDelivery(int(r[0]), r[1], bytes(r[2]), float(r[3]), int(r[4])) for r in rows]

    def done(self, ids: Sequence[int]) -> None:
        """These deliveries' comments were accepted downstream: forget them."""
        if not ids:
            return
        with self._db_lock:
            removed = self._db.execute(
                f"DELETE FROM deliveries WHERE failed_reason IS NULL AND id IN "
                f"({','.join('?' * len(ids))})",
                list(ids),
            ).rowcount
        with self._lock:
            self._waiting -= removed

    def attempted(self, ids: Sequence[int]) -> None:
        """Count a failed attempt at these deliveries (they stay waiting)."""
        if ids:
            with self._db_lock:
                self._db.execute(
                    f"UPDATE deliveries SET attempts = attempts + 1 WHERE id IN "
                    f"({','.join('?' * len(ids))})",
                    list(ids),
                )

    def fail(self, delivery_id: int, reason: str) -> None:
        """This delivery can never be handled: keep it aside with the reason."""
        with self._db_lock:
            changed = self._db.execute(
                "UPDATE deliveries SET failed_reason = ? WHERE id = ? AND failed_reason IS NULL",
                (reason, delivery_id),
            ).rowcount
        with self._lock:
            self._waiting -= changed

    # --- what an operator or a test asks -------------------------------------------------

    def waiting(self) -> int:
        with self._lock:
            return self._waiting

    def failed(self) -> list[SetAside]:
        """Every delivery set aside, oldest first."""
        with self._db_lock:
            return _set_aside_rows(self._db)

    def _count_waiting(self) -> int:
        row = self._db.execute(
            "SELECT count(*) FROM deliveries WHERE failed_reason IS NULL"
        ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Finish storing what was handed in, then stop taking deliveries."""
        with self._arrived:
            if self._closed:
                return
            self._closed = True
            self._arrived.notify_all()
        self._writes.put(None)
        self._writer.join(timeout=30)
        with self._db_lock:
            self._db.close()


def _tell(pending: _Pending, answer: Any, value: Any) -> None:
    """Hand the outcome to the request waiting on its event loop (gone if it shut down)."""
    with contextlib.suppress(RuntimeError):
        pending.loop.call_soon_threadsafe(answer, pending.done, value)


def _resolve(done: asyncio.Future[int], delivery_id: int) -> None:
    if not done.done():
        done.set_result(delivery_id)


def _fail(done: asyncio.Future[int], exc: BaseException) -> None:
    if not done.done():
        done.set_exception(exc)
