"""Facebook Page comments: read them (backfill, then incremental) and hide or unhide them.

Reading: the page's posts (`GET /{page-id}/posts`, newest first) back to the backfill
horizon on the first run, and afterwards back to `lookback_days` before the watermark, so
late comments on recent posts are found; for each post its comments and replies in one
list (`GET /{post-id}/comments?filter=stream&order=reverse_chronological`), paged by
`paging.cursors.after`, read until they are older than the watermark. Delivery and the
durable cursor are in `ingest.watermark`. Comments the page wrote itself are skipped.

Acting: `POST /{comment-id}` with `is_hidden=true|false`. Both are idempotent on the
platform (hiding a hidden comment succeeds). This module never deletes a comment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ingest.connector_settings import FacebookSettings
from ingest.cursor import CursorStore
from ingest.failures import PlatformError
from ingest.graph import GraphClient
from ingest.moderator import HiddenFlagModerator
from ingest.retry import RetryPolicy
from ingest.sink import CommentSink
from ingest.watermark import Watermark, WatermarkConnector
from moderation.comment import Comment, Platform, Surface

log = logging.getLogger(__name__)

COMMENT_FIELDS = "id,message,from{id,name},created_time,parent{id},is_hidden,permalink_url"
POST_FIELDS = "id,message,created_time,permalink_url"


def graph_client(settings: FacebookSettings, retry: RetryPolicy | None = None) -> GraphClient:
    return GraphClient(
        platform="facebook",
        graph_url=settings.graph_url,
        graph_version=settings.graph_version,
        access_token=settings.page_access_token,
        app_secret=settings.app_secret,
        retry=retry or RetryPolicy.from_settings(settings.polling),
        slow_down_at_percent=settings.polling.slow_down_at_percent,
        timeout=settings.polling.timeout_seconds,
    )


def graph_time(value: Any) -> datetime:
    """Graph timestamps: ISO 8601 with `+0000`, or Unix seconds in webhook payloads."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    text = str(value)
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def comment_from_graph(raw: dict[str, Any], post: dict[str, Any]) -> Comment:
    """A Graph comment object (with the fields in `COMMENT_FIELDS`) as a `Comment`."""
    author = raw.get("from") or {}
    parent = raw.get("parent") or {}
    return Comment(
        platform=Platform.FACEBOOK,
        surface=Surface.OWN_PAGE,
        comment_id=str(raw["id"]),
        text=str(raw.get("message", "")),
        created_at=graph_time(raw["created_time"]),
        author_handle=str(author.get("name", "")),
        author_id=str(author.get("id", "")),
        post_id=str(post.get("id", "")),
        parent_id=str(parent.get("id", "")),
        permalink=str(raw.get("permalink_url", "")),
        post_context=str(post.get("message", ""))[:280],
        raw=raw,
    )


class FacebookConnector(WatermarkConnector):
    """Polls one Page. `poll_once` is safe to repeat and to kill at any point."""

    def __init__(
        self,
        settings: FacebookSettings,
        sink: CommentSink,
        cursors: CursorStore,
        *,
        client: GraphClient | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(f"facebook:{settings.page_id}", settings.polling, sink, cursors, clock)
        self._settings = settings
        self._client = client or graph_client(settings)

    def _read(self, horizon: datetime, mark: Watermark) -> list[Comment]:
        found: list[Comment] = []
        for post in self._recent_posts(horizon):
            found.extend(self._comments_on(post, mark))
        return found

    def _recent_posts(self, horizon: datetime) -> list[dict[str, Any]]:
        posts: list[dict[str, Any]] = []
        for page in self._client.pages(
            f"{self._settings.page_id}/posts", fields=POST_FIELDS, limit=25
        ):
            for post in page:
                if graph_time(post["created_time"]) < horizon:
                    return posts
                posts.append(post)
        return posts

    def _comments_on(self, post: dict[str, Any], mark: Watermark) -> list[Comment]:
        comments: list[Comment] = []
        for page in self._client.pages(
            f"{post['id']}/comments",
            fields=COMMENT_FIELDS,
            filter="stream",
            order="reverse_chronological",
            limit=100,
        ):
            for raw in page:
                comment = comment_from_graph(raw, post)
                if mark.at is not None and comment.created_at < mark.at:
                    return comments
                if comment.author_id == self._settings.page_id:
                    continue
                comments.append(comment)
        return comments


class FacebookModerator(HiddenFlagModerator):
    """Hides and unhides comments on the Page (`PlatformModerator`)."""

    platform = Platform.FACEBOOK
    what = "a Facebook comment"
    not_hideable_because = "is not on the council's Page"

    def __init__(self, client: GraphClient) -> None:
        self._client = client

    def _set_hidden(self, comment: Comment, hidden: bool) -> None:
        result = self._client.post(comment.comment_id, is_hidden="true" if hidden else "false")
        if result.get("success") is False:
            raise PlatformError(
                f"facebook did not {'hide' if hidden else 'unhide'} {comment.key}",
                transient=False,
            )
        log.info("facebook: %s %s", "hid" if hidden else "unhid", comment.key)
