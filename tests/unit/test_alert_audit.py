"""An alert is written to the audit trail even when SQLite is busy: the worker waits for the
other writer (the review app, a retention run) instead of stopping.

A real SQLite file and a second connection holding its write lock; the retry's sleep is where
the other writer lets go, so the test does not depend on timing.
"""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store.sqlite import SqliteStore
from stream.records import Alert
from stream.spikes import alert
from stream.stages import record_alert

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
KEYS = ["facebook:101", "facebook:102", "facebook:103"]


def repeated_abuse() -> Alert:
    return alert("repeated_abuse", "facebook:42", KEYS, NOW, timedelta(days=1), NOW)


def test_an_alert_written_while_another_writer_holds_the_lock_waits_and_is_recorded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "houserules.db"
    store = SqliteStore(path)
    other_writer = sqlite3.connect(path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    waits: list[float] = []

    def the_other_writer_finishes(seconds: float) -> None:
        waits.append(seconds)
        other_writer.execute("COMMIT")

    found = repeated_abuse()
    record_alert(store, found, sleep=the_other_writer_finishes)

    assert len(waits) == 1, "the first attempt met the lock and was retried once"
    (event,) = [e for e in store.audit() if e.event == "repeated_abuse"]
    assert event.comment_key == "facebook:103"
    assert event.detail.startswith("repeated abuse: 3 hidden comments from facebook:42")
    other_writer.close()
    store.close()


def test_a_store_that_cannot_be_written_at_all_is_not_retried(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "houserules.db")
    store.close()
    waits: list[float] = []

    with pytest.raises(sqlite3.ProgrammingError):
        record_alert(store, repeated_abuse(), sleep=waits.append)

    assert waits == []
