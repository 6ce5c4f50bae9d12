"""X (API v2, through tweepy): mentions of the council's account and replies in the
conversations it started; hide and unhide replies.

Reading uses X's own cursor, `since_id`, per stream: mentions (`GET /2/users/:id/mentions`)
and replies in the council's recent conversations (`GET /2/tweets/search/recent` with
`conversation_id:` terms for the account's tweets of the last `lookback_days`). Each poll
reads every page newer than `since_id`, then hands the tweets to the sink oldest first in
batches, saving `since_id` after each batch; a kill mid-way resumes from the last batch
the sink accepted, so nothing is missed or repeated.

Hiding: X lets an account hide only replies in conversations it started
(`PUT /2/tweets/:id/hidden`). Such replies are `Surface.OWN_PAGE`; every other mention is
`Surface.MENTION`, and `XModerator.hide` raises `NotHideable` for it (as it does when X
itself answers that the reply is not in our conversation).

tweepy hard-codes `https://api.twitter.com`; the base URL and the token are supplied
through `ingest.rebased_session.RebasedSession`, so the token never reaches tweepy (whose
debug log prints request headers). The token is renewed as it expires (`ingest.x_tokens`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import requests
import tweepy

from ingest.connector_settings import XSettings
from ingest.cursor import CursorStore
from ingest.failures import (
    NotHideable,
    PlatformError,
    RateLimited,
    Sorted,
    failure,
    redact,
    unreachable,
)
from ingest.moderator import HiddenFlagModerator
from ingest.rebased_session import RebasedSession
from ingest.retry import RetryPolicy
from ingest.sink import CommentSink
from ingest.x_tokens import TokenAuth, XTokens
from moderation.comment import Comment, Platform, Surface

log = logging.getLogger(__name__)

TWEEPY_ORIGIN = "https://api.twitter.com"
TWEET_FIELDS = [
    "id",
    "text",
    "author_id",
    "created_at",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
]
QUERY_LIMIT = 512


class _Unauthorized(Exception):
    """X answered 401 to a call (the access token expired or was revoked)."""


class XClient:
    """tweepy's v2 `Client`, rebased, with retries and failures sorted as in `failures`.

    The access token comes from `XTokens`, which renews it with the refresh token when it
    is due and when X answers 401 (then the call is made once more with the new token);
    `token_file` is where the rotated tokens are kept (see `ingest.x_tokens`)."""

    def __init__(
        self,
        settings: XSettings,
        retry: RetryPolicy | None = None,
        *,
        now: Callable[[], float] = time.time,
        token_file: Path | None = None,
        tokens: XTokens | None = None,
    ) -> None:
        self._settings = settings
        self._retry = retry or RetryPolicy.from_settings(settings.polling)
        self._now = now
        self._resume_at = 0.0
        self.tokens = tokens or XTokens(settings, token_file)
        session = RebasedSession(
            TWEEPY_ORIGIN,
            settings.api_url,
            auth=TokenAuth(self.tokens),
            timeout=settings.polling.timeout_seconds,
        )
        session.hooks["response"].append(self._watch_limits)
        self.api = tweepy.Client(return_type=dict, wait_on_rate_limit=False)
        self.api.session = session

    def call(self, what: str, fn: Callable[[], Any], *, hiding: bool = False) -> Any:
        def once() -> Any:
            self._wait_for_window()
            token = self.tokens.current()
            try:
                return self._attempt(what, fn, hiding)
            except _Unauthorized:
                if not self.tokens.can_refresh:
                    raise failure("x", Sorted.TOKEN_EXPIRED, f"HTTP 401 on {what}") from None
            self.tokens.refresh(stale=token)
            try:
                return self._attempt(what, fn, hiding)
            except _Unauthorized:
                again = f"HTTP 401 on {what}, even with a new token"
                raise failure("x", Sorted.TOKEN_EXPIRED, again) from None

        return self._retry.call(once, what=f"x {what}")

    def _attempt(self, what: str, fn: Callable[[], Any], hiding: bool) -> Any:
        try:
            return fn()
        except tweepy.TooManyRequests as exc:
            wait = (exc.reset_time or 0) - self._now() if exc.reset_time else 0.0
            limited = f"HTTP 429 on {what}"
            raise failure("x", Sorted.RATE_LIMITED, limited, retry_after=max(1.0, wait)) from None
        except tweepy.Unauthorized:
            raise _Unauthorized from None
        except tweepy.Forbidden as exc:
            detail = self._detail(exc)
            if hiding and "conversation" in detail.lower():
                raise NotHideable(f"x will not hide this reply: {detail}") from None
            forbidden = f"HTTP 403 on {what}: {detail}"
            raise failure("x", Sorted.PERMISSION_MISSING, forbidden) from None
        except tweepy.TwitterServerError as exc:
            down = f"HTTP {exc.response.status_code} on {what}"
            raise failure("x", Sorted.UNAVAILABLE, down) from None
        except tweepy.HTTPException as exc:
            refused = f"HTTP {exc.response.status_code} on {what}: {self._detail(exc)}"
            raise failure("x", Sorted.REFUSED, refused) from None
        except requests.RequestException as exc:
            raise unreachable("x", what, exc) from None

    def _detail(self, exc: tweepy.HTTPException) -> str:
        messages = [*exc.api_messages] if exc.api_messages else []
        try:
            body = exc.response.json()
            if isinstance(body, dict) and body.get("detail"):
                messages.append(str(body["detail"]))
        except ValueError:
            pass
        text = "; ".join(dict.fromkeys(messages)) or exc.response.reason or ""
        return redact(text, self.tokens.secrets)[:300]

    def _watch_limits(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        remaining = response.headers.get("x-rate-limit-remaining")
        reset = response.headers.get("x-rate-limit-reset")
        if remaining == "0" and reset and reset.isdigit():
            self._resume_at = float(reset)

    def _wait_for_window(self) -> None:
        """When the last response said the window is used up, wait for it to reset."""
        wait = self._resume_at - self._now()
        if wait > 0:
            if wait > self._retry.max_wait:
                raise RateLimited("x rate limit window used up", retry_after=wait)
            log.info("x: rate limit window used up; waiting %.0fs", wait)
            self._retry.sleep(wait)


def x_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def comment_from_tweet(raw: dict[str, Any], users: dict[str, str], surface: Surface) -> Comment:
    replied_to = next(
        (r["id"] for r in raw.get("referenced_tweets") or [] if r.get("type") == "replied_to"),
        "",
    )
    author_id = str(raw.get("author_id", ""))
    handle = users.get(author_id, "")
    return Comment(
        platform=Platform.X,
        surface=surface,
        comment_id=str(raw["id"]),
        text=str(raw.get("text", "")),
        created_at=x_time(raw["created_at"]),
        author_handle=handle,
        author_id=author_id,
        post_id=str(raw.get("conversation_id", "")),
        parent_id=str(replied_to),
        permalink=f"https://x.com/{handle or 'i'}/status/{raw['id']}",
        raw=raw,
    )


class XConnector:
    """Polls the council's mentions and conversations. Safe to repeat and to kill."""

    def __init__(
        self,
        settings: XSettings,
        sink: CommentSink,
        cursors: CursorStore,
        *,
        client: XClient | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        token_file: Path | None = None,
    ) -> None:
        self.name = f"x:{settings.user_id}"
        self._settings = settings
        self._sink = sink
        self._cursors = cursors
        self._client = client or XClient(settings, token_file=token_file)
        self._clock = clock
        self._root_authors: dict[str, str] = {}

    def poll_once(self) -> int:
        cursor = self._cursors.load(self.name) or {}
        own = self._own_conversations()
        sent = self._deliver("conversations", self._conversation_replies(own, cursor), cursor)
        mentions = self._mentions(cursor)
        self._learn_root_authors(t["conversation_id"] for t, _ in mentions)
        fresh = [(t, users) for t, users in mentions if t.get("conversation_id") not in own]
        return sent + self._deliver("mentions", fresh, cursor)

    def _own_conversations(self) -> set[str]:
        since = self._clock() - timedelta(days=self._settings.polling.lookback_days)
        own: set[str] = set()
        for page in self._pages(
            "own tweets",
            self._client.api.get_users_tweets,
            id=self._settings.user_id,
            start_time=since,
            tweet_fields=["id", "conversation_id", "created_at"],
            max_results=100,
        ):
            for tweet in page.get("data") or []:
                if tweet.get("conversation_id", tweet["id"]) == tweet["id"]:
                    own.add(str(tweet["id"]))
                    self._root_authors[str(tweet["id"])] = self._settings.user_id
        return own

    def _conversation_replies(
        self, own: set[str], cursor: dict[str, Any]
    ) -> list[tuple[dict[str, Any], dict[str, str]]]:
        found: list[tuple[dict[str, Any], dict[str, str]]] = []
        since_id = cursor.get("conversations")
        for query in _queries(sorted(own)):
            params: dict[str, Any] = {"query": query, "max_results": 100}
            if since_id:
                params["since_id"] = since_id
            for page in self._pages(
                "conversation search", self._client.api.search_recent_tweets, **params
            ):
                found.extend(_tweets_with_users(page))
        return [
            (t, u)
            for t, u in found
            if str(t.get("author_id")) != self._settings.user_id
            and t["id"] != t.get("conversation_id")
        ]

    def _mentions(self, cursor: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, str]]]:
        params: dict[str, Any] = {"id": self._settings.user_id, "max_results": 100}
        if cursor.get("mentions"):
            params["since_id"] = cursor["mentions"]
        else:
            params["start_time"] = self._clock() - timedelta(
                days=self._settings.polling.backfill_days
            )
        found: list[tuple[dict[str, Any], dict[str, str]]] = []
        for page in self._pages("mentions", self._client.api.get_users_mentions, **params):
            found.extend(_tweets_with_users(page))
        return [(t, u) for t, u in found if str(t.get("author_id")) != self._settings.user_id]

    def _learn_root_authors(self, conversation_ids: Iterable[str]) -> None:
        unknown = sorted({c for c in conversation_ids if c and c not in self._root_authors})
        for start in range(0, len(unknown), 100):
            chunk = unknown[start : start + 100]
            body = self._client.call(
                "conversation roots",
                partial(
                    self._client.api.get_tweets,
                    ids=chunk,
                    tweet_fields=["author_id", "conversation_id"],
                ),
            )
            for tweet in body.get("data") or []:
                self._root_authors[str(tweet["id"])] = str(tweet.get("author_id", ""))
            for missing in chunk:
                self._root_authors.setdefault(missing, "")

    def _surface(self, tweet: dict[str, Any]) -> Surface:
        root = str(tweet.get("conversation_id", ""))
        ours = self._root_authors.get(root) == self._settings.user_id
        return Surface.OWN_PAGE if ours and tweet["id"] != root else Surface.MENTION

    def _deliver(
        self,
        stream: str,
        tweets: list[tuple[dict[str, Any], dict[str, str]]],
        cursor: dict[str, Any],
    ) -> int:
        unique = {str(t["id"]): (t, u) for t, u in tweets}
        since = int(cursor.get(stream) or 0)
        ordered = sorted((i for i in unique if int(i) > since), key=int)
        size = self._settings.polling.batch_size
        for start in range(0, len(ordered), size):
            ids = ordered[start : start + size]
            batch = [
                comment_from_tweet(unique[i][0], unique[i][1], self._surface(unique[i][0]))
                for i in ids
            ]
            self._sink.send(batch)
            cursor[stream] = ids[-1]
            self._cursors.save(self.name, cursor)
        return len(ordered)

    def _pages(
        self, what: str, method: Callable[..., Any], **params: Any
    ) -> Iterable[dict[str, Any]]:
        """Every page of a list endpoint, following `meta.next_token`."""
        token_param = (
            "next_token" if method.__name__ == "search_recent_tweets" else ("pagination_token")
        )
        params.setdefault("tweet_fields", TWEET_FIELDS)
        params.update(expansions=["author_id"], user_fields=["username"])
        token: str | None = None
        while True:
            call_params = {**params, token_param: token} if token else dict(params)
            body: dict[str, Any] = self._client.call(what, partial(method, **call_params))
            yield body
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                return


