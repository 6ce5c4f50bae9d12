"""The Facebook connector, with facebook-sdk, against a local fake Graph API."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from ingest.connector_settings import FacebookSettings, PollingSettings
from ingest.cursor import SqliteCursorStore
from ingest.facebook import FacebookConnector, FacebookModerator, graph_client
from ingest.failures import ConnectorPaused, PauseReason, PlatformUnavailable, RateLimited
from ingest.retry import RetryPolicy
from moderation.comment import Surface
from tests.fakes import facebook_graph as fb
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.sinks import SinkDown, StoringSink

pytestmark = pytest.mark.integration

TOKEN = "EAAG-page-token-very-secret"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph(token=TOKEN) as fake:
        yield fake


def settings_for(graph: FakeGraph, **polling: object) -> FacebookSettings:
    return FacebookSettings(
        page_id=graph.page_id,
        page_access_token=SecretStr(TOKEN),
        app_secret=SecretStr("app-secret"),
        graph_url=graph.url,
        polling=PollingSettings(**{"batch_size": 3, "retry_initial_seconds": 0.01, **polling}),
    )


def quick_retry(sleeps: list[float] | None = None) -> RetryPolicy:
    record = sleeps if sleeps is not None else []
    return RetryPolicy(attempts=3, initial_wait=0.01, max_wait=5.0, sleep=record.append)


def connector(graph, sink, tmp_path, sleeps=None, **polling) -> FacebookConnector:
    settings = settings_for(graph, **polling)
    return FacebookConnector(
        settings,
        sink,
        SqliteCursorStore(tmp_path / "cursors.db"),
        client=graph_client(settings, quick_retry(sleeps)),
    )


def test_backfill_reads_every_comment_and_reply_across_pages(graph, tmp_path):
    graph.page_size = 2
    first, second = graph.add_post("Bin collections this week"), graph.add_post("Road closure")
    ids = [graph.post_comment(first, f"comment {n}") for n in range(5)]
    ids.append(graph.post_comment(first, "a reply", parent=ids[0]))
    ids += [graph.post_comment(second, f"road {n}") for n in range(3)]
    graph.post_comment(second, "Thanks, the council", author=(graph.page_id, "The Council"))
    sink = StoringSink()

    delivered = connector(graph, sink, tmp_path).poll_once()

    assert delivered == 9
    assert sorted(c.comment_id for c in sink.accepted) == sorted(ids)
    reply = sink.by_key[f"facebook:{ids[5]}"]
    assert reply.parent_id == ids[0] and reply.post_id == first
    assert reply.author_handle == "A Resident" and reply.surface is Surface.OWN_PAGE
    assert reply.created_at.tzinfo is not None
    assert [c.created_at for c in sink.accepted] == sorted(c.created_at for c in sink.accepted)
    assert len(graph.calls("GET", "/comments")) > 2, "comments should have been paged"


def test_a_second_poll_delivers_only_new_comments(graph, tmp_path):
    post = graph.add_post("Consultation")
    graph.post_comment(post, "first")
    sink = StoringSink()
    conn = connector(graph, sink, tmp_path)
    assert conn.poll_once() == 1
    new = graph.post_comment(post, "second")
    assert conn.poll_once() == 1
    assert conn.poll_once() == 0
    assert sink.keys == [sink.keys[0], f"facebook:{new}"]


def test_a_connector_killed_mid_backfill_resumes_with_no_gap_and_no_duplicate(graph, tmp_path):
    post = graph.add_post("Budget")
    ids = [graph.post_comment(post, f"comment {n}") for n in range(10)]
    sink = StoringSink(fail_on_batch=3)
    with pytest.raises(SinkDown):
        connector(graph, sink, tmp_path).poll_once()
    assert len(sink.accepted) == 6

    sink.fail_on_batch = None
    restarted = connector(graph, sink, tmp_path)  # a new process: same cursor file
    assert restarted.poll_once() == 4
    assert sink.keys == [f"facebook:{i}" for i in ids]


def test_hide_and_restore_change_the_comment_on_the_page(graph, tmp_path):
    post = graph.add_post("Parking")
    target = graph.post_comment(post, "abusive words")
    sink = StoringSink()
    connector(graph, sink, tmp_path).poll_once()
    comment = sink.accepted[0]
    moderator = FacebookModerator(graph_client(settings_for(graph), quick_retry()))

    moderator.hide(comment)
    moderator.hide(comment)  # idempotent
    assert graph.is_hidden(target)
    moderator.restore(comment)
    assert not graph.is_hidden(target)
    assert not graph.calls("DELETE")


def test_an_expired_token_pauses_the_connector_with_a_clear_reason(graph, tmp_path, caplog):
    graph.add_post("x")
    graph.fail_next(fb.EXPIRED_TOKEN, times=10)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConnectorPaused) as paused:
        connector(graph, StoringSink(), tmp_path).poll_once()
    assert paused.value.reason is PauseReason.TOKEN_EXPIRED
    assert "expired" in str(paused.value) and "190" in str(paused.value)
    assert len(graph.requests) == 1, "an expired token is not retried"
    assert TOKEN not in str(paused.value) and TOKEN not in caplog.text


@pytest.mark.parametrize("error", [fb.PERMISSION_DENIED, fb.MANAGE_PERMISSION_DENIED])
def test_a_missing_permission_pauses_the_connector(graph, tmp_path, error):
    graph.add_post("x")
    graph.fail_next(error)
    with pytest.raises(ConnectorPaused) as paused:
        connector(graph, StoringSink(), tmp_path).poll_once()
    assert paused.value.reason is PauseReason.PERMISSION_MISSING
    assert "permission" in str(paused.value)


@pytest.mark.parametrize(
    "error", [fb.SERVER_ERROR, fb.BAD_GATEWAY, fb.RATE_LIMITED, fb.TOO_MANY_REQUESTS]
)
def test_transient_errors_are_retried_with_backoff_and_nothing_is_lost(graph, tmp_path, error):
    post = graph.add_post("x")
    graph.post_comment(post, "hello")
    graph.fail_next(error, times=2)
    sleeps: list[float] = []
    sink = StoringSink()
    assert connector(graph, sink, tmp_path, sleeps).poll_once() == 1
    assert len(sleeps) == 2 and all(s > 0 for s in sleeps)
    if error is fb.TOO_MANY_REQUESTS:
        assert min(sleeps) >= 1.0, "Retry-After is honoured"


def test_an_outage_that_outlasts_the_retries_leaves_the_cursor_where_it_was(graph, tmp_path):
    post = graph.add_post("x")
    graph.post_comment(post, "hello")
    graph.fail_next(fb.SERVER_ERROR, times=3)
    sink = StoringSink()
    with pytest.raises(PlatformUnavailable):
        connector(graph, sink, tmp_path).poll_once()
    assert connector(graph, sink, tmp_path).poll_once() == 1


def test_high_usage_slows_the_connector_down(graph, tmp_path):
    post = graph.add_post("x")
    graph.post_comment(post, "hello")
    graph.app_usage = {"call_count": 95, "total_cputime": 10, "total_time": 10}
    sleeps: list[float] = []
    connector(graph, StoringSink(), tmp_path, sleeps).poll_once()
    assert sleeps and all(s >= 5 for s in sleeps)


def test_business_usage_with_time_to_regain_access_is_a_rate_limit(graph, tmp_path):
    graph.add_post("x")
    usage = (
        '{"1000": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 12}]}'
    )
    graph.fail_next(fb.Reply(200, {"data": []}, {"X-Business-Use-Case-Usage": usage}))
    with pytest.raises(RateLimited) as limited:
        connector(graph, StoringSink(), tmp_path).poll_once()
    assert limited.value.retry_after == 12 * 60


def test_the_token_travels_in_a_header_never_in_the_url(graph, tmp_path):
    graph.add_post("x")
    connector(graph, StoringSink(), tmp_path).poll_once()
    assert graph.requests
    for request in graph.requests:
        assert TOKEN not in request.path and TOKEN not in str(request.query)
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.query.get("appsecret_proof")
        assert request.path.startswith("/v21.0/")
