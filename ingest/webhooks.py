"""The Meta webhook receiver: Page `feed`, Instagram `comments` and `mentions`.

A small WSGI app serving `/webhooks/facebook` and `/webhooks/instagram`:

- GET is Meta's subscription handshake: `hub.mode=subscribe` and a `hub.verify_token`
  equal to ours (compared in constant time) echo `hub.challenge`; anything else is 403.
- POST must carry `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app
  secret>`, compared with `hmac.compare_digest`; otherwise 403 and nothing is produced.
  A signed delivery is parsed into `Comment`s and handed to the sink; we answer 200 only
  after the sink accepted them, so if it fails Meta delivers again (500).

Meta delivers at least once, so a delivery may come twice. Stores are idempotent by
comment key, and the receiver also keeps a bounded set of recently delivered
(comment key, text) pairs so a repeat produces nothing; an edit (same id, new text) does
go through. The verify token and app secret are never logged (request lines are logged
without their query string).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ingest.connector_settings import WebhookSettings
from ingest.facebook import graph_time
from ingest.failures import PlatformError
from ingest.instagram import comment_from_instagram
from ingest.sink import CommentSink
from moderation.comment import Comment, Platform, Surface

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
MentionLookup = Callable[[str], Comment]


class RecentDeliveries:
    """A bounded, thread-safe memory of what was delivered lately (oldest forgotten first)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    def unseen(self, comments: Iterable[Comment]) -> list[Comment]:
        with self._lock:
            fresh: dict[tuple[str, str], Comment] = {}
            for c in comments:
                mark = (c.key, c.text)
                if mark not in self._seen:
                    fresh[mark] = c
            return list(fresh.values())

    def remember(self, comments: Iterable[Comment]) -> None:
        with self._lock:
            for c in comments:
                self._seen[(c.key, c.text)] = None
                self._seen.move_to_end((c.key, c.text))
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)


