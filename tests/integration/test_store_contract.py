"""One contract, two stores: what the pipeline, the review app and the reports rely on must
hold for SQLite and for Elasticsearch alike, so neither can drift from the other.

The Elasticsearch store runs against the real local node from conftest, each test under
an index prefix of its own.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from houserules.settings import ElasticsearchSettings
from moderation import wire
from moderation.comment import Comment, Platform, Surface
from moderation.platform import InMemoryModerator, PlatformError
from moderation.review import AuditEvent, Decision, DecisionKind, PlatformState, ReviewStatus
from moderation.verdict import (
    Action,
    Category,
    ClassifiedComment,
    CommsNote,
    Evidence,
    Finding,
    Route,
    Verdict,
)
from store.base import (
    AuditFilter,
    CommentFilter,
    DecisionInProgress,
    DecisionLock,
    ProcessedComment,
    QueueEntry,
    Store,
)
from store.elasticsearch import ElasticsearchStore
from store.personal_data import ErasureRequest
from store.sqlite import SqliteStore
from stream.clock import FixedClock
from stream.decisions import ReviewError, apply_decision

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def remove_indices(store: ElasticsearchStore) -> None:
    """Delete what a test made under its prefix, so a reused server does not fill up."""
    client, prefix = store.client, store.names.prefix
    names = list(client.indices.get(index=f"{prefix}-*", allow_no_indices=True).body)
    if names:
        client.indices.delete(index=names)
    client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-*")


@pytest.fixture(params=["sqlite", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "houserules.db")
        yield sqlite
        sqlite.close()
        return
    node = request.getfixturevalue("elasticsearch")
    settings = ElasticsearchSettings(url=node.url, index_prefix=f"contract-{uuid.uuid4().hex[:12]}")
    es = ElasticsearchStore.connect(settings)
    try:
        yield es
    finally:
        remove_indices(es)
        es.close()


def comment(
    n: int,
    text: str = "you absolute muppet",
    *,
    at: datetime = MONDAY,
    platform: Platform = Platform.FACEBOOK,
) -> Comment:
    return Comment(
        platform, Surface.OWN_PAGE, f"c{n}", text, at + timedelta(hours=n), author_handle=f"r{n}"
    )


def harassing(n: int, text: str = "you absolute muppet", at: datetime = MONDAY) -> ProcessedComment:
    c = comment(n, text, at=at)
    finding = Finding(
        Category.HARASSMENT,
        0.91,
        "insults",
        (Evidence("insults", "a personal insult", "muppet", 13, 19),),
    )
    verdict = Verdict(c.key, Action.HIDE, (finding,), (Route.REVIEW,), True, False, "r1", "m1")
    return ProcessedComment(
        ClassifiedComment(c, verdict),
        PlatformState.HIDDEN,
        (QueueEntry(Route.REVIEW, "harassment"),),
        (AuditEvent(MONDAY, "houserules", "hidden", c.key, verdict.explain()),),
    )


def complaint(
    n: int,
    service: str = "waste",
    text: str = "bins on Elm Road missed again",
    platform: Platform = Platform.FACEBOOK,
) -> ProcessedComment:
    c = comment(n, text, platform=platform)
    verdict = Verdict(
        c.key,
        Action.COMMS,
        (Finding(Category.SERVICE_COMPLAINT, 0.8, "services"),),
        (Route.COMMS,),
        False,
        False,
        "r1",
        "m1",
        comms=(CommsNote("service complaint", service=service),),
    )
    return ProcessedComment(
        ClassifiedComment(c, verdict),
        PlatformState.NONE,
        (QueueEntry(Route.COMMS, f"service complaint: {service}"),),
    )


def hidden_misinformation(n: int) -> ProcessedComment:
    c = comment(n, "the tip is closing for good and they lie about it")
    tip = Evidence("facts", "tip closure", register_entry="tip")
    findings = (
        Finding(Category.MISINFORMATION, 0.88, "facts", (tip,)),
        Finding(Category.HARASSMENT, 0.7, "insults"),
    )
    verdict = Verdict(
        c.key,
        Action.HIDE,
        findings,
        (Route.REVIEW, Route.COMMS),
        True,
        False,
        "r1",
        "m1",
        comms=(CommsNote("misinformation", fact_id="tip", official_line="The tip stays open."),),
    )
    return ProcessedComment(
        ClassifiedComment(c, verdict),
        PlatformState.HIDDEN,
        (QueueEntry(Route.REVIEW, "misinformation"), QueueEntry(Route.COMMS, "correct it")),
    )


def allowed(n: int, text: str = "lovely new library", at: datetime = MONDAY) -> ProcessedComment:
    c = comment(n, text, at=at)
    verdict = Verdict(c.key, Action.ALLOW, (), (), False, False, "r1", "m1")
    return ProcessedComment(ClassifiedComment(c, verdict), PlatformState.NONE)


def test_an_empty_store_has_nothing_to_show(store: Store) -> None:
    assert store.count() == 0
    assert store.get("facebook:c1") is None
    assert store.seen(["facebook:c1"]) == {}
    assert store.queue(Route.REVIEW) == []
    assert store.item(1) is None
    assert store.search("bins") == []
    assert store.counts().total == 0
    assert store.audit() == []
    assert store.dead_letters() == []


def test_saving_the_same_comment_twice_keeps_one_record_and_one_queue_item(store: Store) -> None:
    assert store.save([harassing(1), allowed(2)]) == 2
    assert store.save([harassing(1), allowed(2)]) == 0
    assert store.count() == 2
    assert len(store.queue(Route.REVIEW)) == 1


def test_a_stored_comment_reads_back_with_its_verdict_and_evidence(store: Store) -> None:
    item = hidden_misinformation(1)
    store.save([item])
    stored = store.get(item.key)
    assert stored is not None
    assert stored.classified == item.classified
    assert stored.platform_state is PlatformState.HIDDEN
    assert stored.indexed_at.tzinfo is not None


def test_a_replay_with_edited_text_updates_the_comment_but_keeps_its_closed_item_closed(
    store: Store,
) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    event = AuditEvent(MONDAY, "Sam", "confirm", item.comment_key, "abusive", item.item_id)
    store.close_item(item.item_id, ReviewStatus.CONFIRMED, event)

    assert store.save([harassing(1, "you absolute muppet, edited")]) == 0
    assert store.seen([item.comment_key]) == {item.comment_key: "you absolute muppet, edited"}
    assert store.queue(Route.REVIEW) == []
    closed = store.item(item.item_id)
    assert closed is not None
    assert closed.status is ReviewStatus.CONFIRMED
    assert closed.text == "you absolute muppet, edited"


def test_a_comment_in_two_queues_has_one_item_in_each_even_after_a_replay(store: Store) -> None:
    store.save([hidden_misinformation(1)])
    store.save([hidden_misinformation(1)])
    (review,) = store.queue(Route.REVIEW)
    (comms,) = store.queue(Route.COMMS)
    assert review.comment_key == comms.comment_key == "facebook:c1"
    assert review.item_id != comms.item_id
    assert (review.reason, comms.reason) == ("misinformation", "correct it")


def test_a_queue_item_shows_the_comment_a_reviewer_needs(store: Store) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    assert item.status is ReviewStatus.OPEN
    assert (item.text, item.author_handle, item.action) == ("you absolute muppet", "r1", "hide")
    assert item.platform_state is PlatformState.HIDDEN
    assert item.created_at.tzinfo is not None
    assert store.item(item.item_id) == item


def test_urgent_items_come_first_then_in_the_order_queued(store: Store) -> None:
    store.save([harassing(1)])
    store.save([harassing(2)])
    threat = harassing(3)
    urgent = ProcessedComment(
        threat.classified,
        threat.platform_state,
        (QueueEntry(Route.REVIEW, "threat", urgent=True),),
    )
    store.save([urgent])
    queue = store.queue(Route.REVIEW)
    assert [i.comment_key for i in queue] == ["facebook:c3", "facebook:c1", "facebook:c2"]
    assert queue[0].urgent
    assert [i.comment_key for i in store.queue(Route.REVIEW, limit=2)] == [
        "facebook:c3",
        "facebook:c1",
    ]


def test_closing_an_item_records_who_and_why_and_happens_only_once(store: Store) -> None:
    store.save([harassing(1), harassing(2)])
    first, second = store.queue(Route.REVIEW)
    event = AuditEvent(MONDAY, "Sam", "restore", first.comment_key, "fair comment", first.item_id)
    store.close_item(first.item_id, ReviewStatus.RESTORED, event)

    assert [i.item_id for i in store.queue(Route.REVIEW)] == [second.item_id]
    assert [i.item_id for i in store.queue(Route.REVIEW, ReviewStatus.RESTORED)] == [first.item_id]
    assert len(store.queue(Route.REVIEW, status=None)) == 2
    assert store.audit(first.comment_key)[-1] == event
    with pytest.raises(LookupError, match="not open"):
        store.close_item(first.item_id, ReviewStatus.CONFIRMED, event)
    closed = store.item(first.item_id)
    assert closed is not None and closed.status is ReviewStatus.RESTORED
    assert [e.event for e in store.audit(first.comment_key)] == ["hidden", "restore"]


def test_closing_an_item_that_does_not_exist_is_refused(store: Store) -> None:
    event = AuditEvent(MONDAY, "Sam", "confirm", "facebook:c9", "?", 12345)
    with pytest.raises(LookupError):
        store.close_item(12345, ReviewStatus.CONFIRMED, event)
    assert store.audit() == []


def test_the_audit_log_reads_back_in_the_order_written(store: Store) -> None:
    store.save([harassing(1), harassing(2)])
    later = [
        AuditEvent(MONDAY + timedelta(minutes=5), "Sam", "note", "facebook:c1", "first note"),
        AuditEvent(MONDAY, "Ali", "note", "facebook:c2", "written second, dated earlier"),
        AuditEvent(MONDAY + timedelta(minutes=1), "Sam", "note", "facebook:c1", "third", 7),
    ]
    for event in later:
        store.append_audit(event)
    assert [e.detail for e in store.audit("facebook:c1")] == [
        harassing(1).audit[0].detail,
        "first note",
        "third",
    ]
    everything = store.audit()
    assert everything[2:] == later
    assert len(everything) == 5
    assert store.audit(limit=2) == everything[:2]


def test_the_platform_state_changes_where_reviewers_see_it_and_is_audited(store: Store) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    event = AuditEvent(MONDAY, "Sam", "unhidden", item.comment_key, "unhidden", item.item_id)
    store.set_platform_state(item.comment_key, PlatformState.RESTORED, event)

    stored = store.get(item.comment_key)
    assert stored is not None and stored.platform_state is PlatformState.RESTORED
    assert stored.classified == harassing(1).classified
    reread = store.item(item.item_id)
    assert reread is not None and reread.platform_state is PlatformState.RESTORED
    assert store.audit(item.comment_key)[-1] == event


def test_seen_gives_the_stored_text_of_known_keys_only(store: Store) -> None:
    store.save([allowed(1, "first words"), allowed(2, "second words")])
    assert store.seen(["facebook:c1", "facebook:c2", "facebook:c404"]) == {
        "facebook:c1": "first words",
        "facebook:c2": "second words",
    }
    assert store.seen([]) == {}


def test_full_text_search_finds_comments_having_every_word(store: Store) -> None:
    store.save([harassing(1), complaint(2), allowed(3, "the bins look great")])
    found = [h.classified.comment.comment_id for h in store.search("bins missed")]
    assert found == ["c2"]
    assert {h.classified.comment.comment_id for h in store.search("BINS")} == {"c2", "c3"}
    assert store.search('"quotes" and (brackets') == []
    assert store.search("   ") == []
    assert len(store.search("bins", limit=1)) == 1


def test_counts_for_a_period_give_actions_categories_platforms_and_services(
    store: Store,
) -> None:
    store.save(
        [
            harassing(1),
            hidden_misinformation(2),
            complaint(3, "waste"),
            complaint(4, "waste", platform=Platform.X),
            complaint(5, "libraries"),
            allowed(30),  # the next day: outside the period
        ]
    )
    counts = store.counts(since=MONDAY, until=MONDAY + timedelta(days=1))
    assert counts.total == 5
    assert counts.by_action == {"hide": 2, "comms": 3}
    assert counts.by_category == {"harassment": 2, "misinformation": 1, "service_complaint": 3}
    assert counts.by_platform == {"facebook": 4, "x": 1}
    assert counts.by_service == {"waste": 2, "libraries": 1}
    assert store.counts(since=MONDAY + timedelta(hours=3), until=MONDAY + timedelta(hours=4)) == (
        type(counts)(1, {"comms": 1}, {"service_complaint": 1}, {"facebook": 1}, {"waste": 1})
    )
    assert store.counts().total == 6


def test_dead_letters_keep_their_source_reason_and_payload_in_order(store: Store) -> None:
    store.dead_letter("decode", "not valid JSON", "{oops", MONDAY)
    store.dead_letter("classify", "classification failed: boom", '{"v": 1}', MONDAY)
    letters = store.dead_letters()
    assert [(d.source, d.reason, d.payload) for d in letters] == [
        ("decode", "not valid JSON", "{oops"),
        ("classify", "classification failed: boom", '{"v": 1}'),
    ]
    assert letters[0].at == MONDAY
    assert store.dead_letters(limit=1) == letters[:1]


LAST_YEAR = datetime(2025, 9, 10, 12, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 30 days on: September 2025 is long past
NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def request(author: str, at: datetime = NOW) -> ErasureRequest:
    return ErasureRequest(Platform.FACEBOOK, author, "Ali Khan", "case DP-2026-0042", at)


def by_author(
    n: int,
    author_id: str,
    text: str,
    *,
    handle: str = "",
    at: datetime = MONDAY,
    platform: Platform = Platform.FACEBOOK,
) -> ProcessedComment:
    """A hidden comment in the review queue, by a given author, with its audit event."""
    c = Comment(
        platform,
        Surface.OWN_PAGE,
        f"c{n}",
        text,
        at + timedelta(hours=n),
        author_handle=handle or f"name{n}",
        author_id=author_id,
    )
    finding = Finding(Category.PERSONAL_DATA, 0.95, "pii", (Evidence("pii", f"quoted: {text}"),))
    verdict = Verdict(c.key, Action.HIDE, (finding,), (Route.REVIEW,), True, False, "r1", "m1")
    return ProcessedComment(
        ClassifiedComment(c, verdict),
        PlatformState.HIDDEN,
        (QueueEntry(Route.REVIEW, "personal data"),),
        (AuditEvent(MONDAY, "houserules", "hidden", c.key, verdict.explain(), None),),
    )


def test_retention_removes_comments_past_the_limit_and_what_goes_with_them(store: Store) -> None:
    old = harassing(1, "an insult from last year", at=LAST_YEAR)
    store.save([old, harassing(2), complaint(3)])
    store.dead_letter("decode", "not valid JSON", "{old", LAST_YEAR)
    store.dead_letter("decode", "not valid JSON", "{recent", MONDAY)
    (old_item,) = [i for i in store.queue(Route.REVIEW) if i.comment_key == old.key]

    removed = store.apply_retention(30, DECEMBER)

    assert (removed.comments, removed.queue_items, removed.dead_letters) == (1, 1, 1)
    assert removed.audit_details == 1
    assert removed.still_hidden == (old.key,)
    assert store.get(old.key) is None
    assert store.seen([old.key]) == {}
    assert store.search("insult") == []
    assert store.item(old_item.item_id) is None
    assert [i.comment_key for i in store.queue(Route.REVIEW)] == ["facebook:c2"]
    assert store.count() == 2
    assert [d.payload for d in store.dead_letters()] == ["{recent"]


def test_retention_keeps_who_did_what_and_when_but_not_what_the_comment_said(store: Store) -> None:
    old = harassing(1, "an insult from last year", at=LAST_YEAR)
    store.save([old, harassing(2)])
    before = store.audit(old.key)

    store.apply_retention(30, DECEMBER)

    after = store.audit(old.key)
    assert [(e.at, e.actor, e.event, e.comment_key, e.item_id) for e in after] == [
        (e.at, e.actor, e.event, e.comment_key, e.item_id) for e in before
    ]
    assert [e.detail for e in after] == ["[erased by retention: 2026-12-01]"]
    assert store.audit("facebook:c2")[0].detail == harassing(2).audit[0].detail
    run = store.audit()[-1]
    assert (run.actor, run.event, run.comment_key, run.at) == (
        "houserules",
        "retention",
        "",
        DECEMBER,
    )
    assert "removed 1 comment(s)" in run.detail
    assert "insult" not in run.detail and old.key not in run.detail


def test_a_retention_dry_run_reports_what_a_run_removes_and_changes_nothing(store: Store) -> None:
    store.save([harassing(1, "an insult from last year", at=LAST_YEAR), harassing(2)])
    store.dead_letter("decode", "not valid JSON", "{old", LAST_YEAR)
    audit_before = store.audit()

    planned = store.apply_retention(30, DECEMBER, dry_run=True)

    assert store.count() == 2
    assert len(store.queue(Route.REVIEW)) == 2
    assert len(store.dead_letters()) == 1
    assert store.audit() == audit_before
    assert store.apply_retention(30, DECEMBER) == planned


def test_retention_run_again_removes_nothing_more_and_says_so(store: Store) -> None:
    store.save([harassing(1, "an insult from last year", at=LAST_YEAR), harassing(2)])
    store.apply_retention(30, DECEMBER)

    again = store.apply_retention(30, DECEMBER + timedelta(days=1))

    assert again.nothing and again.indices == () and again.still_hidden == ()
    assert store.count() == 1
    assert store.audit("facebook:c1")[0].detail == "[erased by retention: 2026-12-01]"
    assert [e.event for e in store.audit() if e.comment_key == ""] == ["retention", "retention"]


def test_retention_with_nothing_old_removes_nothing(store: Store) -> None:
    store.save([harassing(1), complaint(2)])
    removed = store.apply_retention(365, DECEMBER)
    assert removed.nothing
    assert store.count() == 2
    assert len(store.queue(Route.REVIEW)) == 1


def test_erasing_an_author_removes_their_comments_everywhere(store: Store) -> None:
    mine = [
        by_author(1, "1001", "call me on 07700 900123"),
        by_author(2, "1001", "I live at 4 Mill Lane", at=LAST_YEAR),
    ]
    theirs = by_author(3, "2002", "my neighbour's number is 07700 900456")
    elsewhere = by_author(4, "1001", "the same id on another platform", platform=Platform.X)
    store.save([*mine, theirs, elsewhere])
    store.dead_letter(
        "classify",
        "classification failed",
        wire.encode_comment(mine[0].classified.comment).decode(),
        MONDAY,
    )
    store.dead_letter(
        "classify",
        "classification failed",
        wire.encode_comment(theirs.classified.comment).decode(),
        MONDAY,
    )
    store.dead_letter("decode", "not valid JSON", "{1001", MONDAY)

    removed = store.erase_author(request("1001"))

    assert (removed.comments, removed.queue_items, removed.dead_letters) == (2, 2, 1)
    assert removed.audit_details == 2
    assert removed.still_hidden == ("facebook:c1", "facebook:c2")
    assert store.seen([p.key for p in mine]) == {}
    assert store.search("Mill Lane") == []
    assert [i.comment_key for i in store.queue(Route.REVIEW)] == ["facebook:c3", "x:c4"]
    assert store.get(theirs.key) is not None and store.get(elsewhere.key) is not None
    assert [d.payload for d in store.dead_letters()][1:] == ["{1001"]
    assert "07700 900456" in store.dead_letters()[0].payload


def test_an_erasure_keeps_who_did_what_and_records_itself_without_the_author(store: Store) -> None:
    mine = by_author(1, "1001", "call me on 07700 900123", handle="Jo Bloggs")
    theirs = by_author(3, "2002", "call me on 07700 900456")
    store.save([mine, theirs])
    (item,) = [i for i in store.queue(Route.REVIEW) if i.comment_key == mine.key]
    decision = AuditEvent(
        MONDAY, "Sam", "confirm", mine.key, "her number, keep hidden", item.item_id
    )
    store.close_item(item.item_id, ReviewStatus.CONFIRMED, decision)

    store.erase_author(request("1001"))

    events = store.audit(mine.key)
    assert [(e.at, e.actor, e.event, e.comment_key, e.item_id) for e in events] == [
        (MONDAY, "houserules", "hidden", mine.key, None),
        (MONDAY, "Sam", "confirm", mine.key, item.item_id),
    ]
    assert {e.detail for e in events} == {"[erased at request: 2026-11-20]"}
    assert store.audit(theirs.key)[0].detail == theirs.audit[0].detail
    record = store.audit()[-1]
    assert (record.at, record.actor, record.event, record.comment_key) == (
        NOW,
        "Ali Khan",
        "erasure",
        "",
    )
    assert "1 comment(s)" in record.detail and "case DP-2026-0042" in record.detail
    for personal in ("1001", "Jo Bloggs", "07700", mine.key):
        assert personal not in record.detail


def test_an_author_stored_without_a_platform_id_is_found_by_handle(store: Store) -> None:
    imported = by_author(1, "", "from a spreadsheet", handle="Jo Bloggs")
    store.save([imported, by_author(2, "555", "someone else", handle="Sam Lee")])

    removed = store.erase_author(request("Jo Bloggs"))

    assert removed.comments == 1
    assert store.get(imported.key) is None
    assert store.count() == 1


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ("UID-1001", "facebook:c1"),
        ("uid-1001", "facebook:c1"),
        ("jo bloggs", "facebook:c1"),
        ("jo_bloggs", "facebook:c2"),
        ("@JO_BLOGGS", "facebook:c2"),
    ],
)
def test_an_author_is_found_by_id_handle_or_display_name_whatever_the_case(
    store: Store, asked: str, found: str
) -> None:
    store.save(
        [
            by_author(1, "UID-1001", "call me on 07700 900123", handle="Jo Bloggs"),
            by_author(2, "", "from a spreadsheet", handle="@Jo_Bloggs"),
            by_author(3, "UID-2002", "someone else", handle="Sam Lee"),
        ]
    )

    removed = store.erase_author(request(asked))

    assert removed.comments == 1
    gone = [k for k in ("facebook:c1", "facebook:c2", "facebook:c3") if store.get(k) is None]
    assert gone == [found]


def test_an_erasure_dry_run_lists_the_authors_it_matched_and_changes_nothing(
    store: Store,
) -> None:
    store.save(
        [
            by_author(1, "555", "one Jo Bloggs", handle="Jo Bloggs"),
            by_author(2, "555", "the same Jo Bloggs again", handle="Jo Bloggs"),
            by_author(3, "", "a namesake from a spreadsheet", handle="jo bloggs"),
            by_author(4, "777", "someone else", handle="Sam Lee"),
        ]
    )
    audit_before = store.audit()

    planned = store.erase_author(request("JO BLOGGS"), dry_run=True)

    assert [(a.author_id, a.names, a.comments) for a in planned.authors] == [
        ("555", ("Jo Bloggs",), 2),
        ("", ("jo bloggs",), 1),
    ]
    assert (planned.comments, planned.queue_items, planned.audit_details) == (3, 3, 3)
    assert store.count() == 4 and store.audit() == audit_before
    assert store.erase_author(request("JO BLOGGS")) == planned
    assert store.count() == 1


def test_erasing_an_unknown_author_removes_nothing_and_records_the_request(store: Store) -> None:
    store.save([by_author(1, "1001", "call me on 07700 900123")])

    removed = store.erase_author(request("9999"))

    assert removed.nothing and removed.still_hidden == ()
    assert store.count() == 1
    assert store.audit()[-1].event == "erasure"
    assert "0 comment(s)" in store.audit()[-1].detail


def test_erasing_again_later_changes_nothing_more(store: Store) -> None:
    store.save([by_author(1, "1001", "call me on 07700 900123")])
    store.erase_author(request("1001"))

    again = store.erase_author(request("1001", at=NOW + timedelta(days=3)))

    assert again.nothing
    assert store.audit("facebook:c1")[0].detail == "[erased at request: 2026-11-20]"


def test_retention_after_an_erasure_leaves_the_erasure_marker(store: Store) -> None:
    store.save([by_author(1, "1001", "call me on 07700 900123", at=LAST_YEAR)])
    store.erase_author(request("1001"))
    removed = store.apply_retention(30, DECEMBER)
    assert removed.nothing
    assert store.audit("facebook:c1")[0].detail == "[erased at request: 2026-11-20]"


def test_retention_and_erasure_on_an_empty_store_remove_nothing(store: Store) -> None:
    assert store.apply_retention(30, DECEMBER, dry_run=True).nothing
    assert store.apply_retention(30, DECEMBER).nothing
    assert store.erase_author(request("1001")).nothing
    assert [e.event for e in store.audit()] == ["retention", "erasure"]


# The review app's reads: counts, filtered pages, a comment's items, claims, audit filters.


def test_open_counts_give_every_queue_even_empty_ones(store: Store) -> None:
    assert store.open_counts() == {Route.REVIEW: 0, Route.COMMS: 0, Route.ESCALATIONS: 0}
    store.save([harassing(1), harassing(2), hidden_misinformation(3), complaint(4)])
    assert store.open_counts() == {Route.REVIEW: 3, Route.COMMS: 2, Route.ESCALATIONS: 0}


def test_a_queue_page_filters_by_platform_category_surface_and_date_and_counts_all(
    store: Store,
) -> None:
    store.save([harassing(1), harassing(2), hidden_misinformation(3), complaint(4)])
    rows, total = store.queue_page(Route.REVIEW, limit=2)
    assert total == 3
    assert [r.item.comment_key for r in rows] == ["facebook:c1", "facebook:c2"]
    assert rows[0].platform == "facebook" and rows[0].surface == "own_page"
    assert rows[0].categories == ("harassment",)
    assert rows[0].comment_created_at == MONDAY + timedelta(hours=1)
    rows, total = store.queue_page(Route.REVIEW, limit=2, offset=2)
    assert ([r.item.comment_key for r in rows], total) == (["facebook:c3"], 3)

    rows, total = store.queue_page(Route.REVIEW, CommentFilter(category="misinformation"))
    assert ([r.item.comment_key for r in rows], total) == (["facebook:c3"], 1)
    assert store.queue_page(Route.REVIEW, CommentFilter(platform="youtube")) == ([], 0)
    assert store.queue_page(Route.REVIEW, CommentFilter(surface="mention")) == ([], 0)
    window = CommentFilter(since=MONDAY + timedelta(hours=2), until=MONDAY + timedelta(hours=3))
    rows, total = store.queue_page(Route.REVIEW, window)
    assert ([r.item.comment_key for r in rows], total) == (["facebook:c2"], 1)


def test_a_comments_items_are_listed_together(store: Store) -> None:
    store.save([hidden_misinformation(1), harassing(2)])
    rows = store.items_for("facebook:c1")
    assert [r.item.queue for r in rows] == [Route.REVIEW, Route.COMMS]
    assert store.items_for("facebook:c9") == []


def test_a_claim_holds_the_item_for_one_officer_and_is_audited(store: Store) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    claim = AuditEvent(MONDAY, "Sam", "claimed", item.comment_key, "claimed", item.item_id)
    store.assign(item.item_id, "Sam", claim, only_if_free=True)
    store.assign(item.item_id, "Sam", claim, only_if_free=True)
    with pytest.raises(LookupError, match="Sam"):
        store.assign(item.item_id, "Priya", claim, only_if_free=True)
    (row,) = store.queue_page(Route.REVIEW)[0]
    assert row.assigned_to == "Sam"

    handover = AuditEvent(MONDAY, "Sam", "assigned", item.comment_key, "to Priya", item.item_id)
    store.assign(item.item_id, "Priya", handover, only_if_free=False)
    assert store.items_for(item.comment_key)[0].assigned_to == "Priya"
    release = AuditEvent(MONDAY, "Priya", "released", item.comment_key, "", item.item_id)
    store.assign(item.item_id, "", release, only_if_free=False)
    assert store.items_for(item.comment_key)[0].assigned_to == ""
    events = [e.event for e in store.audit(item.comment_key)]
    assert events == ["hidden", "claimed", "claimed", "assigned", "released"]

    done = AuditEvent(MONDAY, "Sam", "confirm", item.comment_key, "abusive", item.item_id)
    store.close_item(item.item_id, ReviewStatus.CONFIRMED, done)
    with pytest.raises(LookupError, match="not open"):
        store.assign(item.item_id, "Sam", claim, only_if_free=True)
    with pytest.raises(LookupError):
        store.assign(987654, "Sam", claim, only_if_free=True)


def test_the_audit_page_is_newest_first_and_filters_by_date_officer_action_and_comment(
    store: Store,
) -> None:
    store.save([harassing(1), harassing(2)])
    first, second = store.queue(Route.REVIEW)
    later = MONDAY + timedelta(days=1)
    store.close_item(
        first.item_id,
        ReviewStatus.CONFIRMED,
        AuditEvent(later, "Sam", "confirm", first.comment_key, "abusive", first.item_id),
    )
    store.close_item(
        second.item_id,
        ReviewStatus.RESTORED,
        AuditEvent(later, "Priya", "restore", second.comment_key, "fair", second.item_id),
    )
    events, total = store.audit_page()
    assert total == 4
    assert [e.event for e in events] == ["restore", "confirm", "hidden", "hidden"]
    events, total = store.audit_page(limit=1, offset=1)
    assert ([e.actor for e in events], total) == (["Sam"], 4)
    assert [e.actor for e in store.audit_page(AuditFilter(actor="Priya"))[0]] == ["Priya"]
    assert [e.event for e in store.audit_page(AuditFilter(event="confirm"))[0]] == ["confirm"]
    by_comment = store.audit_page(AuditFilter(comment_key=first.comment_key))[0]
    assert [e.event for e in by_comment] == ["confirm", "hidden"]
    assert store.audit_page(AuditFilter(since=later))[1] == 2
    assert store.audit_page(AuditFilter(until=later))[1] == 2


def test_search_narrows_by_the_same_filters_as_the_queues(store: Store) -> None:
    store.save([complaint(1), complaint(2, platform=Platform.YOUTUBE), harassing(3, "bins muppet")])
    everywhere = {h.classified.comment.key for h in store.search("bins")}
    assert everywhere == {"facebook:c1", "youtube:c2", "facebook:c3"}
    on_youtube = store.search("bins", filters=CommentFilter(platform="youtube"))
    assert [h.classified.comment.key for h in on_youtube] == ["youtube:c2"]
    harassment = store.search("bins", filters=CommentFilter(category="harassment"))
    assert [h.classified.comment.key for h in harassment] == ["facebook:c3"]


# Decisions on one item at once: the decision lock.


def lock_for(
    item_id: int, token: str, kind: str = "restore", until: datetime = MONDAY
) -> DecisionLock:
    return DecisionLock(item_id, token, kind, f"officer-{token}", until + timedelta(minutes=10))


def test_one_decision_at_a_time_holds_an_item_and_a_close_waits_for_it(store: Store) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    assert store.begin_decision(lock_for(item.item_id, "a"), MONDAY) == ""
    with pytest.raises(DecisionInProgress, match=r"being decided right now \(restore by"):
        store.begin_decision(lock_for(item.item_id, "b", "confirm"), MONDAY)
    event = AuditEvent(MONDAY, "Sam", "confirm", item.comment_key, "abusive", item.item_id)
    with pytest.raises(DecisionInProgress):
        store.close_item(item.item_id, ReviewStatus.CONFIRMED, event)
    with pytest.raises(DecisionInProgress):
        store.close_item(item.item_id, ReviewStatus.CONFIRMED, event, token="b")
    assert store.item(item.item_id).status is ReviewStatus.OPEN  # type: ignore[union-attr]

    store.end_decision(item.item_id, "b")  # not b's: nothing happens
    with pytest.raises(DecisionInProgress):
        store.begin_decision(lock_for(item.item_id, "b", "confirm"), MONDAY)
    store.end_decision(item.item_id, "a")
    assert store.begin_decision(lock_for(item.item_id, "b", "confirm"), MONDAY) == ""
    store.close_item(item.item_id, ReviewStatus.CONFIRMED, event, token="b")
    assert store.item(item.item_id).status is ReviewStatus.CONFIRMED  # type: ignore[union-attr]
    with pytest.raises(LookupError, match="already confirmed"):
        store.begin_decision(lock_for(item.item_id, "c"), MONDAY)
    with pytest.raises(LookupError):
        store.begin_decision(lock_for(987654, "c"), MONDAY)


def test_a_hold_left_by_a_process_that_died_runs_out_and_says_what_was_cut_short(
    store: Store,
) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    store.begin_decision(lock_for(item.item_id, "dead", "restore"), MONDAY)
    later = MONDAY + timedelta(minutes=11)
    assert store.begin_decision(lock_for(item.item_id, "next", "confirm", later), later) == (
        "restore"
    )
    event = AuditEvent(later, "Sam", "confirm", item.comment_key, "abusive", item.item_id)
    store.close_item(item.item_id, ReviewStatus.CONFIRMED, event, token="next")
    assert store.item(item.item_id).status is ReviewStatus.CONFIRMED  # type: ignore[union-attr]


def test_of_many_officers_taking_an_item_at_once_exactly_one_holds_it(store: Store) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    start = threading.Barrier(8)

    def take(n: int) -> str:
        start.wait()
        try:
            store.begin_decision(lock_for(item.item_id, f"t{n}"), MONDAY)
            return "held"
        except DecisionInProgress:
            return "busy"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(take, range(8)))
    assert sorted(outcomes) == ["busy"] * 7 + ["held"]


class SlowPlatform:
    """A platform whose restore waits until the test lets it go, so a second decision can
    arrive while the first is in the middle of its platform call."""

    def __init__(self) -> None:
        self.visible: set[str] = set()
        self.restoring = threading.Event()
        self.go_on = threading.Event()

    def hide(self, c: Comment) -> None:
        self.visible.discard(c.key)

    def restore(self, c: Comment) -> None:
        self.restoring.set()
        assert self.go_on.wait(30)
        self.visible.add(c.key)


def test_a_confirm_while_a_restore_is_on_the_platform_is_refused_and_both_agree_after(
    store: Store,
) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    platform = SlowPlatform()
    moderators = {Platform.FACEBOOK: platform}
    clock = FixedClock(MONDAY)
    restore = Decision(item.item_id, DecisionKind.RESTORE, "Priya", "fair comment", MONDAY)
    confirm = Decision(item.item_id, DecisionKind.CONFIRM, "Sam", "abusive", MONDAY)
    with ThreadPoolExecutor(1) as pool:
        restoring = pool.submit(apply_decision, restore, store, moderators, clock)
        assert platform.restoring.wait(30)
        with pytest.raises(ReviewError, match="being decided right now"):
            apply_decision(confirm, store, moderators, clock)
        platform.go_on.set()
        closed = restoring.result(timeout=60)
    assert closed.status is ReviewStatus.RESTORED
    assert platform.visible == {item.comment_key}
    stored = store.get(item.comment_key)
    assert stored is not None and stored.platform_state is PlatformState.RESTORED
    assert [e.event for e in store.audit(item.comment_key)] == ["hidden", "unhidden", "restore"]


def test_a_failed_platform_call_lets_go_of_the_item(store: Store) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    broken = InMemoryModerator(fail_with=PlatformError("token expired", transient=False))
    restore = Decision(item.item_id, DecisionKind.RESTORE, "Priya", "fair comment", MONDAY)
    with pytest.raises(ReviewError, match="token expired"):
        apply_decision(restore, store, {Platform.FACEBOOK: broken}, FixedClock(MONDAY))
    confirm = Decision(item.item_id, DecisionKind.CONFIRM, "Sam", "abusive", MONDAY)
    closed = apply_decision(confirm, store, {Platform.FACEBOOK: broken}, FixedClock(MONDAY))
    assert closed.status is ReviewStatus.CONFIRMED


def test_a_confirm_after_a_restore_was_cut_short_hides_the_comment_again(store: Store) -> None:
    store.save([harassing(1)])
    (item,) = store.queue(Route.REVIEW)
    platform = InMemoryModerator()
    # A restore took the lock, unhid the comment on the platform, and its process died.
    store.begin_decision(lock_for(item.item_id, "dead", "restore"), MONDAY)
    later = MONDAY + timedelta(minutes=11)
    confirm = Decision(item.item_id, DecisionKind.CONFIRM, "Sam", "abusive", later)
    closed = apply_decision(confirm, store, {Platform.FACEBOOK: platform}, FixedClock(later))
    assert closed.status is ReviewStatus.CONFIRMED
    assert platform.hidden == {item.comment_key}
    details = [e.detail for e in store.audit(item.comment_key) if e.event == "hidden"]
    assert details[-1] == "hidden on facebook after review again (restore cut short)"
