from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from moderation.comment import Comment, Platform, Surface
from moderation.review import AuditEvent, PlatformState, ReviewStatus
from moderation.verdict import Action, Category, ClassifiedComment, Finding, Route, Verdict
from store.base import ProcessedComment, QueueEntry
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
    import sqlite3

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