def _tweets_with_users(page: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, str]]]:
    users = {
        str(u["id"]): str(u.get("username", ""))
        for u in (page.get("includes") or {}).get("users", [])
    }
    return [(t, users) for t in page.get("data") or []]


def _queries(conversation_ids: list[str]) -> list[str]:
    """`conversation_id:` terms joined by OR, each query within X's length limit."""
    queries: list[str] = []
    current = ""
    for cid in conversation_ids:
        term = f"conversation_id:{cid}"
        candidate = f"{current} OR {term}" if current else term
        if len(candidate) > QUERY_LIMIT and current:
            queries.append(current)
            candidate = term
        current = candidate
    if current:
        queries.append(current)
    return queries


class XModerator(HiddenFlagModerator):
    """Hides and unhides replies (`PlatformModerator`)."""

    platform = Platform.X
    what = "an X post"
    not_hideable_because = "is not a reply in a conversation the council started"

    def __init__(self, client: XClient) -> None:
        self._client = client

    def _set_hidden(self, comment: Comment, hidden: bool) -> None:
        method = self._client.api.hide_reply if hidden else self._client.api.unhide_reply
        body = self._client.call(
            "hide reply" if hidden else "unhide reply",
            lambda: method(comment.comment_id, user_auth=False),
            hiding=True,
        )
        if (body.get("data") or {}).get("hidden") is not hidden:
            raise PlatformError(f"x did not change {comment.key}", transient=False)
        log.info("x: %s %s", "hid" if hidden else "unhid", comment.key)
