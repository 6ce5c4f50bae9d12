"""Indexes the dashboards' SQL needs on the embedded store's file, made when the review app
first draws a dashboard.

The SQLite store makes the indexes its own pages need; the charts' SQL (`sqlite_query`) asks
one more question the store does not: when was each comment first hidden (the time to
hide). Without an index on the audit log by comment *and* event, SQLite answers it by
reading every `hidden` event for each comment, which on 100,000 comments takes minutes; with
it, a lookup per comment. Indexes change no data, and `IF NOT EXISTS` makes this safe to
run from any number of processes.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

log = logging.getLogger(__name__)

# name -> what it indexes. Names start with `dashboards_` so they say whose they are.
INDEXES = {
    "dashboards_audit_comment_event": "audit(comment_key, event, at)",
}


def missing(db: sqlite3.Connection) -> list[str]:
    have = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    return [name for name in INDEXES if name not in have]


def ensure_indexes(path: Path, timeout_s: float = 10.0) -> list[str]:
    """Make any of the dashboards' indexes the store's file lacks; the names made. A store
    this process may not write to (or one locked longer than `timeout_s`) is left as it is,
    with a warning: the charts are still right, only slower."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            needed = missing(db)
        if not needed:
            return []
        with closing(sqlite3.connect(path, timeout=timeout_s)) as db:
            for name in needed:
                db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {INDEXES[name]}")
            db.commit()
    except sqlite3.Error as exc:
        log.warning(
            "dashboards: could not add indexes to %s (%s); charts will be slower", path, exc
        )
        return []
    log.info("dashboards: added indexes %s to %s", ", ".join(needed), path)
    return needed
