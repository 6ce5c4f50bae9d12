"""YouTube comments on the council's channel (Data API v3, google-api-python-client).

The client is built offline with `build_from_document` from `youtube_discovery.json`, a
committed subset of Google's discovery document for just the methods used here, and
pointed at `api_url` through `client_options={"api_endpoint": ...}`; authorised requests go
through `google_auth_httplib2.AuthorizedHttp`, which refreshes an expired access token when
a refresh token is configured.

Reading: `commentThreads.list(allThreadsRelatedToChannelId=..., order=time)` newest first,
followed by `pageToken`, until a whole page is older than the horizon (backfill, then
`lookback_days` before the watermark so new replies on recent threads are found); replies
beyond those inlined in the thread come from `comments.list(parentId=...)`.

Acting: the reversible hide is `comments.setModerationStatus(moderationStatus=heldForReview)`
and restore is `published`. `rejected` cannot be undone, so it is not in the discovery
document at all: the client library refuses it before any request is made.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import google.auth.exceptions
import google_auth_httplib2  # type: ignore[import-untyped]
import httplib2  # type: ignore[import-untyped]
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

from ingest.connector_settings import YouTubeSettings
from ingest.cursor import CursorStore
from ingest.failures import PlatformError, Sorted, failure, redact, unreachable
from ingest.moderator import HiddenFlagModerator
from ingest.retry import RetryPolicy
from ingest.sink import CommentSink
from ingest.watermark import Watermark, WatermarkConnector
from moderation.comment import Comment, Platform, Surface

log = logging.getLogger(__name__)

HIDE_STATUS = "heldForReview"
RESTORE_STATUS = "published"
_RATE_REASONS = {"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded"}


def discovery_document() -> dict[str, Any]:
    text = resources.files("ingest").joinpath("youtube_discovery.json").read_text("utf-8")
    return dict(json.loads(text))


class YouTubeClient:
    """The `youtube` v3 resource with retries and failures sorted as in `ingest.failures`.

    Not thread-safe (httplib2); build one per thread.
    """

    def __init__(
        self,
        settings: YouTubeSettings,
        retry: RetryPolicy | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._settings = settings
        self._retry = retry or RetryPolicy.from_settings(settings.polling)
        self._clock = clock
        secret = settings.client_secret
        credentials = Credentials(  # type: ignore[no-untyped-call]
            token=settings.access_token.get_secret_value() if settings.access_token else None,
            refresh_token=(
                settings.refresh_token.get_secret_value() if settings.refresh_token else None
            ),
            client_id=settings.client_id,
            client_secret=secret.get_secret_value() if secret else None,
            token_uri=settings.token_uri,
        )
        http = google_auth_httplib2.AuthorizedHttp(
            credentials, http=httplib2.Http(timeout=settings.polling.timeout_seconds)
        )
        self.api = build_from_document(
            discovery_document(),
            http=http,
            client_options={"api_endpoint": settings.api_url},
        )

    def execute(self, what: str, make_request: Callable[[], Any]) -> dict[str, Any]:
        def once() -> dict[str, Any]:
            try:
                result = make_request().execute(num_retries=0)
            except HttpError as exc:
                raise self._classify(what, exc) from None
            except google.auth.exceptions.RefreshError:
                expired = f"token refresh failed on {what}"
                raise failure("youtube", Sorted.TOKEN_EXPIRED, expired) from None
            except (httplib2.HttpLib2Error, OSError) as exc:
                raise unreachable("youtube", what, exc) from None
            return result if isinstance(result, dict) else {}

        return self._retry.call(once, what=f"youtube {what}")

    def close(self) -> None:
        """Close the pooled connections (httplib2 keeps sockets open until closed)."""
        self.api.close()

    def _classify(self, what: str, exc: HttpError) -> PlatformError:
        status = int(exc.resp.status)
        reasons = {str(d.get("reason", "")) for d in _details(exc)}
        message = redact(str(exc.reason or ""), self._secrets())[:300]
        detail = f"HTTP {status} on {what}" + (
            f" ({', '.join(sorted(reasons))})" if reasons else ""
        )
        if message:
            detail += f": {message}"
        wait = 0.0
        if status == 401:
            kind = Sorted.TOKEN_EXPIRED
        elif status == 429 or reasons & _RATE_REASONS:
            kind = Sorted.RATE_LIMITED
            if "quotaExceeded" in reasons:
                wait = _until_quota_reset(self._clock())
            else:
                header = str(exc.resp.get("retry-after", ""))
                wait = float(header) if header.isdigit() else 0.0
        elif status == 403:
            kind = Sorted.PERMISSION_MISSING
        else:
            kind = Sorted.UNAVAILABLE if status >= 500 else Sorted.REFUSED
        return failure("youtube", kind, detail, retry_after=wait)

    def _secrets(self) -> list[Any]:
        s = self._settings
        return [s.access_token, s.refresh_token, s.client_secret]


def _details(exc: HttpError) -> list[dict[str, Any]]:
    try:
        body = json.loads(exc.content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return []
    errors = (body.get("error") or {}).get("errors") if isinstance(body, dict) else None
    return [e for e in errors or [] if isinstance(e, dict)]


def _until_quota_reset(now: datetime) -> float:
    """YouTube's daily quota resets at midnight Pacific time."""
    pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    midnight = (pacific + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60.0, (midnight - pacific).total_seconds())


