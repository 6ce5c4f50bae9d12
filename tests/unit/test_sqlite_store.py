import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from moderation.comment import Comment, Platform, Surface
from moderation.review import AuditEvent, PlatformState, ReviewStatus
from moderation.verdict import Action, Category, ClassifiedComment, Finding, Route, Verdict
from store.base import ProcessedComment, QueueEntry
from store.personal_data import ErasureRequest
from store.sqlite import SqliteStore

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def processed(
    n: int, action: Action = Action.HIDE, text: str = "you absolute muppet"
) -> ProcessedComment:
    c = Comment(Platform.FACEBOOK, Surface.OWN_PAGE, f"c{n}", text, T0 + timedelta(hours=n))
    findings = (Finding(Category.HARASSMENT, 0.9, "test"),) if action is Action.HIDE else ()
    v = Verdict(
        c.key,
        action,
        findings,
        (Route.REVIEW,) if findings else (),
        bool(findings),
        False,
        "r1",
        "m1",
    )
    entries = (QueueEntry(Route.REVIEW, "harassment"),) if findings else ()
    audit = (AuditEvent(T0, "houserules", "classified", c.key, v.explain()),)
    state = PlatformState.HIDDEN if findings else PlatformState.NONE
    return ProcessedComment(ClassifiedComment(c, v), state, entries, audit)


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "store.db")


def test_saving_the_same_comment_twice_keeps_one_record_and_one_queue_item(
    store: SqliteStore,
) -> None:
    assert store.save([processed(1)]) == 1
    assert store.save([processed(1)]) == 0
    assert store.count() == 1
    assert len(store.queue(Route.REVIEW)) == 1


def test_a_stored_comment_reads_back_with_its_verdict(store: SqliteStore) -> None:
    item = processed(1)
    store.save([item])
    stored = store.get(item.key)
    assert stored is not None
    assert stored.classified == item.classified
    assert stored.platform_state is PlatformState.HIDDEN


def test_closing_an_item_records_who_and_why_and_only_once(store: SqliteStore) -> None:
    store.save([processed(1)])
    (item,) = store.queue(Route.REVIEW)
    event = AuditEvent(T0, "Sam", "restore", item.comment_key, "fair comment", item.item_id)
    store.close_item(item.item_id, ReviewStatus.RESTORED, event)
    assert store.queue(Route.REVIEW) == []
    assert store.audit(item.comment_key)[-1] == event
    with pytest.raises(LookupError, match="not open"):
        store.close_item(item.item_id, ReviewStatus.CONFIRMED, event)


