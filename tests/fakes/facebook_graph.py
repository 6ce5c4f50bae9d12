"""A fake Graph API: a Facebook Page's posts and comments and an Instagram account's media
and comments, with hide/unhide state, paging and Graph's error bodies.

Shapes follow the Graph API reference: list edges answer `{"data": [...], "paging":
{"cursors": {"before", "after"}, "next"}}` (`next` only when there is more), comments
carry id, message, from{id,name}, created_time (`2024-05-01T10:00:00+0000`),
parent{id}, is_hidden, permalink_url; errors are `{"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}`. Usage headers (`X-App-Usage`) are sent on every answer.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tests.fakes.server import FakeServer, Reply, Request, page_slice


def graph_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _cursor(index: int) -> str:
    return base64.b64encode(f"idx:{index}".encode()).decode()


def _index(cursor: str | None) -> str | None:
    return base64.b64decode(cursor).decode()[4:] if cursor else None


def graph_error(
    code: int, message: str, *, status: int = 400, subcode: int | None = None, **extra: Any
) -> Reply:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGh123",
        **extra,
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return Reply(status, {"error": error})


EXPIRED_TOKEN = graph_error(
    190,
    "Error validating access token: Session has expired on Friday, 01-Mar-24 10:00:00 PST.",
    subcode=463,
)
PERMISSION_DENIED = graph_error(
    10,
    "(#10) This endpoint requires the 'pages_read_engagement' permission.",
    status=403,
)
MANAGE_PERMISSION_DENIED = graph_error(
    200, "(#200) Requires pages_manage_engagement permission to manage the object", status=403
)
RATE_LIMITED = Reply(
    400,
    {
        "error": {
            "message": "(#4) Application request limit reached",
            "type": "OAuthException",
            "is_transient": True,
            "code": 4,
            "fbtrace_id": "AbCdEfGh124",
        }
    },
    {"X-App-Usage": json.dumps({"call_count": 100, "total_cputime": 30, "total_time": 40})},
)
TOO_MANY_REQUESTS = Reply(
    429,
    {"error": {"message": "Too many requests", "type": "OAuthException", "code": 4}},
    {"Retry-After": "1"},
)
SERVER_ERROR = graph_error(1, "An unknown error has occurred.", status=500, is_transient=True)
BAD_GATEWAY = Reply(502, "<html><body>502 Bad Gateway</body></html>")


@dataclass
class FbComment:
    id: str
    post_id: str
    message: str
    author_id: str
    author_name: str
    created: datetime
    parent_id: str = ""
    is_hidden: bool = False

    def as_graph(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "message": self.message,
            "from": {"id": self.author_id, "name": self.author_name},
            "created_time": graph_time(self.created),
            "is_hidden": self.is_hidden,
            "permalink_url": f"https://www.facebook.com/{self.post_id}?comment_id={self.id}",
        }
        if self.parent_id:
            body["parent"] = {"id": self.parent_id}
        return body


@dataclass
class IgComment:
    id: str
    media_id: str
    text: str
    username: str
    user_id: str
    created: datetime
    parent_id: str = ""
    hidden: bool = False

    def as_graph(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "timestamp": graph_time(self.created),
            "username": self.username,
            "from": {"id": self.user_id, "username": self.username},
            "hidden": self.hidden,
        }
        if self.parent_id:
            body["parent_id"] = self.parent_id
        return body


class FakeGraph(FakeServer):
    """One Page (`page_id`) and one Instagram account (`ig_user_id`)."""

    def __init__(
        self, *, page_id: str = "1000", ig_user_id: str = "17841400000", token: str = "page-token"
    ) -> None:
        super().__init__()
        self.page_id = page_id
        self.ig_user_id = ig_user_id
        self.token = token
        self.page_size = 100
        self.app_usage = {"call_count": 5, "total_cputime": 1, "total_time": 2}
        self.posts: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, FbComment] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.ig_comments: dict[str, IgComment] = {}
        self.ig_mentions: dict[str, dict[str, Any]] = {}
        self._serial = 0

    def _next_id(self) -> int:
        self._serial += 1
        return 5000 + self._serial

    def add_post(self, message: str, created: datetime | None = None) -> str:
        with self.lock:
            post_id = f"{self.page_id}_{self._next_id()}"
            self.posts[post_id] = {
                "id": post_id,
                "message": message,
                "created": created or self.next_time(),
                "permalink_url": f"https://www.facebook.com/{post_id}",
            }
            return post_id

    def post_comment(
        self,
        post_id: str,
        message: str,
        *,
        author: tuple[str, str] = ("2001", "A Resident"),
        parent: str = "",
        created: datetime | None = None,
    ) -> str:
        """A person comments on a post (or replies to `parent`); returns the comment id."""
        with self.lock:
            comment_id = f"{post_id.split('_')[-1]}_{self._next_id()}"
            self.comments[comment_id] = FbComment(
                comment_id,
                post_id,
                message,
                author[0],
                author[1],
                created or self.next_time(),
                parent,
            )
            return comment_id

    def is_hidden(self, comment_id: str) -> bool:
        with self.lock:
            return self.comments[comment_id].is_hidden

    def add_media(self, caption: str, created: datetime | None = None) -> str:
        with self.lock:
            media_id = f"179{self._next_id()}"
            self.media[media_id] = {
                "id": media_id,
                "caption": caption,
                "created": created or self.next_time(),
                "permalink": f"https://www.instagram.com/p/{media_id}/",
            }
            return media_id

    def post_ig_comment(
        self,
        media_id: str,
        text: str,
        *,
        username: str = "resident",
        user_id: str = "178400001",
        parent: str = "",
        created: datetime | None = None,
    ) -> str:
        with self.lock:
            comment_id = f"180{self._next_id()}"
            self.ig_comments[comment_id] = IgComment(
                comment_id, media_id, text, username, user_id, created or self.next_time(), parent
            )
            return comment_id

    def ig_hidden(self, comment_id: str) -> bool:
        with self.lock:
            return self.ig_comments[comment_id].hidden

    def route(self, request: Request) -> Reply:
        match = re.fullmatch(r"/v\d+\.\d+/([^/]+)(?:/([a-z_]+))?", request.path)
        if match is None:
            return graph_error(100, "Unknown path components", status=400)
        params = request.params
        if request.bearer() != self.token and params.get("access_token") != self.token:
            return graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        node, edge = match.group(1), match.group(2)
        reply = self._answer(request.method, node, edge, params)
        reply.headers.setdefault("X-App-Usage", json.dumps(self.app_usage))
        return reply

    def _answer(self, method: str, node: str, edge: str | None, params: dict[str, str]) -> Reply:
        if method == "POST" and edge is None:
            return self._moderate(node, params)
        if method != "GET":
            return graph_error(100, "Unsupported request", status=400)
        if node == self.page_id and edge == "posts":
            posts = sorted(self.posts.values(), key=lambda p: p["created"], reverse=True)
            shown = [
                {
                    "id": p["id"],
                    "message": p["message"],
                    "created_time": graph_time(p["created"]),
                    "permalink_url": p["permalink_url"],
                }
                for p in posts
            ]
            return self._list(shown, params)
        if node in self.posts and edge == "comments":
            found = [c for c in self.comments.values() if c.post_id == node]
            if params.get("filter") != "stream":
                found = [c for c in found if not c.parent_id]
            found.sort(
                key=lambda c: (c.created, c.id),
                reverse=params.get("order") == "reverse_chronological",
            )
            return self._list([c.as_graph() for c in found], params)
        if node == self.ig_user_id and edge == "media":
            media = sorted(self.media.values(), key=lambda m: m["created"], reverse=True)
            return self._list(
                [
                    {
                        "id": m["id"],
                        "caption": m["caption"],
                        "timestamp": graph_time(m["created"]),
                        "permalink": m["permalink"],
                    }
                    for m in media
                ],
                params,
            )
        if node in self.media and edge == "comments":
            top = sorted(
                (c for c in self.ig_comments.values() if c.media_id == node and not c.parent_id),
                key=lambda c: c.created,
            )
            return self._list([self._with_replies(c) for c in top], params)
        if node in self.ig_comments and edge == "replies":
            return self._list([c.as_graph() for c in self._replies(node)], params)
        if (
            node == self.ig_user_id
            and edge is None
            and "mentioned_comment" in params.get("fields", "")
        ):
            wanted = re.search(r"comment_id\(([^)]+)\)", params["fields"])
            found = self.ig_mentions.get(wanted.group(1) if wanted else "")
            if found is None:
                return graph_error(100, "Invalid parameter", status=400)
            return Reply(200, {"mentioned_comment": found, "id": self.ig_user_id})
        return graph_error(
            100,
            f"Unsupported get request. Object with ID '{node}' does not exist",
            subcode=33,
        )

    def _replies(self, comment_id: str) -> list[IgComment]:
        return sorted(
            (c for c in self.ig_comments.values() if c.parent_id == comment_id),
            key=lambda c: c.created,
        )

    def _with_replies(self, comment: IgComment) -> dict[str, Any]:
        body = comment.as_graph()
        replies = self._replies(comment.id)
        if replies:
            nested: dict[str, Any] = {"data": [r.as_graph() for r in replies[:2]]}
            if len(replies) > 2:
                nested["paging"] = {
                    "cursors": {"before": _cursor(0), "after": _cursor(2)},
                    "next": f"{self.url}/v21.0/{comment.id}/replies?after={_cursor(2)}",
                }
            body["replies"] = nested
        return body

    def _moderate(self, node: str, params: dict[str, str]) -> Reply:
        if node in self.comments and "is_hidden" in params:
            self.comments[node].is_hidden = params["is_hidden"] == "true"
            return Reply(200, {"success": True})
        if node in self.ig_comments and "hide" in params:
            self.ig_comments[node].hidden = params["hide"] == "true"
            return Reply(200, {"success": True})
        return graph_error(
            100,
            f"Unsupported post request. Object with ID '{node}' does not exist",
            subcode=33,
        )

    def _list(self, items: list[dict[str, Any]], params: dict[str, str]) -> Reply:
        limit = min(int(params.get("limit", 25)), self.page_size)
        chunk, end, more = page_slice(items, _index(params.get("after")), limit)
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            body["paging"] = {
                "cursors": {"before": _cursor(end - len(chunk)), "after": _cursor(end)}
            }
            if more:
                body["paging"]["next"] = f"{self.url}/v21.0/next?after={_cursor(end)}"
        return Reply(200, body)
