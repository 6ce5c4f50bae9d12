"""A fake YouTube Data API v3: comment threads on a channel's videos, replies, and
comments.setModerationStatus, with Google's error bodies.

Shapes follow the reference: commentThreads.list answers
`{"kind": "youtube#commentThreadListResponse", "items": [...], "nextPageToken"}` with each
thread's `snippet.topLevelComment.snippet.{textOriginal, textDisplay, authorDisplayName,
authorChannelId.value, publishedAt, videoId, moderationStatus}` and up to five inline
`replies.comments`; errors are `{"error": {"code", "message", "errors": [{"reason",
"domain", "message"}], "status"}}`. Held (`heldForReview`) comments are not listed, as
on YouTube. Every setModerationStatus call is kept in `moderation_calls`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tests.fakes.server import FakeServer, Reply, Request, page_slice


def yt_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def google_error(status: int, reason: str, message: str, domain: str = "youtube") -> Reply:
    return Reply(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": domain, "reason": reason}],
            }
        },
    )


QUOTA_EXCEEDED = google_error(
    403,
    "quotaExceeded",
    "The request cannot be completed because you have exceeded your "
    '<a href="/youtube/v3/getting-started#quota">quota</a>.',
    "youtube.quota",
)
RATE_LIMITED = google_error(429, "rateLimitExceeded", "Too many requests", "usageLimits")
EXPIRED_TOKEN = google_error(
    401, "authError", "Request had invalid authentication credentials.", "global"
)
PERMISSION_DENIED = google_error(
    403,
    "forbidden",
    "The comment could not be updated due to insufficient permissions.",
)
SERVER_ERROR = google_error(500, "backendError", "Backend Error", "global")


@dataclass
class YtComment:
    id: str
    video_id: str
    text: str
    author: str
    author_channel: str
    created: datetime
    parent_id: str = ""
    status: str = "published"

    def as_json(self, channel_id: str) -> dict[str, Any]:
        snippet: dict[str, Any] = {
            "channelId": channel_id,
            "videoId": self.video_id,
            "textDisplay": self.text,
            "textOriginal": self.text,
            "authorDisplayName": self.author,
            "authorChannelId": {"value": self.author_channel},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 0,
            "moderationStatus": self.status,
            "publishedAt": yt_time(self.created),
            "updatedAt": yt_time(self.created),
        }
        if self.parent_id:
            snippet["parentId"] = self.parent_id
        return {"kind": "youtube#comment", "etag": f"e{self.id}", "id": self.id, "snippet": snippet}


class FakeYouTube(FakeServer):
    def __init__(self, *, channel_id: str = "UCcouncil", token: str = "ya29.token") -> None:
        super().__init__()
        self.channel_id = channel_id
        self.token = token
        self.page_size = 100
        self.comments: dict[str, YtComment] = {}
        self.moderation_calls: list[tuple[str, str]] = []
        self._serial = 0

    def comment(
        self,
        video_id: str,
        text: str,
        *,
        author: str = "A Resident",
        author_channel: str = "UCresident",
        parent: str = "",
        created: datetime | None = None,
    ) -> str:
        """Someone comments on a video (or replies to `parent`); returns the comment id."""
        with self.lock:
            self._serial += 1
            comment_id = f"Ugw{self._serial:06d}" + (f".{parent}" if parent else "")
            self.comments[comment_id] = YtComment(
                comment_id,
                video_id,
                text,
                author,
                author_channel,
                created or self.next_time(),
                parent,
            )
            return comment_id

    def status(self, comment_id: str) -> str:
        with self.lock:
            return self.comments[comment_id].status

    def route(self, request: Request) -> Reply:
        if request.bearer() != self.token:
            return EXPIRED_TOKEN
        q = request.query
        if request.path == "/youtube/v3/commentThreads" and request.method == "GET":
            return self._threads(q)
        if request.path == "/youtube/v3/comments" and request.method == "GET":
            replies = self._replies(q.get("parentId", ""))
            return self._list(
                "youtube#commentListResponse", [r.as_json(self.channel_id) for r in replies], q
            )
        if request.path == "/youtube/v3/comments/setModerationStatus" and request.method == "POST":
            comment = self.comments.get(q.get("id", ""))
            status = q.get("moderationStatus", "")
            self.moderation_calls.append((q.get("id", ""), status))
            if comment is None:
                return google_error(404, "commentNotFound", "The comment could not be found.")
            if status not in ("published", "heldForReview", "likelySpam", "rejected"):
                return google_error(400, "invalidModerationStatus", "Invalid moderation status")
            comment.status = status
            return Reply(204)
        return google_error(404, "notFound", f"no route {request.path}", "global")

    def _replies(self, parent: str) -> list[YtComment]:
        return sorted(
            (
                c
                for c in self.comments.values()
                if c.parent_id == parent and c.status == "published"
            ),
            key=lambda c: c.created,
        )

    def _threads(self, q: dict[str, str]) -> Reply:
        if q.get("allThreadsRelatedToChannelId") != self.channel_id:
            return google_error(400, "invalidParameter", "unknown channel")
        tops = sorted(
            (c for c in self.comments.values() if not c.parent_id and c.status == "published"),
            key=lambda c: c.created,
            reverse=True,
        )
        items = []
        for top in tops:
            replies = self._replies(top.id)
            thread: dict[str, Any] = {
                "kind": "youtube#commentThread",
                "id": top.id,
                "snippet": {
                    "channelId": self.channel_id,
                    "videoId": top.video_id,
                    "topLevelComment": top.as_json(self.channel_id),
                    "canReply": True,
                    "totalReplyCount": len(replies),
                    "isPublic": True,
                },
            }
            if replies and "replies" in q.get("part", ""):
                thread["replies"] = {"comments": [r.as_json(self.channel_id) for r in replies[:5]]}
            items.append(thread)
        return self._list("youtube#commentThreadListResponse", items, q)

    def _list(self, kind: str, items: list[dict[str, Any]], q: dict[str, str]) -> Reply:
        limit = min(int(q.get("maxResults", 20)), self.page_size)
        chunk, end, more = page_slice(items, q.get("pageToken"), limit)
        body: dict[str, Any] = {
            "kind": kind,
            "pageInfo": {"totalResults": len(items), "resultsPerPage": limit},
            "items": chunk,
        }
        if more:
            body["nextPageToken"] = str(end)
        return Reply(200, body)
