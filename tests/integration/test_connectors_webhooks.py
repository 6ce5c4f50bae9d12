"""The Meta webhook receiver, served by uvicorn over real HTTP on 127.0.0.1, with its
inbox on disk and the drain handing deliveries to a sink behind it."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from pydantic import SecretStr

from ingest.asgi_server import BackgroundServer, serving_in_background
from ingest.connector_settings import WebhookSettings
from ingest.webhook_drain import WebhookDrain, wait_until_drained
from ingest.webhook_inbox import WebhookInbox
from ingest.webhooks import MetaWebhooks, webhook_receiver, webhook_server_limits
from moderation.comment import Comment, Platform, Surface
from moderation.platform import PlatformError
from tests.fakes.sinks import StoringSink

pytestmark = pytest.mark.integration

APP_SECRET = "meta-app-secret"
VERIFY_TOKEN = "verify-me-please-0123456789"
PAGE_ID = "1000"
IG_USER = "17841400000"


def settings(**overrides: Any) -> WebhookSettings:
    return WebhookSettings(
        app_secret=SecretStr(APP_SECRET),
        verify_token=SecretStr(VERIFY_TOKEN),
        page_id=PAGE_ID,
        ig_user_id=IG_USER,
        **overrides,
    )


@dataclass
class Running:
    url: str
    sink: Any
    receiver: MetaWebhooks
    drain: WebhookDrain
    server: BackgroundServer

    @property
    def inbox(self) -> WebhookInbox:
        return self.drain.inbox

    def drained(self, timeout_s: float = 30.0) -> None:
        assert wait_until_drained(self.inbox, timeout_s), f"{self.inbox.waiting()} still waiting"


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Running]]:
    """Starts a receiver (server, inbox, drain) with the given sink and settings."""
    started: list[Running] = []

    def _start(sink: Any = None, *, inbox: Path | None = None, **overrides: Any) -> Running:
        lookup = overrides.pop("lookup", None)
        hooks = settings(**overrides)
        sink = sink if sink is not None else StoringSink()
        receiver, drain = webhook_receiver(
            hooks, sink, inbox or tmp_path / "webhook-inbox.db", mention_lookup=lookup
        )
        drain.start()
        context = serving_in_background(receiver.app, webhook_server_limits(hooks))
        server = context.__enter__()
        running = Running(server.url, sink, receiver, drain, server)
        running._context = context  # type: ignore[attr-defined]
        started.append(running)
        return running

    yield _start
    for running in started:
        stop(running)


def stop(running: Running) -> None:
    if not getattr(running, "stopped", False):
        running._context.__exit__(None, None, None)  # type: ignore[attr-defined]
        running.drain.stop()
        running.inbox.close()
        running.stopped = True  # type: ignore[attr-defined]


@pytest.fixture
def receiver(start: Callable[..., Running]) -> Running:
    return start()


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def feed_payload(
    comment_id: str = "5001_6001", message: str = "you are all liars", **entry: Any
) -> dict[str, Any]:
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1714557600,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "from": {"id": "2001", "name": "A Resident"},
                            "post_id": f"{PAGE_ID}_5001",
                            "comment_id": comment_id,
                            "created_time": 1714557600,
                            "item": "comment",
                            "parent_id": f"{PAGE_ID}_5001",
                            "verb": "add",
                            "message": message,
                        },
                    }
                ],
                **entry,
            }
        ],
    }


def feed_comment(comment_id: str = "5001_6001", message: str = "you are all liars") -> bytes:
    return json.dumps(feed_payload(comment_id, message)).encode()


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(
        url + "/webhooks/facebook",
        data=body,
        headers=signed(body) if headers is None else headers,
        timeout=30,
    )


def test_the_subscription_handshake_echoes_the_challenge(receiver):
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    for path in ("/webhooks/facebook", "/webhooks/instagram"):
        answer = requests.get(receiver.url + path, params=params, timeout=5)
        assert answer.status_code == 200 and answer.text == "1158201444"


def test_a_handshake_with_the_wrong_token_is_refused(receiver):
    params = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    answer = requests.get(receiver.url + "/webhooks/facebook", params=params, timeout=5)
    assert answer.status_code == 403


def test_a_page_comment_delivered_twice_produces_one_comment(receiver):
    body = feed_comment()
    for _ in range(2):
        answer = post(receiver.url, body)
        assert answer.status_code == 200 and answer.text == "EVENT_RECEIVED"
        receiver.drained()
    assert len(receiver.sink.accepted) == 1
    comment = receiver.sink.accepted[0]
    assert comment.platform is Platform.FACEBOOK and comment.surface is Surface.OWN_PAGE
    assert comment.comment_id == "5001_6001" and comment.text == "you are all liars"
    assert comment.author_handle == "A Resident" and comment.created_at.tzinfo is not None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        signed(b"a different body"),
        signed(feed_comment(), secret="wrong-secret"),
        {"X-Hub-Signature": "sha1=whatever"},
    ],
    ids=["missing", "zeros", "other-body", "wrong-secret", "sha1-only"],
)
def test_a_delivery_with_a_bad_signature_is_refused_and_produces_nothing(receiver, headers):
    answer = post(receiver.url, feed_comment(), headers)
    assert answer.status_code == 403
    time.sleep(0.2)
    assert receiver.inbox.waiting() == 0
    assert receiver.sink.accepted == [] and receiver.sink.batches == 0


def test_an_instagram_comment_is_delivered(receiver):
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": IG_USER,
                    "time": 1714557600,
                    "changes": [
                        {
                            "field": "comments",
                            "value": {
                                "from": {"id": "178400001", "username": "resident"},
                                "media": {"id": "17900001", "media_product_type": "FEED"},
                                "id": "18000001",
                                "text": "what a waste of money",
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    answer = requests.post(
        receiver.url + "/webhooks/instagram", data=body, headers=signed(body), timeout=5
    )
    assert answer.status_code == 200
    receiver.drained()
    (comment,) = receiver.sink.accepted
    assert comment.platform is Platform.INSTAGRAM and comment.comment_id == "18000001"
    assert comment.post_id == "17900001" and comment.author_handle == "resident"


def test_an_edit_of_the_same_comment_goes_through(receiver):
    for text in ("first words", "edited words"):
        assert post(receiver.url, feed_comment(message=text)).status_code == 200
        receiver.drained()
    assert [c.text for c in receiver.sink.accepted] == ["first words", "edited words"]


def test_changes_that_are_not_comments_are_acknowledged_and_produce_nothing(receiver):
    payload = feed_payload()
    payload["entry"][0]["changes"][0]["value"] = {"item": "reaction", "verb": "add"}
    assert post(receiver.url, json.dumps(payload).encode()).status_code == 200
    assert receiver.inbox.waiting() == 0 and receiver.sink.batches == 0


def _malformed() -> dict[str, tuple[bytes, str]]:
    def with_value(**changes: Any) -> bytes:
        payload = feed_payload()
        payload["entry"][0]["changes"][0]["value"].update(changes)
        return json.dumps(payload).encode()

    def without(field: str) -> bytes:
        payload = feed_payload()
        del payload["entry"][0]["changes"][0]["value"][field]
        return json.dumps(payload).encode()

    return {
        "time 1e20": (
            json.dumps(feed_payload(time=1e20)).encode(),
            "delivery.entry[0]: field 'time'",
        ),
        "time as words": (
            json.dumps(feed_payload(time="soon")).encode(),
            "delivery.entry[0]: field 'time'",
        ),
        "created_time 1e20": (
            with_value(created_time=1e20),
            "value.created_time: Unix time 1e+20 is out of range",
        ),
        "created_time nonsense": (
            with_value(created_time="yesterday-ish"),
            "value.created_time: not a date-time",
        ),
        "no comment_id": (without("comment_id"), "missing field 'comment_id'"),
        "message a number": (with_value(message=12), "field 'message' is 12"),
        "from a string": (with_value(**{"from": "someone"}), "field 'from'"),
        "comment_id an object": (with_value(comment_id={"a": 1}), "field 'comment_id'"),
        "entry not a list": (b'{"object": "page", "entry": {"id": "1"}}', "field 'entry'"),
        "not JSON": (b"{this is not json", "not valid JSON"),
        "a JSON list": (b"[1, 2, 3]", "not a JSON object"),
        "invalid UTF-8": (b'{"object": "page\xff"}', "not UTF-8"),
        "deeply nested": (b"[" * 100_000, "not valid JSON"),
    }


@pytest.mark.parametrize("case", list(_malformed()))
def test_a_malformed_field_is_a_400_naming_it_and_nothing_is_kept(receiver, case, caplog):
    body, reason = _malformed()[case]
    answer = post(receiver.url, body)
    assert answer.status_code == 400, answer.text
    assert reason in answer.text
    assert receiver.inbox.waiting() == 0 and receiver.sink.batches == 0


def test_a_body_over_the_limit_is_refused_with_413(start):
    running = start(max_body_bytes=10_000)
    big = feed_comment(message="x" * 20_000)
    assert post(running.url, big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        for start_at in range(0, len(big), 1000):
            yield big[start_at : start_at + 1000]

    answer = requests.post(
        running.url + "/webhooks/facebook", data=chunks(), headers=signed(big), timeout=10
    )
    assert answer.status_code == 413
    assert running.inbox.waiting() == 0


def _raw_connection(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _read_to_end(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(4096):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_body_that_trickles_in_is_cut_off_with_408(start):
    running = start(read_timeout_seconds=0.5)
    body = feed_comment()
    head = (
        f"POST /webhooks/facebook HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
        f"X-Hub-Signature-256: {signed(body)['X-Hub-Signature-256']}\r\n\r\n"
    ).encode()
    with _raw_connection(running.url) as conn:
        conn.sendall(head + body[:10])
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408")
    # meanwhile, and after, a whole delivery goes straight through
    assert post(running.url, body).status_code == 200


def test_a_client_that_never_finishes_its_headers_is_disconnected(start):
    running = start(read_timeout_seconds=0.5)
    with _raw_connection(running.url) as conn:
        conn.sendall(b"POST /webhooks/facebook HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert conn.recv(4096) == b""  # closed by the server
        assert time.monotonic() - started < 5


def test_neither_a_malformed_request_line_nor_the_handshake_logs_the_verify_token(receiver, caplog):
    caplog.set_level(logging.DEBUG)
    query = f"hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=42"
    lines = [
        f"GET /webhooks/facebook?{query} HTTP/1.1 trailing-junk\r\nHost: x\r\n\r\n",
        f"GET /webhooks/facebook?{query}\r\n\r\n",
        f"GET /webhooks/facebook?{query} HTTP/1.1\r\nHost x\r\n\r\n",
        f"GET /webhooks/facebook?{query}\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
    ]
    for line in lines:
        with _raw_connection(receiver.url) as conn:
            conn.sendall(line.encode())
            assert conn.recv(4096).startswith(b"HTTP/1.1 400")
    with _raw_connection(receiver.url) as conn:  # a real handshake, without a client's log
        request = f"GET /webhooks/facebook?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        conn.sendall((request + "\r\n").encode())
        assert _read_to_end(conn).endswith(b"\r\n\r\n42")
    time.sleep(0.2)
    assert "GET /webhooks/facebook" in caplog.text  # the access log did run
    assert "Invalid HTTP request received" in caplog.text
    assert VERIFY_TOKEN not in caplog.text


def test_an_acknowledged_delivery_waits_in_the_inbox_while_the_pipeline_is_down(start):
    sink = StoringSink(fail_on_batch=1)
    running = start(sink)
    assert post(running.url, feed_comment()).status_code == 200
    time.sleep(1.0)
    assert running.inbox.waiting() == 1 and sink.accepted == []
    sink.fail_on_batch = None
    running.drained()
    assert sink.keys == ["facebook:5001_6001"]


def test_an_acknowledged_delivery_survives_a_restart(start, tmp_path):
    inbox = tmp_path / "restart-inbox.db"
    down = StoringSink(fail_on_batch=1)
    first = start(down, inbox=inbox)
    for n in range(5):
        assert post(first.url, feed_comment(f"5001_{n}")).status_code == 200
    stop(first)
    assert down.accepted == []

    second = start(inbox=inbox)
    second.drained()
    assert sorted(second.sink.keys) == [f"facebook:5001_{n}" for n in range(5)]


@dataclass
class Outcome:
    statuses: list[int]
    refused: int  # 503s that were delivered again


def _deliver_concurrently(
    url: str, bodies: list[bytes], senders: int, *, retry_503: bool = False
) -> Outcome:
    """POST every body from `senders` threads that start together; with `retry_503`, a
    503 is delivered again after its Retry-After (as Meta does)."""
    ready = threading.Barrier(senders)
    share = [bodies[i::senders] for i in range(senders)]

    def send_all(mine: list[bytes]) -> tuple[list[int], int]:
        session = requests.Session()
        statuses, refused = [], 0
        ready.wait()
        for body in mine:
            while True:
                answer = post_with(session, url, body)
                if answer.status_code == 503 and retry_503:
                    refused += 1
                    time.sleep(float(answer.headers.get("Retry-After", "1")))
                    continue
                statuses.append(answer.status_code)
                break
        session.close()
        return statuses, refused

    with ThreadPoolExecutor(senders) as pool:
        results = list(pool.map(send_all, share))
    return Outcome([s for r in results for s in r[0]], sum(r[1] for r in results))


def post_with(session: requests.Session, url: str, body: bytes) -> requests.Response:
    return session.post(url + "/webhooks/facebook", data=body, headers=signed(body), timeout=60)


def test_two_hundred_concurrent_deliveries_are_all_accepted(receiver):
    bodies = [feed_comment(f"9_{n}", f"comment number {n}") for n in range(200)]
    outcome = _deliver_concurrently(receiver.url, bodies, senders=200)
    assert outcome.statuses == [200] * 200
    receiver.drained()
    assert sorted(receiver.sink.keys) == sorted(f"facebook:9_{n}" for n in range(200))


def test_a_burst_of_two_thousand_deliveries_loses_nothing(receiver):
    bodies = [feed_comment(f"7_{n}", f"burst comment {n}") for n in range(2000)]
    started = time.monotonic()
    outcome = _deliver_concurrently(receiver.url, bodies, senders=100)
    assert outcome.statuses == [200] * 2000
    receiver.drained(timeout_s=60)
    assert time.monotonic() - started < 120
    assert len(receiver.sink.keys) == 2000
    assert set(receiver.sink.keys) == {f"facebook:7_{n}" for n in range(2000)}


class SlowSink(StoringSink):
    """A pipeline that takes `delay_s` per batch, like a busy classifier."""

    def __init__(self, delay_s: float) -> None:
        super().__init__()
        self.delay_s = delay_s

    def send(self, comments: list[Comment]) -> None:
        time.sleep(self.delay_s)
        super().send(comments)


def test_when_the_inbox_is_full_senders_are_told_to_retry_and_nothing_is_lost(start):
    sink = SlowSink(delay_s=0.05)
    running = start(sink, max_pending=20, retry_after_seconds=1, drain_batch=10)
    bodies = [feed_comment(f"8_{n}", f"pressed comment {n}") for n in range(200)]
    outcome = _deliver_concurrently(running.url, bodies, senders=40, retry_503=True)
    assert outcome.statuses == [200] * 200
    assert outcome.refused > 0, "the inbox never filled: back-pressure was not tested"
    running.drained()
    assert sorted(sink.keys) == sorted(f"facebook:8_{n}" for n in range(200))
    assert len(sink.keys) == 200


class HeldSink(StoringSink):
    """A pipeline that is stuck on any comment longer than 100,000 characters until
    `release` is set, as a classifier reading a 900 KB comment would be."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.holding = threading.Event()

    def send(self, comments: list[Comment]) -> None:
        if any(len(c.text) > 100_000 for c in comments):
            self.holding.set()
            assert self.release.wait(60)
        super().send(comments)