def test_the_audit_log_cannot_be_edited_or_deleted(store: SqliteStore) -> None:
    store.save([processed(1)])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("UPDATE audit SET actor='someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("DELETE FROM audit")


def test_full_text_search_finds_comments_by_words(store: SqliteStore) -> None:
    store.save([processed(1), processed(2, Action.ALLOW, "the bins on Elm Road were missed")])
    assert [h.classified.comment.comment_id for h in store.search("bins missed")] == ["c2"]
    assert store.search('"quotes" and (brackets') == []


def test_counts_for_a_period_give_actions_and_categories(store: SqliteStore) -> None:
    store.save([processed(1), processed(2), processed(30, Action.ALLOW, "lovely")])
    counts = store.counts(since=T0, until=T0 + timedelta(days=1))
    assert counts.total == 2
    assert counts.by_action == {"hide": 2}
    assert counts.by_category == {"harassment": 2}


def test_the_store_survives_a_reopen(tmp_path: Path) -> None:
    first = SqliteStore(tmp_path / "s.db")
    first.save([processed(1)])
    first.close()
    assert SqliteStore(tmp_path / "s.db").count() == 1


def _gone(store: SqliteStore, key: str) -> None:
    """Remove a comment behind the store's back, as an erasure would."""
    store._db.execute("DELETE FROM queue_items WHERE comment_key=?", (key,))
    store._db.execute("DELETE FROM comments WHERE key=?", (key,))


MARKER = "[erased at request: 2026-11-20]"


def test_the_audit_log_refuses_an_erasure_marker_while_the_comment_is_stored(
    store: SqliteStore,
) -> None:
    store.save([processed(1)])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("UPDATE audit SET detail=?", (MARKER,))
    assert store.audit()[0].detail == processed(1).audit[0].detail


def test_once_a_comment_is_gone_only_its_detail_may_become_an_erasure_marker(
    store: SqliteStore,
) -> None:
    store.save([processed(1)])
    _gone(store, "facebook:c1")
    for refused in (
        ("UPDATE audit SET detail='nothing to see here'", ()),
        ("UPDATE audit SET detail='[erased at request: soon]'", ()),
        ("UPDATE audit SET detail=?, actor='someone else'", (MARKER,)),
        ("UPDATE audit SET detail=?, at='2020-01-01T00:00:00+00:00'", (MARKER,)),
        ("UPDATE audit SET detail=?, event='restore'", (MARKER,)),
        ("UPDATE audit SET detail=?, comment_key='facebook:c2'", (MARKER,)),
        ("UPDATE audit SET detail=?, item_id=7", (MARKER,)),
        ("UPDATE audit SET detail=?, id=99", (MARKER,)),
        ("DELETE FROM audit", ()),
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store._db.execute(*refused)
    assert store.audit()[0].detail == processed(1).audit[0].detail

    store._db.execute("UPDATE audit SET detail=?", (MARKER,))
    (event,) = store.audit()
    assert (event.at, event.actor, event.event, event.comment_key, event.detail) == (
        T0,
        "houserules",
        "classified",
        "facebook:c1",
        MARKER,
    )
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("UPDATE audit SET detail='[erased by retention: 2030-01-01]'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("DELETE FROM audit")


def test_a_database_made_before_erasure_existed_gets_the_narrow_exception(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,"
        " actor TEXT NOT NULL, event TEXT NOT NULL, comment_key TEXT NOT NULL,"
        " item_id INTEGER, detail TEXT NOT NULL);"
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
        " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
        "INSERT INTO audit(at, actor, event, comment_key, detail)"
        " VALUES ('2025-01-02T03:04:05+00:00', 'houserules', 'hidden', 'facebook:c9',"
        " 'personal_data: phone number 07700 900123');"
    )
    old.close()

    store = SqliteStore(path)
    triggers = {
        n for (n,) in store._db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    assert "audit_no_update" not in triggers
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("UPDATE audit SET actor='someone else'")
    store._db.execute("UPDATE audit SET detail=?", (MARKER,))
    assert store.audit()[0].detail == MARKER
    store.close()


def test_retention_on_sqlite_removes_exactly_the_comments_past_the_limit(
    store: SqliteStore,
) -> None:
    store.save([processed(1), processed(5), processed(9)])
    # 30 days before T0 + 30 days + 5 hours: c1 (T0 + 1h) is older, c5 is exactly at the
    # limit and stays, c9 is newer.
    removed = store.apply_retention(30, T0 + timedelta(days=30, hours=5))
    assert removed.comments == 1
    assert sorted(store.seen(["facebook:c1", "facebook:c5", "facebook:c9"])) == [
        "facebook:c5",
        "facebook:c9",
    ]


def test_a_retention_run_that_fails_halfway_leaves_everything_as_it_was(
    store: SqliteStore,
) -> None:
    store.save([processed(1)])
    audit = store.audit()
    store._db.execute(
        "CREATE TRIGGER test_refuse BEFORE DELETE ON comments"
        " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(sqlite3.DatabaseError, match="disk trouble"):
        store.apply_retention(1, T0 + timedelta(days=30))
    assert store.count() == 1
    assert len(store.queue(Route.REVIEW)) == 1
    assert store.audit() == audit


def test_an_erased_comment_leaves_no_trace_of_its_text_in_the_database_files(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "store.db")
    c = Comment(
        Platform.FACEBOOK,
        Surface.OWN_PAGE,
        "c1",
        "ring zebracorn on 07700 900123",
        T0,
        author_id="1001",
    )
    verdict = Verdict(c.key, Action.ALLOW, (), (), False, False, "r1", "m1")
    audit = (AuditEvent(T0, "houserules", "classified", c.key, "quoted: zebracorn"),)
    store.save([ProcessedComment(ClassifiedComment(c, verdict), PlatformState.NONE, (), audit)])
    store.save([processed(n, Action.ALLOW, f"comment number {n}") for n in range(2, 50)])

    store.erase_author(ErasureRequest(Platform.FACEBOOK, "1001", "Ali", "case 7", T0))

    files = b"".join(f.read_bytes() for f in tmp_path.iterdir() if f.name.startswith("store.db"))
    assert b"zebracorn" not in files
    assert b"900123" not in files
    store.close()
