"""`houserules bench webhooks`: the webhook receiver under load, from delivery to hidden.

For each number of concurrent senders (20, 100 and 200 by default) a fresh receiver is
started in a process of its own, exactly as `houserules webhook serve` runs it (uvicorn,
the inbox on disk, the drain into the embedded pipeline and a fresh SQLite store), with
one difference: Facebook is a platform in that process's memory, so "hidden" is the
moment the hide call returned, not a round trip to Meta. A warm-up batch is classified
first so that loading the model is not timed.

The senders then deliver N signed Page `feed` comments (the demo council's texts, each
with a fresh id) over keep-alive HTTP/1.1 connections on 127.0.0.1, as fast as the
receiver answers. A 503 is delivered again after its Retry-After, as Meta does, and
counted as `refused`; a connection the server drops is counted as `reset` and the
delivery sent again. Reported per level:

- deliveries/s: N over the time from the first delivery sent to the last acknowledged;
- p50/p95 time to acknowledge: from a delivery's first sending to its 200;
- p95 time to hidden: from sending to the hide, over the comments the rules hide;
- p95 time to stored, and `lost`: comments acknowledged but never stored (must be 0).

Without `--rate` all N are sent at once, so the times to hidden include the wait behind
the backlog of classification: the receiver acknowledges far faster than the model
classifies. With `--rate` below the pipeline's speed they show its own delay.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from houserules.bench_pipeline import bench_comments
from houserules.command_output import json_option
from houserules.config import DEMO_REGISTERS_DIR
from houserules.settings import Settings
from houserules.worker_processes import worker_environment
from moderation.comment import Comment

WARM_UP = 16
PAGE_ID = "1000"
BENCH_PORT = "HOUSERULES_BENCH_WEBHOOK_PORT"
IDLE_REOPEN_S = 4.0


def serve_for_bench() -> None:
    """The receiver process: `houserules webhook serve`, with Facebook in memory."""
    from houserules.bootstrap import build_app
    from houserules.settings import load_settings
    from ingest.asgi_server import serve
    from ingest.runner import webhook_inbox_path
    from ingest.webhooks import webhook_receiver, webhook_server_limits
    from moderation.comment import Platform
    from moderation.platform import InMemoryModerator

    settings = load_settings()
    hooks = settings.connectors.webhooks
    assert hooks is not None
    app = build_app(settings, moderators={Platform.FACEBOOK: InMemoryModerator()})
    receiver, drain = webhook_receiver(hooks, app.pipeline(), webhook_inbox_path(settings))
    drain.start()
    try:
        serve(
            receiver.app,
            "127.0.0.1",
            int(os.environ[BENCH_PORT]),
            webhook_server_limits(hooks),
            log_level="warning",
        )
    finally:
        drain.stop()
        drain.inbox.close()
        app.close()


def delivery_body(comment: Comment) -> bytes:
    """A Page `feed` delivery of one comment, as Meta sends it."""
    at = int(comment.created_at.timestamp())
    value = {
        "from": {"id": comment.author_id or "2001", "name": comment.author_handle or "Resident"},
        "post_id": f"{PAGE_ID}_5001",
        "comment_id": comment.comment_id,
        "created_time": at,
        "item": "comment",
        "parent_id": f"{PAGE_ID}_5001",
        "verb": "add",
        "message": comment.text,
    }
    entry = {"id": PAGE_ID, "time": at, "changes": [{"field": "feed", "value": value}]}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


@dataclass
class Sent:
    key: str
    body: bytes
    first_sent: float = 0.0  # wall clock, to compare with the store's times
    sent_mono: float = 0.0
    acked_mono: float = 0.0


def _sent(comment: Comment) -> Sent:
    """A demo comment (from any platform) delivered as a Facebook Page comment."""
    return Sent(f"facebook:{comment.comment_id}", delivery_body(comment))


@dataclass
class Tally:
    refused: int = 0
    reset: int = 0
    other: dict[int, int] = field(default_factory=dict)


class _Sender:
    """One sender: a keep-alive HTTP/1.1 connection, reopened when the server drops it."""

    def __init__(self, port: int, secret: bytes, tally: Tally) -> None:
        self._port = port
        self._secret = secret
        self._tally = tally
        self._conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self._last_used = 0.0

    async def deliver(self, item: Sent) -> None:
        digest = hmac.new(self._secret, item.body, hashlib.sha256).hexdigest()
        request = (
            f"POST /webhooks/facebook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(item.body)}\r\n"
            f"X-Hub-Signature-256: sha256={digest}\r\n\r\n"
        ).encode() + item.body
        item.first_sent, item.sent_mono = time.time(), time.monotonic()
        while True:
            try:
                status, headers = await self._exchange(request)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                self._tally.reset += 1
                await self.close()
                await asyncio.sleep(0.1)
                continue
            if status == 200:
                item.acked_mono = time.monotonic()
                return
            if status == 503:
                self._tally.refused += 1
                await asyncio.sleep(float(headers.get("retry-after", "1")))
                continue
            self._tally.other[status] = self._tally.other.get(status, 0) + 1
            raise click.ClickException(f"the receiver answered {status} to a good delivery")

    async def _exchange(self, request: bytes) -> tuple[int, dict[str, str]]:
        if self._conn is not None and time.monotonic() - self._last_used > IDLE_REOPEN_S:
            await self.close()  # the server closes idle keep-alive connections (after 5 s)
        if self._conn is None:
            self._conn = await asyncio.open_connection("127.0.0.1", self._port)
        reader, writer = self._conn
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        await reader.readexactly(int(headers.get("content-length", "0")))
        self._last_used = time.monotonic()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers

    async def close(self) -> None:
        if self._conn is not None:
            self._conn[1].close()
            self._conn = None


async def _send_all(
    port: int, secret: bytes, items: list[Sent], senders: int, rate: float | None = None
) -> Tally:
    """Deliver every item from `senders` connections at once; with `rate`, the i-th
    delivery is not sent before i/rate seconds from the start."""
    tally = Tally()
    work: asyncio.Queue[tuple[int, Sent]] = asyncio.Queue()
    for slot, item in enumerate(items):
        work.put_nowait((slot, item))
    start = time.monotonic()

    async def run_sender() -> None:
        sender = _Sender(port, secret, tally)
        try:
            while not work.empty():
                slot, item = work.get_nowait()
                if rate:
                    await asyncio.sleep(max(0.0, start + slot / rate - time.monotonic()))
                await sender.deliver(item)
        finally:
            await sender.close()

    await asyncio.gather(*(run_sender() for _ in range(senders)))
    return tally


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


class _Receiver:
    """The receiver process of one level, with its own data folder."""

    def __init__(self, settings: Settings, secret: str, log: Path) -> None:
        self.port = _free_port()
        env = worker_environment(settings)
        env.update(
            {
                "HOUSERULES_TRANSPORT": "embedded",
                "HOUSERULES_CONNECTORS__WEBHOOKS__APP_SECRET": secret,
                "HOUSERULES_CONNECTORS__WEBHOOKS__VERIFY_TOKEN": secrets.token_hex(16),
                "HOUSERULES_CONNECTORS__WEBHOOKS__PAGE_ID": PAGE_ID,
                BENCH_PORT: str(self.port),
            }
        )
        for name in list(env):  # the bench's platform is in memory: no real connector
            if name.startswith("HOUSERULES_CONNECTORS__") and "__WEBHOOKS__" not in name:
                del env[name]
        self.log = log
        self._out = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from {__name__} import serve_for_bench; serve_for_bench()"],
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def wait_listening(self, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise click.ClickException(f"the receiver exited:\n{self.tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise click.ClickException(
                        f"the receiver did not start:\n{self.tail()}"
                    ) from None
                time.sleep(0.2)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()


def _wait_stored(store: Any, keys: list[str], receiver: _Receiver, timeout_s: float) -> set[str]:
    remaining = set(keys)
    deadline = time.monotonic() + timeout_s
    while remaining and time.monotonic() < deadline:
        remaining -= set(store.seen(sorted(remaining)))
        if receiver.process.poll() is not None:
            raise click.ClickException(f"the receiver exited:\n{receiver.tail()}")
        if remaining:
            time.sleep(0.25)
    return remaining


def run_level(
    base: Settings, senders: int, n: int, timeout_s: float, rate: float | None = None
) -> dict[str, Any]:
    """One level: a fresh receiver and store, N deliveries from `senders` at once."""
    from houserules.bootstrap import open_store
    from store.base import AuditFilter

    run_dir = Path(tempfile.mkdtemp(prefix="houserules-bench-webhooks-"))
    settings = base.model_copy(update={"data_dir": run_dir, "store": "sqlite"})
    secret = secrets.token_hex(16)
    receiver = _Receiver(settings, secret, run_dir / "receiver.log")
    store = None
    try:
        receiver.wait_listening()
        run_id = f"wh{senders}-{uuid.uuid4().hex[:6]}"
        now = datetime.now(UTC)
        warm = [_sent(c) for c in bench_comments(WARM_UP, run_id + "w", now)]
        asyncio.run(_send_all(receiver.port, secret.encode(), warm, min(senders, WARM_UP)))
        store = open_store(settings)
        if _wait_stored(store, [w.key for w in warm], receiver, 120):
            raise click.ClickException(f"the warm-up was not stored:\n{receiver.tail()}")

        comments = bench_comments(n, run_id, now)
        items = [_sent(c) for c in comments]
        started = time.monotonic()
        tally = asyncio.run(_send_all(receiver.port, secret.encode(), items, senders, rate))
        acked = max(i.acked_mono for i in items)
        keys = [i.key for i in items]
        lost = _wait_stored(store, keys, receiver, timeout_s)
        sent_at = {i.key: i.first_sent for i in items}
        stored_ms = []
        for key in keys:
            found = store.get(key)
            if found is not None:
                stored_ms.append((found.indexed_at.timestamp() - sent_at[key]) * 1000)
        hidden, _ = store.audit_page(AuditFilter(event="hidden"), limit=n + WARM_UP)
        hidden_ms = [
            (e.at.timestamp() - sent_at[e.comment_key]) * 1000
            for e in hidden
            if e.comment_key in sent_at
        ]
        ack_ms = [(i.acked_mono - i.sent_mono) * 1000 for i in items]
        return {
            "senders": senders,
            "n": n,
            "rate": rate,
            "deliveries_per_s": round(n / (acked - started), 1),
            "ack_p50_ms": _percentile(ack_ms, 50),
            "ack_p95_ms": _percentile(ack_ms, 95),
            "hidden": len(hidden_ms),
            "hidden_p95_ms": _percentile(hidden_ms, 95),
            "stored_p95_ms": _percentile(stored_ms, 95),
            "refused": tally.refused,
            "reset": tally.reset,
            "lost": len(lost),
        }
    finally:
        if store is not None:
            store.close()
        receiver.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def _levels(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"expected numbers separated by commas, got {text!r}") from None
    if not levels or min(levels) < 1:
        raise click.BadParameter("each level must be at least 1 sender")
    return levels


@click.command(name="webhooks")
@click.option(
    "--senders",
    default="20,100,200",
    show_default=True,
    help="Concurrent senders, one level after another (comma-separated).",
)
@click.option(
    "--n", "n", type=int, default=1000, show_default=True, help="Deliveries at each level."
)
@click.option(
    "--rate",
    type=float,
    default=None,
    help="Send at most this many deliveries per second in all (default: as fast as answered).",
)
@click.option("--no-model", is_flag=True, help="Rules only, without the text model.")
@click.option(
    "--timeout",
    "timeout_s",
    type=float,
    default=900.0,
    show_default=True,
    help="Seconds to wait, at each level, for every delivery to be stored.",
)
@json_option("the measurements")
@click.pass_obj
def bench_webhooks(
    obj: Any,
    senders: str,
    n: int,
    rate: float | None,
    no_model: bool,
    timeout_s: float,
    as_json: bool,
) -> None:
    """Deliveries per second, p95 time to acknowledge and p95 time to hidden through the
    webhook receiver, at each number of concurrent senders, with nothing lost."""
    if n < 1:
        raise click.BadParameter("--n must be at least 1")
    if rate is not None and rate <= 0:
        raise click.BadParameter("--rate must be above 0")
    levels = _levels(senders)
    base: Settings = obj.settings()
    base = base.model_copy(
        update={
            "model": "none" if no_model else base.model,
            "registers_dir": base.registers_dir or DEMO_REGISTERS_DIR,
        }
    )
    results = [run_level(base, level, n, timeout_s, rate) for level in levels]
    if as_json:
        click.echo(json.dumps({"model": base.model, "levels": results}))
    else:
        click.echo(
            f"{'senders':>7} {'n':>6} {'deliv/s':>8} {'ack p50':>8} {'ack p95':>8} "
            f"{'hidden p95':>11} {'stored p95':>11} {'refused':>8} {'reset':>6} {'lost':>5}"
        )
        for r in results:
            click.echo(
                f"{r['senders']:>7} {r['n']:>6} {r['deliveries_per_s']:>8} "
                f"{r['ack_p50_ms']:>6}ms {r['ack_p95_ms']:>6}ms {r['hidden_p95_ms']:>9}ms "
                f"{r['stored_p95_ms']:>9}ms {r['refused']:>8} {r['reset']:>6} {r['lost']:>5}"
            )
    if any(r["lost"] for r in results):
        raise click.ClickException("deliveries were acknowledged but never stored")