class MetaWebhooks:
    """The WSGI application. `mention_lookup` fetches an Instagram comment that mentions
    the account (mention deliveries carry only ids); without it mentions are skipped."""

    def __init__(
        self,
        settings: WebhookSettings,
        sink: CommentSink,
        *,
        mention_lookup: MentionLookup | None = None,
    ) -> None:
        self._settings = settings
        self._sink = sink
        self._mention_lookup = mention_lookup
        self._recent = RecentDeliveries(settings.recent_ids)
        self._sending = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path not in ("/webhooks/facebook", "/webhooks/instagram"):
            return _answer(start_response, "404 Not Found", b"not found")
        if method == "GET":
            return self._handshake(environ, start_response)
        if method == "POST":
            return self._delivery(path.rsplit("/", 1)[1], environ, start_response)
        return _answer(start_response, "405 Method Not Allowed", b"")

    def _handshake(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        mode = query.get("hub.mode", [""])[0]
        token = query.get("hub.verify_token", [""])[0].encode()
        challenge = query.get("hub.challenge", [""])[0]
        expected = self._settings.verify_token.get_secret_value().encode()
        if mode == "subscribe" and hmac.compare_digest(token, expected) and challenge:
            return _answer(start_response, "200 OK", challenge.encode())
        log.warning("webhook handshake refused")
        return _answer(start_response, "403 Forbidden", b"forbidden")

    def _delivery(
        self, platform: str, environ: dict[str, Any], start_response: StartResponse
    ) -> list[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > self._settings.max_body_bytes:
            return _answer(start_response, "413 Content Too Large", b"")
        body = environ["wsgi.input"].read(length) if length else b""
        if not self._signed(body, environ.get("HTTP_X_HUB_SIGNATURE_256", "")):
            log.warning("webhook delivery to %s refused: bad or missing signature", platform)
            return _answer(start_response, "403 Forbidden", b"forbidden")
        try:
            payload = json.loads(body)
            comments = self._comments(platform, payload)
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("webhook delivery to %s could not be parsed", platform)
            return _answer(start_response, "400 Bad Request", b"bad payload")
        except PlatformError as exc:
            log.warning("webhook delivery to %s: %s", platform, exc)
            return _answer(start_response, "500 Internal Server Error", b"try again")
        with self._sending:
            fresh = self._recent.unseen(comments)
            if fresh:
                try:
                    self._sink.send(fresh)
                except Exception:
                    log.exception("webhook delivery to %s: the sink refused it", platform)
                    return _answer(start_response, "500 Internal Server Error", b"try again")
                self._recent.remember(fresh)
        log.info("webhook %s: %d comment(s), %d new", platform, len(comments), len(fresh))
        return _answer(start_response, "200 OK", b"EVENT_RECEIVED")

    def _signed(self, body: bytes, header: str) -> bool:
        secret = self._settings.app_secret.get_secret_value().encode()
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(header.encode(), expected.encode())

    def _comments(self, platform: str, payload: dict[str, Any]) -> list[Comment]:
        expected_object = "page" if platform == "facebook" else "instagram"
        if payload.get("object") != expected_object:
            return []
        comments: list[Comment] = []
        for entry in payload.get("entry") or []:
            when = _entry_time(entry.get("time", 0))
            for change in entry.get("changes") or []:
                field, value = change.get("field"), change.get("value") or {}
                if platform == "facebook" and field == "feed":
                    comment = self._page_comment(str(entry.get("id", "")), value, when)
                elif platform == "instagram" and field == "comments":
                    comment = self._instagram_comment(str(entry.get("id", "")), value, when)
                elif platform == "instagram" and field == "mentions":
                    comment = self._instagram_mention(value)
                else:
                    comment = None
                if comment is not None:
                    comments.append(comment)
        return comments

    def _page_comment(self, page_id: str, value: dict[str, Any], when: datetime) -> Comment | None:
        if value.get("item") != "comment" or value.get("verb") not in ("add", "edited"):
            return None
        author = value.get("from") or {}
        if str(author.get("id", "")) == page_id:
            return None
        ours = not self._settings.page_id or page_id == self._settings.page_id
        post_id = str(value.get("post_id", ""))
        parent = str(value.get("parent_id", ""))
        created = value.get("created_time")
        return Comment(
            platform=Platform.FACEBOOK,
            surface=Surface.OWN_PAGE if ours else Surface.MENTION,
            comment_id=str(value["comment_id"]),
            text=str(value.get("message", "")),
            created_at=graph_time(created) if created else when,
            author_handle=str(author.get("name", "")),
            author_id=str(author.get("id", "")),
            post_id=post_id,
            parent_id="" if parent == post_id else parent,
            permalink=str(
                value.get("permalink_url") or value.get("post", {}).get("permalink_url", "")
            ),
            raw=value,
        )

    def _instagram_comment(
        self, ig_user_id: str, value: dict[str, Any], when: datetime
    ) -> Comment | None:
        author = value.get("from") or {}
        if str(author.get("id", "")) == ig_user_id:
            return None
        ours = not self._settings.ig_user_id or ig_user_id == self._settings.ig_user_id
        raw = {**value, "timestamp": value.get("timestamp") or when.isoformat()}
        raw.setdefault("username", author.get("username", ""))
        return comment_from_instagram(
            raw, value.get("media") or {}, surface=Surface.OWN_PAGE if ours else Surface.MENTION
        )

    def _instagram_mention(self, value: dict[str, Any]) -> Comment | None:
        comment_id = str(value.get("comment_id", ""))
        if not comment_id:
            return None
        if self._mention_lookup is None:
            log.info("instagram mention %s skipped: no Instagram client configured", comment_id)
            return None
        return self._mention_lookup(comment_id)


def _entry_time(value: Any) -> datetime:
    """An entry's `time` (Unix seconds); ValueError, as for any malformed field, when it is
    not a time a platform could send (the fuzz suite found 1e20 answered with a 500)."""
    try:
        return datetime.fromtimestamp(int(value or 0), tz=UTC)
    except (OverflowError, OSError):
        raise ValueError(f"entry time {value!r} is out of range") from None


def _answer(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


class _QuietHandler(WSGIRequestHandler):
    """Logs the method and path only: the handshake's query string holds the verify token."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        log.info("%s %s %s", self.command, path, code)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def make_webhook_server(app: MetaWebhooks, host: str, port: int) -> WSGIServer:
    """A threaded HTTP server for `app`; call `serve_forever()` and `shutdown()` on it."""
    return make_server(host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
