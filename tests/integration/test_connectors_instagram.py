"""The Instagram connector, through the Graph API client, against the fake Graph server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from ingest.connector_settings import InstagramSettings, PollingSettings
from ingest.cursor import SqliteCursorStore
from ingest.failures import ConnectorPaused, NotHideable, PauseReason
from ingest.instagram import InstagramConnector, InstagramModerator, graph_client
from ingest.retry import RetryPolicy
from moderation.comment import Surface
from tests.fakes import facebook_graph as fb
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.sinks import SinkDown, StoringSink

pytestmark = pytest.mark.integration

TOKEN = "IGQ-instagram-secret"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph(token=TOKEN) as fake:
        yield fake


def settings_for(graph: FakeGraph) -> InstagramSettings:
    return InstagramSettings(
        ig_user_id=graph.ig_user_id,
        access_token=SecretStr(TOKEN),
        graph_url=graph.url,
        polling=PollingSettings(batch_size=2),
    )


def client_for(graph: FakeGraph):
    policy = RetryPolicy(attempts=3, initial_wait=0.01, max_wait=5, sleep=lambda s: None)
    return graph_client(settings_for(graph), policy)


def connector(graph, sink, tmp_path) -> InstagramConnector:
    return InstagramConnector(
        settings_for(graph), sink, SqliteCursorStore(tmp_path / "c.db"), client=client_for(graph)
    )


def test_reads_comments_and_every_reply_on_the_accounts_media(graph, tmp_path):
    graph.page_size = 2
    media = graph.add_media("Summer fair this Saturday")
    tops = [graph.post_ig_comment(media, f"comment {n}") for n in range(3)]
    replies = [graph.post_ig_comment(media, f"reply {n}", parent=tops[0]) for n in range(4)]
    graph.post_ig_comment(media, "see you there", user_id=graph.ig_user_id, parent=tops[1])
    sink = StoringSink()

    assert connector(graph, sink, tmp_path).poll_once() == 7

    assert {c.comment_id for c in sink.accepted} == set(tops + replies)
    reply = sink.by_key[f"instagram:{replies[3]}"]
    assert reply.parent_id == tops[0] and reply.post_id == media
    assert reply.author_handle == "resident" and reply.surface is Surface.OWN_PAGE
    assert graph.calls("GET", "/replies"), "replies beyond the inline page"


def test_a_connector_killed_mid_backfill_resumes_with_no_gap_and_no_duplicate(graph, tmp_path):
    media = graph.add_media("Budget")
    ids = [graph.post_ig_comment(media, f"comment {n}") for n in range(5)]
    sink = StoringSink(fail_on_batch=2)
    with pytest.raises(SinkDown):
        connector(graph, sink, tmp_path).poll_once()
    sink.fail_on_batch = None
    assert connector(graph, sink, tmp_path).poll_once() == 3
    assert sink.keys == [f"instagram:{i}" for i in ids]


def test_hide_and_unhide_change_the_comment_on_instagram(graph, tmp_path):
    media = graph.add_media("Parks")
    target = graph.post_ig_comment(media, "abuse")
    sink = StoringSink()
    connector(graph, sink, tmp_path).poll_once()
    moderator = InstagramModerator(client_for(graph))
    moderator.hide(sink.accepted[0])
    assert graph.ig_hidden(target)
    moderator.restore(sink.accepted[0])
    assert not graph.ig_hidden(target)


def test_a_mention_on_someone_elses_media_is_not_hideable(graph):
    from ingest.instagram import mentioned_comment

    graph.ig_mentions["1799"] = {
        "id": "1799",
        "text": "@examplecouncil fix the road",
        "timestamp": "2024-05-01T10:00:00+0000",
        "username": "someone",
        "media": {"id": "1788", "permalink": "https://www.instagram.com/p/x/"},
    }
    comment = mentioned_comment(client_for(graph), graph.ig_user_id, "1799")
    assert comment.surface is Surface.MENTION and comment.text.startswith("@examplecouncil")
    with pytest.raises(NotHideable):
        InstagramModerator(client_for(graph)).hide(comment)


def test_an_expired_token_pauses_the_connector(graph, tmp_path):
    graph.fail_next(fb.EXPIRED_TOKEN)
    with pytest.raises(ConnectorPaused) as paused:
        connector(graph, StoringSink(), tmp_path).poll_once()
    assert paused.value.reason is PauseReason.TOKEN_EXPIRED
    assert "instagram" in str(paused.value)
