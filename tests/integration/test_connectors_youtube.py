"""The YouTube connector, with google-api-python-client, against a local fake Data API."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from ingest.connector_settings import PollingSettings, YouTubeSettings
from ingest.cursor import SqliteCursorStore
from ingest.failures import ConnectorPaused, PauseReason, RateLimited
from ingest.retry import RetryPolicy
from ingest.youtube import YouTubeClient, YouTubeConnector, YouTubeModerator
from tests.fakes import youtube_api as yt
from tests.fakes.sinks import SinkDown, StoringSink
from tests.fakes.youtube_api import FakeYouTube

pytestmark = pytest.mark.integration

TOKEN = "ya29.a0-youtube-secret"


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    with FakeYouTube(token=TOKEN) as fake:
        yield fake


def settings_for(youtube: FakeYouTube) -> YouTubeSettings:
    return YouTubeSettings(
        channel_id=youtube.channel_id,
        access_token=SecretStr(TOKEN),
        api_url=youtube.url + "/",
        polling=PollingSettings(batch_size=3),
    )


_open_clients: list[YouTubeClient] = []


@pytest.fixture(autouse=True)
def close_clients() -> Iterator[None]:
    yield
    while _open_clients:
        _open_clients.pop().close()


def client_for(youtube: FakeYouTube, sleeps: list[float] | None = None) -> YouTubeClient:
    record = sleeps if sleeps is not None else []
    policy = RetryPolicy(attempts=3, initial_wait=0.01, max_wait=5, sleep=record.append)
    client = YouTubeClient(settings_for(youtube), policy)
    _open_clients.append(client)
    return client


def connector(youtube, sink, tmp_path, sleeps=None) -> YouTubeConnector:
    return YouTubeConnector(
        settings_for(youtube),
        sink,
        SqliteCursorStore(tmp_path / "c.db"),
        client=client_for(youtube, sleeps),
    )


def test_reads_threads_and_all_replies_across_pages(youtube, tmp_path):
    youtube.page_size = 2
    tops = [youtube.comment("vid1", f"top {n}") for n in range(5)]
    replies = [youtube.comment("vid1", f"reply {n}", parent=tops[0]) for n in range(7)]
    youtube.comment("vid1", "Thanks for watching", author_channel=youtube.channel_id)
    sink = StoringSink()

    assert connector(youtube, sink, tmp_path).poll_once() == 12

    assert {c.comment_id for c in sink.accepted} == set(tops + replies)
    reply = sink.by_key[f"youtube:{replies[6]}"]
    assert reply.parent_id == tops[0] and reply.post_id == "vid1"
    assert reply.author_id == "UCresident" and reply.text == "reply 6"
    assert len(youtube.calls("GET", "/commentThreads")) == 3
    assert youtube.calls("GET", "/youtube/v3/comments"), "replies beyond the inline five"


def test_a_second_poll_reads_only_new_comments(youtube, tmp_path):
    first = youtube.comment("vid1", "first")
    sink = StoringSink()
    conn = connector(youtube, sink, tmp_path)
    assert conn.poll_once() == 1
    reply = youtube.comment("vid1", "a reply", parent=first)
    assert conn.poll_once() == 1
    assert conn.poll_once() == 0
    assert sink.keys == [f"youtube:{first}", f"youtube:{reply}"]


def test_a_connector_killed_mid_backfill_resumes_with_no_gap_and_no_duplicate(youtube, tmp_path):
    ids = [youtube.comment("vid2", f"comment {n}") for n in range(8)]
    sink = StoringSink(fail_on_batch=2)
    with pytest.raises(SinkDown):
        connector(youtube, sink, tmp_path).poll_once()
    assert len(sink.accepted) == 3
    sink.fail_on_batch = None
    assert connector(youtube, sink, tmp_path).poll_once() == 5
    assert sink.keys == [f"youtube:{i}" for i in ids]


def test_hide_holds_the_comment_for_review_and_restore_publishes_it(youtube, tmp_path):
    target = youtube.comment("vid1", "abusive words")
    sink = StoringSink()
    connector(youtube, sink, tmp_path).poll_once()
    moderator = YouTubeModerator(client_for(youtube))

    moderator.hide(sink.accepted[0])
    moderator.hide(sink.accepted[0])
    assert youtube.status(target) == "heldForReview"
    moderator.restore(sink.accepted[0])
    assert youtube.status(target) == "published"
    assert all(status != "rejected" for _, status in youtube.moderation_calls)


def test_the_client_itself_refuses_the_irreversible_rejected_status(youtube):
    comments = client_for(youtube).api.comments()
    with pytest.raises(TypeError):
        comments.setModerationStatus(id="Ugw1", moderationStatus="rejected")
    assert not youtube.requests


def test_quota_exceeded_is_a_rate_limit_until_the_daily_reset(youtube, tmp_path):
    youtube.comment("vid1", "hello")
    youtube.fail_next(yt.QUOTA_EXCEEDED)
    with pytest.raises(RateLimited) as limited:
        connector(youtube, StoringSink(), tmp_path).poll_once()
    assert 60 <= limited.value.retry_after <= 25 * 3600
    assert len(youtube.requests) == 1, "a wait that long goes to the poll loop"


@pytest.mark.parametrize("error", [yt.SERVER_ERROR, yt.RATE_LIMITED])
def test_server_errors_and_short_rate_limits_are_retried(youtube, tmp_path, error):
    youtube.comment("vid1", "hello")
    youtube.fail_next(error, times=2)
    sleeps: list[float] = []
    assert connector(youtube, StoringSink(), tmp_path, sleeps).poll_once() == 1
    assert len(sleeps) == 2


def test_an_expired_token_pauses_the_connector(youtube, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    youtube.fail_next(yt.EXPIRED_TOKEN, times=5)
    with pytest.raises(ConnectorPaused) as paused:
        connector(youtube, StoringSink(), tmp_path).poll_once()
    assert paused.value.reason is PauseReason.TOKEN_EXPIRED
    assert TOKEN not in caplog.text and TOKEN not in str(paused.value)


def test_a_missing_permission_pauses_the_moderator(youtube, tmp_path):
    youtube.comment("vid1", "hello")
    sink = StoringSink()
    connector(youtube, sink, tmp_path).poll_once()
    youtube.fail_next(yt.PERMISSION_DENIED)
    with pytest.raises(ConnectorPaused) as paused:
        YouTubeModerator(client_for(youtube)).hide(sink.accepted[0])
    assert paused.value.reason is PauseReason.PERMISSION_MISSING
    assert "insufficient permissions" in str(paused.value)
