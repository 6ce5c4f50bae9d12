"""A fake X API v2: users, tweets, mentions, recent search, tweet lookup and hidden replies.

Shapes follow the v2 reference: `{"data": [...], "includes": {"users": [...]}, "meta":
{"result_count", "newest_id", "oldest_id", "next_token"}}`, tweets with id, text,
author_id, created_at (`2024-05-01T10:00:00.000Z`), conversation_id, in_reply_to_user_id,
referenced_tweets; errors as problem JSON (`{"title", "detail", "type", "status"}`);
rate limits as 429 with `x-rate-limit-*` headers.

OAuth 2.0 as X documents it: `POST /2/oauth2/token` with `grant_type=refresh_token`
renews the access token and *rotates* the refresh token (the old one is refused from
then on, `{"error": "invalid_request", "error_description": "Value passed for the token
was invalid."}`); a confidential client authenticates with HTTP Basic, a public one sends
`client_id`. `expire_access_token()` plays the two hours passing.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.fakes.server import FakeServer, Reply, Request, page_slice


def x_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> Reply:
    return Reply(status, {"title": title, "detail": detail, "type": kind, "status": status})


def rate_limited(reset_in: int = 1) -> Reply:
    reply = problem(429, "Too Many Requests", "Too Many Requests")
    reply.headers.update(
        {
            "x-rate-limit-limit": "180",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(time.time()) + reset_in),
        }
    )
    return reply


EXPIRED_TOKEN = problem(401, "Unauthorized", "Unauthorized")
PERMISSION_DENIED = problem(
    403,
    "Forbidden",
    "You are not permitted to perform this action.",
    "https://api.twitter.com/2/problems/not-authorized-for-resource",
)
SERVER_ERROR = problem(503, "Service Unavailable", "Service Unavailable")


@dataclass
class Tweet:
    id: str
    text: str
    author_id: str
    created: datetime
    conversation_id: str
    in_reply_to_user_id: str = ""
    replied_to: str = ""
    hidden: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "author_id": self.author_id,
            "created_at": x_time(self.created),
            "conversation_id": self.conversation_id,
            "edit_history_tweet_ids": [self.id],
        }
        if self.replied_to:
            body["in_reply_to_user_id"] = self.in_reply_to_user_id
            body["referenced_tweets"] = [{"type": "replied_to", "id": self.replied_to}]
        return body


class FakeX(FakeServer):
    """The council's account is `council_id` / `council_username`."""

    def __init__(
        self,
        *,
        council_id: str = "9000",
        council_username: str = "ExampleCouncil",
        token: str = "x-user-token",
        refresh_token: str = "",
        client_id: str = "",
        client_secret: str = "",
    ) -> None:
        super().__init__()
        self.council_id = council_id
        self.council_username = council_username
        self.token = token
        self.refresh_token = refresh_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_lifetime = 7200
        self.renewals = 0
        self.page_size = 100
        self.users: dict[str, str] = {council_id: council_username}
        self.tweets: dict[str, Tweet] = {}
        self._serial = 1_790_000_000_000_000_000

    def user(self, user_id: str, username: str) -> str:
        with self.lock:
            self.users[user_id] = username
            return user_id

    def tweet(
        self, author_id: str, text: str, *, reply_to: str = "", created: datetime | None = None
    ) -> str:
        """Someone posts (or replies to `reply_to`); returns the tweet id (ids increase)."""
        with self.lock:
            self._serial += 1
            tweet_id = str(self._serial)
            parent = self.tweets.get(reply_to)
            self.tweets[tweet_id] = Tweet(
                id=tweet_id,
                text=text,
                author_id=author_id,
                created=created or self.next_time(),
                conversation_id=parent.conversation_id if parent else tweet_id,
                in_reply_to_user_id=parent.author_id if parent else "",
                replied_to=reply_to,
            )
            return tweet_id

    def is_hidden(self, tweet_id: str) -> bool:
        with self.lock:
            return self.tweets[tweet_id].hidden

    def expire_access_token(self) -> None:
        """Two hours pass: the access token in use is refused from now on."""
        with self.lock:
            self.token = "expired-" + secrets.token_hex(8)

    def revoke_refresh_token(self) -> None:
        """The council revokes houserules' access (or the refresh token is lost)."""
        with self.lock:
            self.refresh_token = "revoked-" + secrets.token_hex(8)

    def route(self, request: Request) -> Reply:
        if request.path == "/2/oauth2/token" and request.method == "POST":
            return self._renew(request)
        if request.bearer() != self.token:
            return EXPIRED_TOKEN
        q = request.query
        path = request.path
        if m := re.fullmatch(r"/2/users/(\d+)/mentions", path):
            handle = "@" + self.users.get(m.group(1), "?").lower()
            found = [
                t
                for t in self.tweets.values()
                if handle in t.text.lower() and t.author_id != m.group(1)
            ]
            return self._timeline(found, q, "pagination_token")
        if m := re.fullmatch(r"/2/users/(\d+)/tweets", path):
            found = [t for t in self.tweets.values() if t.author_id == m.group(1)]
            return self._timeline(found, q, "pagination_token")
        if path == "/2/tweets/search/recent":
            wanted = set(re.findall(r"conversation_id:(\d+)", q.get("query", "")))
            found = [t for t in self.tweets.values() if t.conversation_id in wanted]
            return self._timeline(found, q, "next_token")
        if path == "/2/tweets" and request.method == "GET":
            found = [self.tweets[i] for i in q.get("ids", "").split(",") if i in self.tweets]
            return Reply(200, {"data": [t.as_json() for t in found]})
        if m := re.fullmatch(r"/2/tweets/(\d+)/hidden", path):
            return self._hide(m.group(1), bool(request.json().get("hidden")))
        return problem(404, "Not Found Error", f"no route {path}")

    def _renew(self, request: Request) -> Reply:
        form = request.form()
        auth = request.headers.get("authorization", "")
        if self.client_secret:
            expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode())
            if auth != f"Basic {expected.decode()}":
                return Reply(
                    401,
                    {
                        "error": "unauthorized_client",
                        "error_description": "Missing valid authorization header",
                    },
                )
        elif form.get("client_id") != self.client_id:
            return Reply(
                400, {"error": "invalid_request", "error_description": "Missing client_id"}
            )
        if form.get("grant_type") != "refresh_token":
            return Reply(
                400,
                {"error": "unsupported_grant_type", "error_description": "Unsupported grant"},
            )
        if not self.refresh_token or form.get("refresh_token") != self.refresh_token:
            return Reply(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the token was invalid.",
                },
            )
        self.renewals += 1
        self.token = f"access-{self.renewals}-" + secrets.token_hex(8)
        self.refresh_token = f"refresh-{self.renewals}-" + secrets.token_hex(8)
        return Reply(
            200,
            {
                "token_type": "bearer",
                "expires_in": self.access_lifetime,
                "access_token": self.token,
                "scope": "tweet.read users.read tweet.moderate.write offline.access",
                "refresh_token": self.refresh_token,
            },
        )

    def _hide(self, tweet_id: str, hidden: bool) -> Reply:
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            return problem(404, "Not Found Error", "Could not find tweet")
        root = self.tweets.get(tweet.conversation_id)
        if not tweet.replied_to or root is None or root.author_id != self.council_id:
            return problem(
                403,
                "Forbidden",
                "You cannot hide or unhide a reply to a conversation you did not start.",
            )
        tweet.hidden = hidden
        return Reply(200, {"data": {"hidden": hidden}})

    def _timeline(self, found: list[Tweet], q: dict[str, str], token_name: str) -> Reply:
        if q.get("since_id"):
            found = [t for t in found if int(t.id) > int(q["since_id"])]
        if q.get("start_time"):
            start = datetime.fromisoformat(q["start_time"].replace("Z", "+00:00"))
            found = [t for t in found if t.created >= start]
        found.sort(key=lambda t: int(t.id), reverse=True)
        limit = min(int(q.get("max_results", 10)), self.page_size)
        chunk, end, more = page_slice(found, q.get(token_name), limit)
        if not chunk:
            return Reply(200, {"meta": {"result_count": 0}})
        meta: dict[str, Any] = {
            "result_count": len(chunk),
            "newest_id": chunk[0].id,
            "oldest_id": chunk[-1].id,
        }
        if more:
            meta["next_token"] = str(end)
        authors = {t.author_id for t in chunk}
        users = [{"id": u, "username": self.users.get(u, f"user{u}"), "name": u} for u in authors]
        return Reply(
            200,
            {"data": [t.as_json() for t in chunk], "includes": {"users": users}, "meta": meta},
            {
                "x-rate-limit-limit": "450",
                "x-rate-limit-remaining": "449",
                "x-rate-limit-reset": str(int(time.time()) + 900),
            },
        )