def test_a_900_kb_comment_does_not_hold_up_other_deliveries(start):
    sink = HeldSink()
    running = start(sink, max_body_bytes=2_000_000)
    huge = feed_comment("1_huge", "spam " * 180_000)
    assert len(huge) > 900_000
    started = time.monotonic()
    assert post(running.url, huge).status_code == 200
    assert sink.holding.wait(10)
    bodies = [feed_comment(f"2_{n}", f"ordinary comment {n}") for n in range(50)]
    outcome = _deliver_concurrently(running.url, bodies, senders=25)
    acknowledged_in = time.monotonic() - started
    assert outcome.statuses == [200] * 50
    assert acknowledged_in < 5, f"acknowledging took {acknowledged_in:.1f}s"
    assert running.inbox.waiting() >= 50
    sink.release.set()
    running.drained()
    assert len(sink.keys) == 51


def _mention(comment_id: str) -> bytes:
    return json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": IG_USER,
                    "time": 1714557600,
                    "changes": [
                        {
                            "field": "mentions",
                            "value": {"media_id": "17900009", "comment_id": comment_id},
                        }
                    ],
                }
            ],
        }
    ).encode()


def test_a_mention_is_looked_up_behind_the_answer_and_retried_when_instagram_is_down(start):
    calls: list[str] = []
    outage = {"left": 2}

    def lookup(comment_id: str) -> Comment:
        calls.append(comment_id)
        if outage["left"]:
            outage["left"] -= 1
            raise PlatformError("instagram unavailable (HTTP 503)", transient=True)
        from datetime import UTC, datetime

        return Comment(
            Platform.INSTAGRAM, Surface.MENTION, comment_id, "@council rubbish", datetime.now(UTC)
        )

    running = start(lookup=lookup)
    running.drain._retry_initial_s = 0.05
    body = _mention("18000077")
    answer = requests.post(
        running.url + "/webhooks/instagram", data=body, headers=signed(body), timeout=5
    )
    assert answer.status_code == 200
    running.drained()
    assert calls == ["18000077"] * 3
    assert running.sink.keys == ["instagram:18000077"]


def test_a_mention_instagram_refuses_is_set_aside_with_its_reason(start, caplog):
    def lookup(comment_id: str) -> Comment:
        raise PlatformError("instagram refused: the comment does not exist", transient=False)

    running = start(lookup=lookup)
    body = _mention("18000088")
    requests.post(running.url + "/webhooks/instagram", data=body, headers=signed(body), timeout=5)
    running.drained()
    (aside,) = running.inbox.failed()
    assert aside.platform == "instagram" and aside.size == len(body)
    assert "instagram mention 18000088" in aside.reason and "does not exist" in aside.reason
    assert "set aside" in caplog.text
