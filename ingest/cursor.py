"""Durable cursors: where each connector has read up to.

A connector saves its cursor only after the sink has durably accepted the comments the
cursor stands for, so a restart resumes exactly there: nothing missed, nothing re-read.
`SqliteCursorStore` commits each `save` in its own transaction (WAL, synchronous=FULL),
so a process killed at any instant leaves either the old cursor or the new one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol


class CursorStore(Protocol):
    def load(self, connector: str) -> dict[str, Any] | None: ...

    def save(self, connector: str, cursor: dict[str, Any]) -> None: ...


class InMemoryCursorStore:
    """Cursors that live as long as the process; for tests and one-off runs."""

    def __init__(self) -> None:
        self._cursors: dict[str, str] = {}

    def load(self, connector: str) -> dict[str, Any] | None:
        raw = self._cursors.get(connector)
        return None if raw is None else dict(json.loads(raw))

    def save(self, connector: str, cursor: dict[str, Any]) -> None:
        self._cursors[connector] = json.dumps(cursor, sort_keys=True)


class SqliteCursorStore:
    """Cursors in a small SQLite file, one row per connector."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS connector_cursor ("
            " connector TEXT PRIMARY KEY, cursor TEXT NOT NULL, saved_at TEXT NOT NULL)"
        )

    def load(self, connector: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT cursor FROM connector_cursor WHERE connector = ?", (connector,)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def save(self, connector: str, cursor: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO connector_cursor (connector, cursor, saved_at) VALUES (?, ?, ?)"
                " ON CONFLICT(connector) DO UPDATE SET cursor = excluded.cursor,"
                " saved_at = excluded.saved_at",
                (connector, json.dumps(cursor, sort_keys=True), datetime.now(UTC).isoformat()),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
