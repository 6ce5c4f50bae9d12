"""The Meta webhook receiver: Page `feed`, Instagram `comments` and `mentions`.

A Starlette app (served by uvicorn, see `ingest.asgi_server`) on `/webhooks/facebook` and
`/webhooks/instagram`. It does as little as it safely can before answering, because Meta
waits for the answer and delivers again on an error or a timeout:

- GET is Meta's subscription handshake: `hub.mode=subscribe` and a `hub.verify_token`
  equal to ours (compared in constant time) echo `hub.challenge`; anything else is 403.
- POST: the body is read within `read_timeout_seconds` (408 otherwise) and up to
  `max_body_bytes` (413 beyond). It must carry `X-Hub-Signature-256: sha256=<HMAC-SHA256
  of the raw body with the app secret>`, compared with `hmac.compare_digest` (403
  otherwise, and nothing is kept). It is then read (`ingest.webhook_payloads`): a field
  we cannot use is a 400 naming it, which Meta does not retry. A readable delivery with
  comments in it is stored in the inbox (`ingest.webhook_inbox`) and answered 200 once it
  is on disk; classification happens behind, in the drain (`ingest.webhook_drain`).
- When the inbox holds `max_pending` deliveries, the next is answered 503 with a
  Retry-After, so Meta delivers it again later: back-pressure, never a lost delivery.

The verify token and app secret are never logged; request lines are logged without their
query string (see `ingest.asgi_server`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ingest.asgi_server import ServerLimits
from ingest.connector_settings import WebhookSettings
from ingest.sink import CommentSink
from ingest.webhook_drain import MentionLookup, WebhookDrain
from ingest.webhook_inbox import InboxClosed, InboxFull, WebhookInbox
from ingest.webhook_payloads import Accounts, MalformedDelivery, WebhookPlatform, parse_delivery

log = logging.getLogger(__name__)

PLATFORMS: dict[str, WebhookPlatform] = {"facebook": "facebook", "instagram": "instagram"}


class _TooLarge(Exception):
    pass


def accounts_of(settings: WebhookSettings) -> Accounts:
    return Accounts(page_id=settings.page_id, ig_user_id=settings.ig_user_id)


class MetaWebhooks:
    """The receiver's handlers; `app` is the ASGI application."""

    def __init__(self, settings: WebhookSettings, inbox: WebhookInbox) -> None:
        self._settings = settings
        self._inbox = inbox
        self._accounts = accounts_of(settings)
        self.app = Starlette(
            routes=[
                Route("/webhooks/{platform}", self.handshake, methods=["GET"]),
                Route("/webhooks/{platform}", self.delivery, methods=["POST"]),
                Route("/healthz", self.health, methods=["GET"]),
            ]
        )

    async def handshake(self, request: Request) -> Response:
        if request.path_params["platform"] not in PLATFORMS:
            return _text(404, "not found")
        query = request.query_params
        token = query.get("hub.verify_token", "").encode()
        challenge = query.get("hub.challenge", "")
        expected = self._settings.verify_token.get_secret_value().encode()
        if (
            query.get("hub.mode") == "subscribe"
            and hmac.compare_digest(token, expected)
            and challenge
        ):
            return _text(200, challenge)
        log.warning("webhook handshake refused")
        return _text(403, "forbidden")

    async def delivery(self, request: Request) -> Response:
        platform = PLATFORMS.get(request.path_params["platform"])
        if platform is None:
            return _text(404, "not found")
        declared = request.headers.get("content-length")
        if declared is not None and not declared.isdigit():
            return _text(400, "Content-Length is not a number")
        if declared is not None and int(declared) > self._settings.max_body_bytes:
            return self._too_large(platform)
        try:
            async with asyncio.timeout(self._settings.read_timeout_seconds):
                body = await self._read_body(request)
        except TimeoutError:
            log.warning("webhook delivery to %s: the body did not arrive in time", platform)
            return _text(408, "the request body did not arrive in time")
        except _TooLarge:
            return self._too_large(platform)
        except ClientDisconnect:
            return _text(400, "the client went away")
        if not self._signed(body, request.headers.get("x-hub-signature-256", "")):
            log.warning("webhook delivery to %s refused: bad or missing signature", platform)
            return _text(403, "forbidden")
        try:
            delivery = parse_delivery(platform, body, self._accounts)
        except MalformedDelivery as exc:
            log.warning("webhook delivery to %s refused: %s", platform, exc)
            return _text(400, f"bad payload: {exc}")
        if delivery.empty:
            return _text(200, "EVENT_RECEIVED")
        try:
            self._inbox.reserve()
        except (InboxFull, InboxClosed) as exc:
            log.warning("webhook delivery to %s deferred: %s", platform, exc)
            return _text(
                503,
                "busy: deliver again later",
                {"Retry-After": str(self._settings.retry_after_seconds)},
            )
        try:
            await self._inbox.put(platform, body)
        except Exception as exc:
            log.error("webhook delivery to %s not stored: %s", platform, exc)
            return _text(503, "could not store the delivery: deliver again later")
        return _text(200, "EVENT_RECEIVED")

    async def health(self, request: Request) -> Response:
        return JSONResponse(
            {"waiting": self._inbox.waiting(), "capacity": self._inbox.capacity},
            headers={"Cache-Control": "no-store"},
        )

    async def _read_body(self, request: Request) -> bytes:
        limit = self._settings.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, platform: str) -> Response:
        log.warning("webhook delivery to %s refused: larger than max_body_bytes", platform)
        return _text(413, f"the body is larger than {self._settings.max_body_bytes} bytes")

    def _signed(self, body: bytes, header: str) -> bool:
        secret = self._settings.app_secret.get_secret_value().encode()
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(header.encode(), expected.encode())


def _text(status: int, body: str, headers: dict[str, Any] | None = None) -> Response:
    return PlainTextResponse(body, status_code=status, headers=headers)


def webhook_server_limits(hooks: WebhookSettings) -> ServerLimits:
    return ServerLimits(
        header_timeout_s=hooks.read_timeout_seconds, max_connections=hooks.max_connections
    )


def webhook_receiver(
    hooks: WebhookSettings,
    sink: CommentSink,
    inbox_path: Path,
    *,
    mention_lookup: MentionLookup | None = None,
) -> tuple[MetaWebhooks, WebhookDrain]:
    """The receiver (its `app` to serve) and the drain behind it (to `start()`), sharing
    one inbox; the CLI, the tests and the bench all build them here."""
    inbox = WebhookInbox(inbox_path, hooks.max_pending)
    drain = WebhookDrain(
        inbox,
        sink,
        accounts_of(hooks),
        mention_lookup=mention_lookup,
        batch_size=hooks.drain_batch,
        recent=hooks.recent_ids,
    )
    return MetaWebhooks(hooks, inbox), drain
