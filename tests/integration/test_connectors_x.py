"""The X connector, with tweepy's v2 Client, against a local fake X API."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from ingest.connector_settings import PollingSettings, XSettings
from ingest.cursor import SqliteCursorStore
from ingest.failures import ConnectorPaused, NotHideable, PauseReason
from ingest.retry import RetryPolicy
from ingest.x import XClient, XConnector, XModerator
from moderation.comment import Surface
from tests.fakes import x_api
from tests.fakes.sinks import SinkDown, StoringSink
from tests.fakes.x_api import FakeX

pytestmark = pytest.mark.integration

TOKEN = "x-oauth2-user-token-secret"


@pytest.fixture
def x() -> Iterator[FakeX]:
    with FakeX(token=TOKEN) as fake:
        fake.user("101", "resident_a")
        fake.user("102", "resident_b")
        fake.user("103", "resident_c")
        yield fake


def client_for(x: FakeX, sleeps: list[float] | None = None, **polling: object) -> XClient:
    settings = settings_for(x, **polling)
    record = sleeps if sleeps is not None else []
    return XClient(
        settings, RetryPolicy(attempts=3, initial_wait=0.01, max_wait=5, sleep=record.append)
    )


def settings_for(x: FakeX, **polling: object) -> XSettings:
    return XSettings(
        user_id=x.council_id,
        username=x.council_username,
        access_token=SecretStr(TOKEN),
        api_url=x.url,
        polling=PollingSettings(**{"batch_size": 2, **polling}),
    )


def connector(x, sink, tmp_path, sleeps=None) -> XConnector:
    return XConnector(
        settings_for(x), sink, SqliteCursorStore(tmp_path / "c.db"), client=client_for(x, sleeps)
    )


def council_thread(x: FakeX) -> dict[str, str]:
    root = x.tweet(x.council_id, "Recycling centre hours are changing from Monday")
    reply = x.tweet("101", "@ExampleCouncil you lot are useless idiots", reply_to=root)
    deeper = x.tweet("102", "@resident_a agreed", reply_to=reply)
    council_answer = x.tweet(x.council_id, "@resident_a sorry to hear that", reply_to=reply)
    elsewhere = x.tweet("103", "@ExampleCouncil the bins on Elm Road were missed again")
    return {
        "root": root,
        "reply": reply,
        "deeper": deeper,
        "answer": council_answer,
        "elsewhere": elsewhere,
    }


def test_reads_mentions_and_replies_in_the_councils_conversations(x, tmp_path):
    ids = council_thread(x)
    x.page_size = 1
    sink = StoringSink()

    assert connector(x, sink, tmp_path).poll_once() == 3

    got = {c.comment_id: c for c in sink.accepted}
    assert set(got) == {ids["reply"], ids["deeper"], ids["elsewhere"]}
    assert got[ids["reply"]].surface is Surface.OWN_PAGE
    assert got[ids["deeper"]].surface is Surface.OWN_PAGE
    assert got[ids["elsewhere"]].surface is Surface.MENTION
    assert got[ids["reply"]].author_handle == "resident_a"
    assert got[ids["reply"]].parent_id == ids["root"]
    assert len(sink.keys) == len(set(sink.keys))


def test_since_id_means_the_next_poll_reads_only_new_posts(x, tmp_path):
    ids = council_thread(x)
    sink = StoringSink()
    conn = connector(x, sink, tmp_path)
    conn.poll_once()
    newer = x.tweet("103", "@ExampleCouncil and again today", reply_to=ids["elsewhere"])
    in_thread = x.tweet("102", "rubbish service", reply_to=ids["root"])
    assert conn.poll_once() == 2
    assert conn.poll_once() == 0
    assert set(sink.keys[-2:]) == {f"x:{newer}", f"x:{in_thread}"}
    searches = x.calls("GET", "/search/recent")
    assert searches[-1].query["since_id"] == in_thread


def test_a_connector_killed_mid_backfill_resumes_with_no_gap_and_no_duplicate(x, tmp_path):
    root = x.tweet(x.council_id, "Have your say on the budget")
    replies = [x.tweet("101", f"reply {n}", reply_to=root) for n in range(7)]
    sink = StoringSink(fail_on_batch=3)
    with pytest.raises(SinkDown):
        connector(x, sink, tmp_path).poll_once()
    assert len(sink.accepted) == 4
    sink.fail_on_batch = None
    assert connector(x, sink, tmp_path).poll_once() == 3
    assert sink.keys == [f"x:{r}" for r in replies]


def test_hiding_a_reply_in_the_councils_conversation_hides_it_on_x(x, tmp_path):
    ids = council_thread(x)
    sink = StoringSink()
    connector(x, sink, tmp_path).poll_once()
    reply = sink.by_key[f"x:{ids['reply']}"]
    moderator = XModerator(client_for(x))
    moderator.hide(reply)
    moderator.hide(reply)
    assert x.is_hidden(ids["reply"])
    moderator.restore(reply)
    assert not x.is_hidden(ids["reply"])


def test_a_mention_elsewhere_is_not_hideable_and_x_is_not_asked(x, tmp_path):
    ids = council_thread(x)
    sink = StoringSink()
    connector(x, sink, tmp_path).poll_once()
    with pytest.raises(NotHideable):
        XModerator(client_for(x)).hide(sink.by_key[f"x:{ids['elsewhere']}"])
    assert not x.calls("PUT")


def test_when_x_refuses_because_the_conversation_is_not_ours_the_item_is_not_hideable(x, tmp_path):
    ids = council_thread(x)
    sink = StoringSink()
    connector(x, sink, tmp_path).poll_once()
    x.tweets[ids["root"]].author_id = "103"  # the conversation turns out not to be ours
    with pytest.raises(NotHideable):
        XModerator(client_for(x)).hide(sink.by_key[f"x:{ids['reply']}"])
    assert not x.is_hidden(ids["reply"])


def test_rate_limit_waits_until_the_reset_time_then_goes_on(x, tmp_path):
    council_thread(x)
    x.fail_next(x_api.rate_limited(reset_in=3))
    sleeps: list[float] = []
    sink = StoringSink()
    assert connector(x, sink, tmp_path, sleeps).poll_once() == 3
    assert sleeps and max(sleeps) >= 1.0


def test_server_errors_are_retried(x, tmp_path):
    council_thread(x)
    x.fail_next(x_api.SERVER_ERROR, times=2)
    sleeps: list[float] = []
    assert connector(x, StoringSink(), tmp_path, sleeps).poll_once() == 3
    assert len(sleeps) == 2


def test_an_expired_token_pauses_the_connector(x, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    x.fail_next(x_api.EXPIRED_TOKEN, times=5)
    with pytest.raises(ConnectorPaused) as paused:
        connector(x, StoringSink(), tmp_path).poll_once()
    assert paused.value.reason is PauseReason.TOKEN_EXPIRED
    assert len(x.requests) == 1
    assert TOKEN not in caplog.text and TOKEN not in str(paused.value)


def test_a_missing_permission_pauses_the_connector(x, tmp_path):
    x.fail_next(x_api.PERMISSION_DENIED)
    with pytest.raises(ConnectorPaused) as paused:
        connector(x, StoringSink(), tmp_path).poll_once()
    assert paused.value.reason is PauseReason.PERMISSION_MISSING
    assert "not permitted" in str(paused.value)
