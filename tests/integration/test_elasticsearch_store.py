"""What only the Elasticsearch store has to prove: its mappings, its monthly indices and
retention, its aggregations, its behaviour under concurrent reviewers, and what happens
when the cluster cannot be reached. Runs against the real local node from conftest."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch

from houserules.services import ElasticsearchNode
from houserules.settings import ElasticsearchSettings
from moderation.review import AuditEvent, PlatformState, ReviewStatus
from moderation.verdict import Route
from store.base import ProcessedComment, QueueEntry
from store.elasticsearch import ElasticsearchStore
from store.es_retry import Backoff, ElasticsearchUnavailable
from tests.integration.test_store_contract import (
    MONDAY,
    allowed,
    complaint,
    harassing,
    remove_indices,
)

QUICK = Backoff(attempts=3, first_wait_s=0.1, max_wait_s=0.2)


def _prefix() -> str:
    return f"es-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def es_store(elasticsearch: ElasticsearchNode) -> Iterator[ElasticsearchStore]:
    store = ElasticsearchStore.connect(
        ElasticsearchSettings(url=elasticsearch.url, index_prefix=_prefix())
    )
    try:
        yield store
    finally:
        remove_indices(store)
        store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Relay:
    """A TCP relay in front of Elasticsearch that can be down (nothing listening) or up,
    to stand for a node that is unreachable for a while."""

    def __init__(self, target_port: int) -> None:
        self.port = _free_port()
        self.target_port = target_port
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for s in self._sockets:
                s.close()


def _store_through(relay: Relay, prefix: str, backoff: Backoff) -> ElasticsearchStore:
    client = Elasticsearch(relay.url, max_retries=0, retry_on_timeout=False, request_timeout=10)
    return ElasticsearchStore(client, prefix, backoff=backoff, where=relay.url)


def test_the_fields_dashboards_aggregate_on_are_aggregatable_keywords_dates_and_numbers(
    es_store: ElasticsearchStore,
) -> None:
    es_store.save([harassing(1), complaint(2)])
    caps = es_store.client.field_caps(index=es_store.names.comments, fields="*").body["fields"]

    def kind(name: str) -> tuple[str, bool]:
        ((type_name, cap),) = caps[name].items()
        return type_name, cap["aggregatable"]

    for keyword in (
        "action",
        "categories",
        "platform",
        "surface",
        "services",
        "platform_state",
        "author_handle",
        "rules_version",
        "classifier_version",
        "findings.category",
        "findings.detector",
        "findings.evidence.detector",
    ):
        assert kind(keyword) == ("keyword", True), keyword
    assert kind("created_at") == ("date", True)
    assert kind("indexed_at") == ("date", True)
    assert kind("max_score") == ("float", True)
    assert kind("scores.harassment") == ("float", True)
    assert kind("findings.score") == ("float", True)
    assert kind("text") == ("text", False)
    mapping = es_store.client.indices.get_mapping(index=es_store.names.comments).body
    ((properties,),) = [[m["mappings"]["properties"]] for m in mapping.values()]
    assert properties["findings"]["type"] == "nested"
    assert properties["wire"] == {"type": "object", "enabled": False}


def test_connecting_again_changes_nothing_and_keeps_what_was_stored(
    elasticsearch: ElasticsearchNode, es_store: ElasticsearchStore
) -> None:
    es_store.save([harassing(1)])
    settings = ElasticsearchSettings(url=elasticsearch.url, index_prefix=es_store.names.prefix)
    again = ElasticsearchStore.connect(settings)
    try:
        assert again.count() == 1
        assert len(again.queue(Route.REVIEW)) == 1
    finally:
        again.close()


def test_comments_go_to_the_index_of_their_month_and_are_read_through_one_alias(
    es_store: ElasticsearchStore,
) -> None:
    october = harassing(1, "written in October", at=datetime(2026, 10, 31, 22, 30, tzinfo=UTC))
    es_store.save([october, allowed(2)])
    es_store.save([october])
    prefix = es_store.names.prefix
    assert es_store.comment_indices() == [
        f"{prefix}-comments-2026.10",
        f"{prefix}-comments-2026.11",
    ]
    assert es_store.count() == 2
    for month in ("2026.10", "2026.11"):
        assert es_store.client.count(index=f"{prefix}-comments-{month}")["count"] == 1


def test_a_worker_retrying_the_same_batch_doubles_no_record_and_no_audit_event(
    es_store: ElasticsearchStore,
) -> None:
    batch = [harassing(1), complaint(2)]
    es_store.save(batch)
    es_store.save(batch)  # the same objects again, as after an outage cut the first short
    assert es_store.count() == 2
    assert [len(es_store.queue(q)) for q in (Route.REVIEW, Route.COMMS)] == [1, 1]
    assert [e.event for e in es_store.audit()] == ["hidden"]


def test_a_reviewer_escalating_a_hidden_comment_keeps_how_long_it_took_to_hide(
    es_store: ElasticsearchStore,
) -> None:
    first = harassing(0)
    hidden = replace(first.audit[0], at=MONDAY + timedelta(seconds=90))
    es_store.save([replace(first, audit=(hidden,))])
    # What stream.decisions saves when a reviewer escalates: no `hidden` event of its own.
    escalation = QueueEntry(Route.ESCALATIONS, "escalated by ann: a threat", urgent=True)
    es_store.save([ProcessedComment(first.classified, PlatformState.HIDDEN, (escalation,))])
    found = es_store.client.search(
        index=es_store.names.comments, query={"ids": {"values": [first.key]}}
    )
    assert [h["_source"]["hide_seconds"] for h in found["hits"]["hits"]] == [90.0]
    assert len(es_store.queue(Route.ESCALATIONS)) == 1


def test_retention_drops_whole_months_and_keeps_the_audit_log(
    es_store: ElasticsearchStore,
) -> None:
    old = harassing(1, "an insult from last year", at=datetime(2025, 9, 10, tzinfo=UTC))
    es_store.save([old, harassing(2)])
    assert len(es_store.queue(Route.REVIEW)) == 2

    now = datetime(2026, 12, 1, tzinfo=UTC)
    # 450 days before 1 December 2026 is 7 September 2025: September is not yet over.
    assert es_store.drop_indices_older_than(days=450, now=now) == []
    dropped = es_store.drop_indices_older_than(days=30, now=now)
    assert dropped == [f"{es_store.names.prefix}-comments-2025.09"]
    assert es_store.drop_indices_older_than(days=30, now=now) == []

    assert es_store.get(old.key) is None
    assert es_store.count() == 1
    assert [i.comment_key for i in es_store.queue(Route.REVIEW)] == ["facebook:c2"]
    assert [e.event for e in es_store.audit(old.key)] == ["hidden"]


def test_retention_keeps_a_month_until_all_of_it_is_past_the_limit(
    es_store: ElasticsearchStore,
) -> None:
    early = harassing(1, "early October", at=datetime(2026, 10, 2, tzinfo=UTC))
    late = harassing(2, "late October", at=datetime(2026, 10, 30, tzinfo=UTC))
    es_store.save([early, late])
    # 30 days before 20 November is 21 October: the early comment is past the limit (SQLite
    # would remove it), but October is not over at the limit, so its index stays whole.
    kept = es_store.apply_retention(30, datetime(2026, 11, 20, tzinfo=UTC))
    assert kept.nothing and kept.indices == ()
    assert es_store.count() == 2

    gone = es_store.apply_retention(30, datetime(2026, 12, 1, tzinfo=UTC))
    assert gone.indices == (f"{es_store.names.prefix}-comments-2026.10",)
    assert (gone.comments, gone.queue_items, gone.audit_details) == (2, 2, 2)
    assert es_store.count() == 0
    assert es_store.client.count(index=es_store.names.queue)["count"] == 0


def test_counts_over_time_and_the_most_reported_services(es_store: ElasticsearchStore) -> None:
    es_store.save(
        [
            harassing(1),
            complaint(2, "waste"),
            complaint(3, "waste"),
            complaint(26, "libraries"),  # Tuesday
            complaint(27, "waste"),
        ]
    )
    days = es_store.counts_over_time("day")
    assert [(b.start, b.total, b.by_action) for b in days] == [
        (MONDAY.replace(hour=0), 3, {"comms": 2, "hide": 1}),
        (MONDAY.replace(hour=0) + timedelta(days=1), 2, {"comms": 2}),
    ]
    tuesday = es_store.counts_over_time("6h", since=MONDAY + timedelta(days=1))
    assert [(b.start.hour, b.total) for b in tuesday] == [(6, 1), (12, 1)]
    assert es_store.top_services() == [("waste", 3), ("libraries", 1)]
    assert es_store.top_services(since=MONDAY + timedelta(days=1), limit=1) == [("libraries", 1)]


def test_of_several_reviewers_closing_one_item_at_once_exactly_one_wins(
    elasticsearch: ElasticsearchNode, es_store: ElasticsearchStore
) -> None:
    es_store.save([harassing(1)])
    (item,) = es_store.queue(Route.REVIEW)
    settings = ElasticsearchSettings(url=elasticsearch.url, index_prefix=es_store.names.prefix)
    reviewers = [ElasticsearchStore.connect(settings) for _ in range(4)]
    start = threading.Barrier(len(reviewers))
    outcomes: list[str] = []

    def review(n: int, store: ElasticsearchStore) -> None:
        event = AuditEvent(
            MONDAY, f"reviewer{n}", "confirm", item.comment_key, "abuse", item.item_id
        )
        start.wait()
        try:
            store.close_item(item.item_id, ReviewStatus.CONFIRMED, event)
            outcomes.append(f"reviewer{n}")
        except LookupError:
            outcomes.append("refused")

    threads = [threading.Thread(target=review, args=(n, s)) for n, s in enumerate(reviewers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in reviewers:
        s.close()
    (winner,) = [o for o in outcomes if o != "refused"]
    assert outcomes.count("refused") == 3
    assert [e.actor for e in es_store.audit(item.comment_key) if e.event == "confirm"] == [winner]


def test_audit_events_written_by_several_workers_at_once_are_all_kept(
    elasticsearch: ElasticsearchNode, es_store: ElasticsearchStore
) -> None:
    settings = ElasticsearchSettings(url=elasticsearch.url, index_prefix=es_store.names.prefix)
    workers = [ElasticsearchStore.connect(settings) for _ in range(3)]

    def append(n: int, store: ElasticsearchStore) -> None:
        for i in range(5):
            store.append_audit(AuditEvent(MONDAY, f"worker{n}", "note", "facebook:c1", str(i)))

    threads = [threading.Thread(target=append, args=(n, s)) for n, s in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in workers:
        s.close()
    events = es_store.audit("facebook:c1", limit=100)
    assert len(events) == 15
    for n in range(3):
        assert [e.detail for e in events if e.actor == f"worker{n}"] == [str(i) for i in range(5)]


def test_a_save_while_elasticsearch_is_unreachable_raises_after_retrying_and_loses_nothing(
    elasticsearch: ElasticsearchNode, es_store: ElasticsearchStore
) -> None:
    relay = Relay(elasticsearch.port)
    store = _store_through(relay, es_store.names.prefix, QUICK)
    batch = [harassing(1), complaint(2)]
    try:
        began = time.monotonic()
        with pytest.raises(ElasticsearchUnavailable) as raised:
            store.save(batch)
        assert time.monotonic() - began >= 0.2  # it waited between attempts
        message = str(raised.value)
        assert relay.url in message
        assert "after 3 attempts" in message
        assert es_store.count() == 0

        relay.open()
        assert store.save(batch) == 2  # the caller kept the batch; saving it again works
        assert es_store.count() == 2
        assert len(es_store.queue(Route.COMMS)) == 1
    finally:
        store.close()
        relay.close()


def test_a_save_made_while_elasticsearch_is_briefly_away_lands_when_it_is_back(
    elasticsearch: ElasticsearchNode, es_store: ElasticsearchStore
) -> None:
    relay = Relay(elasticsearch.port)
    store = _store_through(relay, es_store.names.prefix, Backoff(8, 0.2, 1.0))
    back = threading.Timer(0.8, relay.open)
    try:
        back.start()
        assert store.save([harassing(1)]) == 1
        assert es_store.count() == 1
        assert len(es_store.audit("facebook:c1")) == 1
    finally:
        back.join()
        store.close()
        relay.close()


def test_connecting_to_nothing_fails_clearly_and_never_shows_the_password() -> None:
    url = f"http://houserules:s3cret-pw@127.0.0.1:{_free_port()}"
    with pytest.raises(ElasticsearchUnavailable) as raised:
        ElasticsearchStore.connect(
            ElasticsearchSettings(url=url, index_prefix="nowhere"), backoff=QUICK
        )
    message = str(raised.value)
    assert "install the index templates" in message
    assert "s3cret-pw" not in message
    assert "127.0.0.1" in message


def test_a_bulk_load_without_waiting_for_refresh_is_searchable_after_refresh(
    elasticsearch: ElasticsearchNode,
) -> None:
    settings = ElasticsearchSettings(url=elasticsearch.url, index_prefix=_prefix())
    store = ElasticsearchStore.connect(settings, refresh="false")
    try:
        assert store.save([allowed(n, f"comment number {n}") for n in range(200)]) == 200
        store.refresh()
        assert store.count() == 200
        assert [h.classified.comment.text for h in store.search("number 7")] == ["comment number 7"]
    finally:
        remove_indices(store)
        store.close()
