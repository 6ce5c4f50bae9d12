"""Instagram comments and replies on the council's media, read and hidden via the Graph API.

Reading: the account's media (`GET /{ig-user-id}/media`, newest first) back to the
backfill horizon on the first run and afterwards back to `lookback_days` before the
watermark; every comment on each (`GET /{media-id}/comments`) with the first page of its
replies expanded inline, and further replies from `GET /{comment-id}/replies`. Instagram
does not promise an order for comments, so each list is read to its end and the watermark
(`ingest.watermark`) decides what is new.

Acting: `POST /{comment-id}` with `hide=true|false`; idempotent on the platform.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ingest.connector_settings import InstagramSettings
from ingest.cursor import CursorStore
from ingest.facebook import graph_time
from ingest.failures import PlatformError
from ingest.graph import GraphClient
from ingest.moderator import HiddenFlagModerator
from ingest.retry import RetryPolicy
from ingest.sink import CommentSink
from ingest.watermark import Watermark, WatermarkConnector
from moderation.comment import Comment, Platform, Surface

log = logging.getLogger(__name__)

REPLY_FIELDS = "id,text,timestamp,username,from{id,username},hidden,parent_id"
COMMENT_FIELDS = f"id,text,timestamp,username,from{{id,username}},hidden,replies{{{REPLY_FIELDS}}}"
MEDIA_FIELDS = "id,caption,timestamp,permalink"


def graph_client(settings: InstagramSettings, retry: RetryPolicy | None = None) -> GraphClient:
    return GraphClient(
        platform="instagram",
        graph_url=settings.graph_url,
        graph_version=settings.graph_version,
        access_token=settings.access_token,
        app_secret=settings.app_secret,
        retry=retry or RetryPolicy.from_settings(settings.polling),
        slow_down_at_percent=settings.polling.slow_down_at_percent,
        timeout=settings.polling.timeout_seconds,
    )


def comment_from_instagram(
    raw: dict[str, Any],
    media: dict[str, Any],
    *,
    parent_id: str = "",
    surface: Surface = Surface.OWN_PAGE,
) -> Comment:
    author = raw.get("from") or {}
    return Comment(
        platform=Platform.INSTAGRAM,
        surface=surface,
        comment_id=str(raw["id"]),
        text=str(raw.get("text", "")),
        created_at=graph_time(raw["timestamp"]),
        author_handle=str(raw.get("username") or author.get("username", "")),
        author_id=str(author.get("id", "")),
        post_id=str(media.get("id", "")),
        parent_id=str(raw.get("parent_id") or parent_id),
        permalink=str(media.get("permalink", "")),
        post_context=str(media.get("caption", ""))[:280],
        raw={k: v for k, v in raw.items() if k != "replies"},
    )


def mentioned_comment(client: GraphClient, ig_user_id: str, comment_id: str) -> Comment:
    """A comment elsewhere on Instagram that @mentions the account (from a `mentions`
    webhook, which carries only ids). Not hideable: it is on someone else's media."""
    body = client.get(
        ig_user_id,
        fields=f"mentioned_comment.comment_id({comment_id})"
        "{id,text,timestamp,username,media{id,permalink,caption}}",
    )
    raw = body["mentioned_comment"]
    return comment_from_instagram(raw, raw.get("media") or {}, surface=Surface.MENTION)


class InstagramConnector(WatermarkConnector):
    """Polls one Instagram account. `poll_once` is safe to repeat and to kill at any point."""

    def __init__(
        self,
        settings: InstagramSettings,
        sink: CommentSink,
        cursors: CursorStore,
        *,
        client: GraphClient | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(f"instagram:{settings.ig_user_id}", settings.polling, sink, cursors, clock)
        self._settings = settings
        self._client = client or graph_client(settings)

    def _read(self, horizon: datetime, mark: Watermark) -> list[Comment]:
        found: list[Comment] = []
        for media in self._recent_media(horizon):
            found.extend(self._comments_on(media))
        return [c for c in found if c.author_id != self._settings.ig_user_id]

    def _recent_media(self, horizon: datetime) -> list[dict[str, Any]]:
        media: list[dict[str, Any]] = []
        for page in self._client.pages(
            f"{self._settings.ig_user_id}/media", fields=MEDIA_FIELDS, limit=25
        ):
            for item in page:
                if graph_time(item["timestamp"]) < horizon:
                    return media
                media.append(item)
        return media

    def _comments_on(self, media: dict[str, Any]) -> list[Comment]:
        comments: list[Comment] = []
        for page in self._client.pages(f"{media['id']}/comments", fields=COMMENT_FIELDS, limit=50):
            for raw in page:
                comments.append(comment_from_instagram(raw, media))
                comments.extend(self._replies_to(raw, media))
        return comments

    def _replies_to(self, raw: dict[str, Any], media: dict[str, Any]) -> list[Comment]:
        nested = raw.get("replies") or {}
        replies = [
            comment_from_instagram(r, media, parent_id=str(raw["id"]))
            for r in nested.get("data", [])
        ]
        paging = nested.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if paging.get("next") and after:
            for page in self._client.pages(
                f"{raw['id']}/replies", fields=REPLY_FIELDS, limit=50, after=after
            ):
                replies.extend(
                    comment_from_instagram(r, media, parent_id=str(raw["id"])) for r in page
                )
        return replies


class InstagramModerator(HiddenFlagModerator):
    """Hides and unhides comments on the account's media (`PlatformModerator`)."""

    platform = Platform.INSTAGRAM
    what = "an Instagram comment"
    not_hideable_because = "is on someone else's media"

    def __init__(self, client: GraphClient) -> None:
        self._client = client

    def _set_hidden(self, comment: Comment, hidden: bool) -> None:
        result = self._client.post(comment.comment_id, hide="true" if hidden else "false")
        if result.get("success") is False:
            raise PlatformError(f"instagram refused to change {comment.key}", transient=False)
        log.info("instagram: %s %s", "hid" if hidden else "unhid", comment.key)
