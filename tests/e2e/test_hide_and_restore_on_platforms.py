"""End to end: comments read from a (fake) platform, judged by the embedded pipeline,
hidden on the platform, and restored there from the review queue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from houserules.bootstrap import App, build_app
from houserules.settings import Settings
from ingest.connector_settings import FacebookSettings, PollingSettings, YouTubeSettings
from ingest.cursor import SqliteCursorStore
from ingest.facebook import FacebookConnector, FacebookModerator
from ingest.facebook import graph_client as facebook_client
from ingest.youtube import YouTubeClient, YouTubeConnector, YouTubeModerator
from moderation.comment import Platform
from moderation.review import DecisionKind, PlatformState, ReviewStatus
from moderation.verdict import Route
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.scripted_model import ScriptedModel
from tests.fakes.youtube_api import FakeYouTube

ABUSE = "Cllr Smith takes backhanders from developers, everyone knows it"
FINE = "The bins were not collected again on Elm Road"
# The platforms' hide and restore are under test, not the model: the allegation is scripted.
SCRIPTED = ScriptedModel({"takes backhanders": {"allegation": 0.9}})


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph(token="page-token") as fake:
        yield fake


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    with FakeYouTube(token="yt-token") as fake:
        yield fake


@pytest.fixture
def settings(graph: FakeGraph, youtube: FakeYouTube) -> tuple[FacebookSettings, YouTubeSettings]:
    polling = PollingSettings(retry_attempts=2, retry_initial_seconds=0.01)
    return (
        FacebookSettings(
            page_id=graph.page_id,
            page_access_token=SecretStr("page-token"),
            graph_url=graph.url,
            polling=polling,
        ),
        YouTubeSettings(
            channel_id=youtube.channel_id,
            access_token=SecretStr("yt-token"),
            api_url=youtube.url + "/",
            polling=polling,
        ),
    )


@pytest.fixture
def app(tmp_path: Path, settings: tuple[FacebookSettings, YouTubeSettings]) -> Iterator[App]:
    facebook, youtube = settings
    youtube_client = YouTubeClient(youtube)
    built = build_app(
        Settings(data_dir=tmp_path / "data"),
        moderators={
            Platform.FACEBOOK: FacebookModerator(facebook_client(facebook)),
            Platform.YOUTUBE: YouTubeModerator(youtube_client),
        },
        model=SCRIPTED,
    )
    yield built
    built.close()
    youtube_client.close()


def review_item_for(app: App, key: str):  # type: ignore[no-untyped-def]
    items = [i for i in app.store.queue(Route.REVIEW) if i.comment_key == key]
    assert len(items) == 1, f"{key} should be waiting in the review queue"
    return items[0]


def test_an_abusive_facebook_comment_is_hidden_and_restoring_it_unhides_it(
    app: App, graph: FakeGraph, settings, tmp_path: Path
) -> None:
    post = graph.add_post("Planning committee decision on the Elm Road site")
    abusive = graph.post_comment(post, ABUSE)
    fine = graph.post_comment(post, FINE)
    connector = FacebookConnector(settings[0], app.sink, SqliteCursorStore(tmp_path / "c.db"))

    assert connector.poll_once() == 2

    assert graph.is_hidden(abusive), "the pipeline hid the abusive comment on the page"
    assert not graph.is_hidden(fine)
    item = review_item_for(app, f"facebook:{abusive}")
    assert item.platform_state is PlatformState.HIDDEN

    restored = app.decide(item.item_id, DecisionKind.RESTORE, by="j.officer", reason="fair comment")

    assert restored.status is ReviewStatus.RESTORED
    assert not graph.is_hidden(abusive), "restoring from the review queue unhides it"
    assert connector.poll_once() == 0


def test_an_abusive_youtube_comment_is_held_for_review_and_restoring_it_publishes_it(
    app: App, youtube: FakeYouTube, settings, tmp_path: Path
) -> None:
    abusive = youtube.comment("vid1", ABUSE)
    fine = youtube.comment("vid1", FINE)
    client = YouTubeClient(settings[1])
    connector = YouTubeConnector(
        settings[1], app.sink, SqliteCursorStore(tmp_path / "c.db"), client=client
    )
    try:
        assert connector.poll_once() == 2
    finally:
        client.close()

    assert youtube.status(abusive) == "heldForReview"
    assert youtube.status(fine) == "published"
    item = review_item_for(app, f"youtube:{abusive}")

    app.decide(item.item_id, DecisionKind.RESTORE, by="j.officer", reason="fair comment")

    assert youtube.status(abusive) == "published"
    assert all(status != "rejected" for _, status in youtube.moderation_calls)