def youtube_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def comment_from_youtube(raw: dict[str, Any]) -> Comment:
    """A YouTube `comment` resource (top-level or reply) as a `Comment`."""
    snippet = raw.get("snippet") or {}
    video = str(snippet.get("videoId", ""))
    return Comment(
        platform=Platform.YOUTUBE,
        surface=Surface.OWN_PAGE,
        comment_id=str(raw["id"]),
        text=str(snippet.get("textOriginal") or snippet.get("textDisplay", "")),
        created_at=youtube_time(snippet["publishedAt"]),
        author_handle=str(snippet.get("authorDisplayName", "")),
        author_id=str((snippet.get("authorChannelId") or {}).get("value", "")),
        post_id=video,
        parent_id=str(snippet.get("parentId", "")),
        permalink=f"https://www.youtube.com/watch?v={video}&lc={raw['id']}" if video else "",
        raw=raw,
    )


class YouTubeConnector(WatermarkConnector):
    """Polls the channel's comment threads. Safe to repeat and to kill at any point."""

    def __init__(
        self,
        settings: YouTubeSettings,
        sink: CommentSink,
        cursors: CursorStore,
        *,
        client: YouTubeClient | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(f"youtube:{settings.channel_id}", settings.polling, sink, cursors, clock)
        self._settings = settings
        self._client = client or YouTubeClient(settings, clock=clock)

    def close(self) -> None:
        self._client.close()

    def _read(self, horizon: datetime, mark: Watermark) -> list[Comment]:
        found: list[Comment] = []
        for thread in self._recent_threads(horizon):
            found.append(comment_from_youtube(thread["snippet"]["topLevelComment"]))
            found.extend(self._replies(thread))
        return [c for c in found if c.author_id != self._settings.channel_id]

    def _recent_threads(self, horizon: datetime) -> Iterator[dict[str, Any]]:
        threads = self._client.api.commentThreads()
        token: str | None = None
        while True:
            params: dict[str, Any] = {
                "part": "snippet,replies",
                "allThreadsRelatedToChannelId": self._settings.channel_id,
                "maxResults": 100,
                "order": "time",
                "textFormat": "plainText",
            }
            if token:
                params["pageToken"] = token
            body = self._client.execute("commentThreads.list", partial(threads.list, **params))
            items = body.get("items") or []
            recent = [
                t
                for t in items
                if youtube_time(t["snippet"]["topLevelComment"]["snippet"]["publishedAt"])
                >= horizon
            ]
            yield from recent
            token = body.get("nextPageToken")
            if not token or len(recent) < len(items):
                return

    def _replies(self, thread: dict[str, Any]) -> list[Comment]:
        inline = (thread.get("replies") or {}).get("comments") or []
        total = int(thread["snippet"].get("totalReplyCount", 0))
        if total <= len(inline):
            return [comment_from_youtube(r) for r in inline]
        comments = self._client.api.comments()
        replies: list[Comment] = []
        token: str | None = None
        while True:
            params: dict[str, Any] = {
                "part": "snippet",
                "parentId": thread["id"],
                "maxResults": 100,
                "textFormat": "plainText",
            }
            if token:
                params["pageToken"] = token
            body = self._client.execute("comments.list", partial(comments.list, **params))
            replies.extend(comment_from_youtube(r) for r in body.get("items") or [])
            token = body.get("nextPageToken")
            if not token:
                return replies


class YouTubeModerator(HiddenFlagModerator):
    """Holds comments for review and publishes them again (`PlatformModerator`)."""

    platform = Platform.YOUTUBE
    what = "a YouTube comment"
    not_hideable_because = "is not on the council's channel"

    def __init__(self, client: YouTubeClient) -> None:
        self._client = client

    def close(self) -> None:
        self._client.close()

    def _set_hidden(self, comment: Comment, hidden: bool) -> None:
        status = HIDE_STATUS if hidden else RESTORE_STATUS
        comments = self._client.api.comments()
        self._client.execute(
            f"comments.setModerationStatus({status})",
            lambda: comments.setModerationStatus(id=comment.comment_id, moderationStatus=status),
        )
        log.info("youtube: set %s to %s", comment.key, status)
