"""One contract for every platform moderator: the in-memory one the demo uses and the four
real ones, each against its local platform server speaking the platform's documented JSON.

What the stream relies on: a hide hides and a restore restores, on the platform; asking twice
is harmless (a replayed message may); a comment from another platform or not on the
council's own page is refused without a call; an outage comes back as a transient error
after the retries, a refusal as a permanent one, and neither leaves the comment changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from ingest.connector_settings import (
    FacebookSettings,
    InstagramSettings,
    PollingSettings,
    XSettings,
    YouTubeSettings,
)
from ingest.facebook import FacebookModerator
from ingest.facebook import graph_client as facebook_client
from ingest.instagram import InstagramModerator
from ingest.instagram import graph_client as instagram_client
from ingest.retry import RetryPolicy
from ingest.x import XClient, XModerator
from ingest.youtube import YouTubeClient, YouTubeModerator
from moderation.comment import Comment, Platform, Surface
from moderation.platform import InMemoryModerator, NotHideable, PlatformError, PlatformModerator
from tests.fakes import facebook_graph, x_api, youtube_api
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.server import FakeServer, Reply
from tests.fakes.x_api import FakeX
from tests.fakes.youtube_api import FakeYouTube

TOKEN = "contract-token"
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def quick_retry() -> RetryPolicy:
    return RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05, sleep=lambda s: None)


@dataclass
class PlatformUnderTest:
    """A moderator, and the platform it acts on as the test sees it."""

    platform: Platform
    moderator: PlatformModerator
    post: Callable[[str], str]  # someone comments on the council's page; the comment's id
    is_hidden: Callable[[str], bool]
    fail_next: Callable[[str, int], None]  # "outage" or "refusal", for this many calls

    def comment(self, text: str = "a comment", surface: Surface = Surface.OWN_PAGE) -> Comment:
        return Comment(self.platform, surface, self.post(text), text, WHEN)


def _failing(server: FakeServer, replies: dict[str, Reply]) -> Callable[[str, int], None]:
    def fail(kind: str, times: int) -> None:
        server.fail_next(replies[kind], times=times)

    return fail


def in_memory() -> Iterator[PlatformUnderTest]:
    moderator = InMemoryModerator(platform=Platform.FACEBOOK)
    serial = iter(range(1, 1_000_000))

    def fail(kind: str, times: int) -> None:
        moderator.fail_with = PlatformError(f"simulated {kind}", transient=kind == "outage")

    yield PlatformUnderTest(
        Platform.FACEBOOK,
        moderator,
        post=lambda text: str(next(serial)),
        is_hidden=lambda comment_id: f"facebook:{comment_id}" in moderator.hidden,
        fail_next=fail,
    )


def facebook() -> Iterator[PlatformUnderTest]:
    with FakeGraph(token=TOKEN) as graph:
        settings = FacebookSettings(
            page_id=graph.page_id,
            page_access_token=SecretStr(TOKEN),
            graph_url=graph.url,
            polling=PollingSettings(),
        )
        post_id = graph.add_post("Road closures this weekend")
        yield PlatformUnderTest(
            Platform.FACEBOOK,
            FacebookModerator(facebook_client(settings, quick_retry())),
            post=lambda text: graph.post_comment(post_id, text),
            is_hidden=graph.is_hidden,
            fail_next=_failing(
                graph,
                {
                    "outage": facebook_graph.SERVER_ERROR,
                    "refusal": facebook_graph.MANAGE_PERMISSION_DENIED,
                },
            ),
        )


def instagram() -> Iterator[PlatformUnderTest]:
    with FakeGraph(token=TOKEN) as graph:
        settings = InstagramSettings(
            ig_user_id=graph.ig_user_id,
            access_token=SecretStr(TOKEN),
            graph_url=graph.url,
            polling=PollingSettings(),
        )
        media_id = graph.add_media("Our new library opens on Monday")
        yield PlatformUnderTest(
            Platform.INSTAGRAM,
            InstagramModerator(instagram_client(settings, quick_retry())),
            post=lambda text: graph.post_ig_comment(media_id, text),
            is_hidden=graph.ig_hidden,
            fail_next=_failing(
                graph,
                {
                    "outage": facebook_graph.SERVER_ERROR,
                    "refusal": facebook_graph.MANAGE_PERMISSION_DENIED,
                },
            ),
        )


def x() -> Iterator[PlatformUnderTest]:
    with FakeX(token=TOKEN) as fake:
        settings = XSettings(
            user_id=fake.council_id,
            username=fake.council_username,
            access_token=SecretStr(TOKEN),
            api_url=fake.url,
            polling=PollingSettings(),
        )
        council_post = fake.tweet(fake.council_id, "Bin collections move to Tuesday")
        resident = fake.user("501", "resident")
        yield PlatformUnderTest(
            Platform.X,
            XModerator(XClient(settings, quick_retry())),
            post=lambda text: fake.tweet(resident, text, reply_to=council_post),
            is_hidden=fake.is_hidden,
            fail_next=_failing(
                fake, {"outage": x_api.SERVER_ERROR, "refusal": x_api.PERMISSION_DENIED}
            ),
        )


def youtube() -> Iterator[PlatformUnderTest]:
    with FakeYouTube(token=TOKEN) as fake:
        settings = YouTubeSettings(
            channel_id=fake.channel_id,
            access_token=SecretStr(TOKEN),
            api_url=fake.url + "/",
            polling=PollingSettings(),
        )
        client = YouTubeClient(settings, quick_retry())
        video = "vid-full-council-19-november"
        try:
            yield PlatformUnderTest(
                Platform.YOUTUBE,
                YouTubeModerator(client),
                post=lambda text: fake.comment(video, text),
                is_hidden=lambda comment_id: fake.status(comment_id) == "heldForReview",
                fail_next=_failing(
                    fake,
                    {
                        "outage": youtube_api.SERVER_ERROR,
                        "refusal": youtube_api.google_error(
                            400, "invalidModerationStatus", "The moderation status is invalid."
                        ),
                    },
                ),
            )
        finally:
            client.close()


PLATFORMS: dict[str, Callable[[], Iterator[PlatformUnderTest]]] = {
    "in-memory": in_memory,
    "facebook": facebook,
    "instagram": instagram,
    "x": x,
    "youtube": youtube,
}


@pytest.fixture(params=sorted(PLATFORMS))
def under_test(request: Any) -> Iterator[PlatformUnderTest]:
    yield from PLATFORMS[request.param]()


@pytest.fixture(params=sorted(set(PLATFORMS) - {"in-memory"}))
def over_the_network(request: Any) -> Iterator[PlatformUnderTest]:
    yield from PLATFORMS[request.param]()


def test_a_hidden_comment_is_hidden_on_the_platform_and_a_restore_shows_it(
    under_test: PlatformUnderTest,
) -> None:
    comment, other = under_test.comment("you are all crooks"), under_test.comment("thanks")
    under_test.moderator.hide(comment)
    assert under_test.is_hidden(comment.comment_id)
    assert not under_test.is_hidden(other.comment_id)
    under_test.moderator.restore(comment)
    assert not under_test.is_hidden(comment.comment_id)


def test_asking_twice_is_harmless(under_test: PlatformUnderTest) -> None:
    comment = under_test.comment()
    under_test.moderator.hide(comment)
    under_test.moderator.hide(comment)
    assert under_test.is_hidden(comment.comment_id)
    under_test.moderator.restore(comment)
    under_test.moderator.restore(comment)
    assert not under_test.is_hidden(comment.comment_id)


def test_a_comment_from_another_platform_is_refused_for_good(
    under_test: PlatformUnderTest,
) -> None:
    mine = under_test.comment()
    elsewhere = Platform.NEXTDOOR
    stranger = Comment(elsewhere, Surface.OWN_PAGE, mine.comment_id, mine.text, WHEN)
    with pytest.raises(PlatformError) as refused:
        under_test.moderator.hide(stranger)
    assert not refused.value.transient
    assert not under_test.is_hidden(mine.comment_id)


def test_a_mention_off_the_councils_page_cannot_be_hidden(
    under_test: PlatformUnderTest,
) -> None:
    mention = under_test.comment("the council is useless", surface=Surface.MENTION)
    with pytest.raises(NotHideable):
        under_test.moderator.hide(mention)
    assert not under_test.is_hidden(mention.comment_id)


def test_an_outage_outlasting_the_retries_is_transient_and_changes_nothing(
    under_test: PlatformUnderTest,
) -> None:
    comment = under_test.comment()
    under_test.fail_next("outage", 3)
    with pytest.raises(PlatformError) as failed:
        under_test.moderator.hide(comment)
    assert failed.value.transient
    assert not under_test.is_hidden(comment.comment_id)


def test_a_short_outage_is_retried_and_the_hide_goes_through(
    over_the_network: PlatformUnderTest,
) -> None:
    comment = over_the_network.comment()
    over_the_network.fail_next("outage", 2)
    over_the_network.moderator.hide(comment)
    assert over_the_network.is_hidden(comment.comment_id)


def test_a_refusal_is_permanent_and_changes_nothing(under_test: PlatformUnderTest) -> None:
    comment = under_test.comment()
    under_test.fail_next("refusal", 1)
    with pytest.raises(PlatformError) as refused:
        under_test.moderator.hide(comment)
    assert not refused.value.transient
    assert not under_test.is_hidden(comment.comment_id)
