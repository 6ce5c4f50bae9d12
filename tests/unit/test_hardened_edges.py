"""Small edges that were found broken: an audit event replaced through INSERT OR REPLACE, and
a local Kafka cluster id that the storage tool reads as an option."""

from __future__ import annotations

import base64
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from houserules.services import kafka_broker
from moderation.review import AuditEvent
from store.sqlite import SqliteStore

AT = datetime(2026, 11, 16, 9, tzinfo=UTC)


def test_an_audit_event_cannot_be_replaced_by_insert_or_replace(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "houserules.db")
    store.append_audit(AuditEvent(AT, "Sam", "confirm", "facebook:c1", "abusive", 1))
    # A second connection, as any tool with the file could open, with SQLite's defaults.
    other = sqlite3.connect(tmp_path / "houserules.db")
    for verb in ("INSERT OR REPLACE", "REPLACE"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            other.execute(
                f"{verb} INTO audit(id, at, actor, event, comment_key, item_id, detail)"
                " VALUES (1, ?, 'Mallory', 'restore', 'facebook:c1', 1, 'never happened')",
                (AT.isoformat(),),
            )
    other.close()
    (event,) = store.audit()
    assert (event.actor, event.event, event.detail) == ("Sam", "confirm", "abusive")
    store.append_audit(AuditEvent(AT, "Priya", "restore", "facebook:c1", "fair", 1))
    assert [e.actor for e in store.audit()] == ["Sam", "Priya"]  # appending still works
    store.close()


def test_a_local_kafka_cluster_id_never_starts_with_a_dash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 0xf8 as the first byte encodes to '-' in URL-safe base64: the first draw is such one.
    draws = iter([uuid.UUID(bytes=b"\xf8" + b"\x00" * 15), uuid.UUID(int=12345)])
    monkeypatch.setattr(kafka_broker.uuid, "uuid4", lambda: next(draws))
    found = kafka_broker._random_cluster_id()
    assert not found.startswith("-")
    assert base64.urlsafe_b64decode(found + "==") == uuid.UUID(int=12345).bytes


def test_cluster_ids_are_22_url_safe_characters() -> None:
    for _ in range(2000):
        found = kafka_broker._random_cluster_id()
        assert len(found) == 22 and not found.startswith("-")
        assert set(found) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
