"""Faults in scale-out mode, with the real local Kafka broker and real worker processes:
the broker stopped for 30 s while workers run, the platform's hide call failing
mid-stream, a worker's crash exit, and SQLite busy while the review app writes.

In each, nothing acknowledged is lost, nothing is processed twice, and nothing that should
be hidden is left visible without a person being told.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import logging
import re
import shutil
import sqlite3
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import requests
from pydantic import SecretStr
from starlette.testclient import TestClient

from houserules.bench_pipeline import bench_comments
from houserules.bench_webhooks import delivery_body
from houserules.bootstrap import build_app
from houserules.config import DEMO_REGISTERS_DIR
from houserules.review_app_commands import build_review_app
from houserules.services import (
    KafkaBroker,
    LocalServices,
    ServiceError,
    settings_on_free_ports,
)
from houserules.settings import KafkaSettings, Settings
from houserules.worker_processes import WorkerProcess, worker_environment
from ingest.asgi_server import serving_in_background
from ingest.connector_settings import FacebookSettings, PollingSettings, WebhookSettings
from ingest.cursor import SqliteCursorStore
from ingest.facebook import FacebookConnector
from ingest.kafka_producer import KafkaCommentProducer
from ingest.webhook_drain import wait_until_drained
from ingest.webhooks import webhook_receiver, webhook_server_limits
from moderation.review import PlatformState, ReviewStatus
from moderation.verdict import Route
from review_app.accounts import Role
from store.base import Store
from stream.topics import ensure_topics
from tests.fakes import facebook_graph as fb
from tests.fakes.facebook_graph import FakeGraph


def _settings(bootstrap: str, tmp_path: Path, **overrides: Any) -> Settings:
    prefix = f"f{uuid.uuid4().hex[:8]}"
    return Settings(
        data_dir=tmp_path / "data",
        model="none",
        registers_dir=DEMO_REGISTERS_DIR,
        kafka=KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix),
        **overrides,
    )


def _wait_until(
    what: str,
    done: Callable[[], bool],
    workers: Sequence[WorkerProcess],
    timeout_s: float,
) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        for w in workers:
            if not w.alive:
                pytest.fail(f"a worker exited ({w.process.returncode}):\n{w.log_tail()}")
        if time.monotonic() > deadline:
            tails = "\n---\n".join(w.log_tail() for w in workers)
            pytest.fail(f"timed out waiting for {what}; worker logs:\n{tails}")
        time.sleep(0.3)


def _all_indexed(store: Store, keys: list[str]) -> Callable[[], bool]:
    return lambda: len(store.seen(keys)) == len(keys)


def _times_classified(settings: Settings) -> Counter[str]:
    db = sqlite3.connect(settings.sqlite_path)
    try:
        rows = db.execute("SELECT comment_key FROM audit WHERE event = 'classified'").fetchall()
    finally:
        db.close()
    return Counter(key for (key,) in rows)


@pytest.fixture()
def workers() -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for w in started:
        w.stop()


# --- the broker stopped for 30 s ------------------------------------------------------


@pytest.fixture(scope="module")
def own_kafka() -> Iterator[KafkaBroker]:
    """A broker of this module's own: stopping it must not disturb other tests' broker."""
    run_dir = Path(tempfile.mkdtemp(prefix="houserules-outage-"))
    run_dir.chmod(0o755)
    services = LocalServices(settings_on_free_ports(run_dir), lambda m: print(f"[outage] {m}"))
    try:
        services.up(("kafka",))
    except ServiceError as error:
        pytest.fail(f"could not start the local kafka server: {error}", pytrace=False)
    try:
        yield services.kafka
    finally:
        services.down()
        shutil.rmtree(run_dir, ignore_errors=True)


APP_SECRET = "outage-app-secret"


def _signed_post(url: str, body: bytes) -> requests.Response:
    digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return requests.post(
        url + "/webhooks/facebook",
        data=body,
        headers={"X-Hub-Signature-256": f"sha256={digest}"},
        timeout=10,
    )


@pytest.fixture()
def stray_kafka_sockets() -> Iterator[None]:
    """kafka-python (3.x, `kafka/net/inet.py`) leaves a socket unclosed for each connection
    attempt that fails while the broker is down. They are the library's, not ours: collect
    them as this test ends, where its warning filter applies, not in a later test. Its
    log records would keep them alive (through their tracebacks) until the session ends,
    so the library's own logging is quietened for this test."""
    kafka_log = logging.getLogger("kafka")
    level = kafka_log.level
    kafka_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        kafka_log.setLevel(level)
        gc.collect()


@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
def test_the_broker_down_for_thirty_seconds_loses_nothing_and_workers_recover(
    own_kafka: KafkaBroker,
    tmp_path: Path,
    workers: list[WorkerProcess],
    stray_kafka_sockets: None,
) -> None:
    kafka = own_kafka
    settings = _settings(kafka.bootstrap_servers, tmp_path)
    ensure_topics(settings.kafka)
    app = build_app(settings, model=None)
    before = bench_comments(200, "before")
    during = bench_comments(200, "during")
    hooked = bench_comments(100, "webhook")  # delivered as Facebook Page comments
    hooked_keys = [f"facebook:{c.comment_id}" for c in hooked]
    keys = [c.key for c in before + during] + hooked_keys

    workers.append(WorkerProcess(settings, tmp_path / "worker.log", loglevel="warn"))
    hooks = WebhookSettings(app_secret=SecretStr(APP_SECRET), verify_token=SecretStr("v" * 20))
    webhook_sink = KafkaCommentProducer(settings.kafka)
    receiver, drain = webhook_receiver(hooks, webhook_sink, tmp_path / "inbox.db")
    drain.start()
    producing: list[BaseException] = []
    with (
        serving_in_background(receiver.app, webhook_server_limits(hooks)) as server,
        KafkaCommentProducer(settings.kafka, max_wait_s=60) as producer,
    ):
        producer.send(before)
        _wait_until("some indexed", lambda: app.store.count() >= 40, workers, 240)

        kafka.stop()
        stopped_at = time.monotonic()

        def produce_during() -> None:  # blocks, retrying, until the broker is back
            try:
                with KafkaCommentProducer(settings.kafka) as late:
                    late.send(during)
            except BaseException as exc:
                producing.append(exc)

        thread = threading.Thread(target=produce_during, daemon=True)
        thread.start()
        acknowledged = []
        for comment in hooked:  # Meta keeps delivering; the inbox keeps them on disk
            started = time.monotonic()
            answer = _signed_post(server.url, delivery_body(comment))
            acknowledged.append((answer.status_code, time.monotonic() - started))
        assert [s for s, _ in acknowledged] == [200] * len(hooked)
        assert max(t for _, t in acknowledged) < 2.0
        assert drain.inbox.waiting() > 0, "the drain cannot have reached Kafka"

        time.sleep(max(0.0, 30 - (time.monotonic() - stopped_at)))
        assert all(w.alive for w in workers), workers[0].log_tail()
        assert app.store.count() < len(keys)
        kafka.start()
        kafka.wait_healthy()

        thread.join(240)
        assert not thread.is_alive() and not producing, producing
        _wait_until("all indexed after the outage", _all_indexed(app.store, keys), workers, 300)
        assert wait_until_drained(drain.inbox, 60)
    drain.stop()
    drain.inbox.close()
    webhook_sink.close()

    assert all(w.alive for w in workers), "the worker did not ride out the outage"
    assert app.store.count() == len(keys)
    classified = _times_classified(settings)
    assert set(classified) == set(keys)
    assert max(classified.values()) == 1, "a comment was processed twice"
    app.close()


# --- the platform's hide call failing mid-stream ----------------------------------------

PHONE = "Ring me on 07700 900{n:03d} about the missed bins"
FINE = "Lovely new library on the high street, well done {n}"


def test_a_hide_failing_mid_stream_is_retried_then_queued_urgently_never_left_quiet(
    kafka: KafkaBroker,
    tmp_path: Path,
    workers: list[WorkerProcess],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeGraph(token="page-token") as graph:
        facebook = FacebookSettings(
            page_id=graph.page_id,
            page_access_token=SecretStr("page-token"),
            graph_url=graph.url,
            polling=PollingSettings(
                retry_attempts=2, retry_initial_seconds=0.05, retry_max_seconds=0.2
            ),
        )
        for name, value in {
            "PAGE_ID": graph.page_id,
            "PAGE_ACCESS_TOKEN": "page-token",
            "GRAPH_URL": graph.url,
            "POLLING__RETRY_ATTEMPTS": "2",
            "POLLING__RETRY_INITIAL_SECONDS": "0.05",
            "POLLING__RETRY_MAX_SECONDS": "0.2",
        }.items():
            monkeypatch.setenv(f"HOUSERULES_CONNECTORS__FACEBOOK__{name}", value)
        settings = _settings(kafka.bootstrap_servers, tmp_path)
        ensure_topics(settings.kafka)
        app = build_app(settings, model=None, moderators={})
        post = graph.add_post("Bin collections change next week")
        abusive: list[str] = []

        def post_round(start: int) -> None:
            for n in range(start, start + 10):
                abusive.append(graph.post_comment(post, PHONE.format(n=n)))
                graph.post_comment(post, FINE.format(n=n))

        workers.append(WorkerProcess(settings, tmp_path / "worker.log", loglevel="warn"))
        with KafkaCommentProducer(settings.kafka, max_wait_s=60) as producer:
            connector = FacebookConnector(facebook, producer, SqliteCursorStore(tmp_path / "c.db"))
            post_round(0)
            connector.poll_once()
            first = [f"facebook:{c}" for c in abusive]
            _wait_until("round one indexed", _all_indexed(app.store, first), workers, 240)
            assert all(graph.is_hidden(c) for c in abusive)

            # Mid-stream, Facebook starts failing: 8 hide calls in a row answer 500.
            graph.fail_next(fb.SERVER_ERROR, times=8, method="POST")
            post_round(10)
            connector.poll_once()
            keys = [f"facebook:{c}" for c in abusive]
            _wait_until("round two indexed", _all_indexed(app.store, keys), workers, 240)

        failed, retried = [], []
        for comment_id in abusive:
            key = f"facebook:{comment_id}"
            stored = app.store.get(key)
            assert stored is not None
            if graph.is_hidden(comment_id):
                assert stored.platform_state is PlatformState.HIDDEN
                if len(graph.calls("POST", f"/{comment_id}")) > 1:
                    retried.append(key)
                continue
            # Not hidden: a person must be told, urgently, in the review queue.
            assert stored.platform_state is PlatformState.HIDE_FAILED, key
            (row,) = app.store.items_for(key)
            assert row.item.status is ReviewStatus.OPEN and row.item.urgent
            assert "hide FAILED on the platform: hide by hand" in row.item.reason
            (event,) = [e for e in app.store.audit(key) if e.event == "hide_failed"]
            assert event.detail.startswith("after 3 attempt(s)")
            failed.append(key)
        assert failed, "no hide failed for good: the outage was not tested"
        assert retried, "no hide succeeded after a retry: retrying was not tested"
        app.close()


# --- a worker's crash exit --------------------------------------------------------------

CRASH_MARKER = "CRASH-THE-WORKER"


class _StoreThatBreaksOnce:
    """The real store, except that looking up a comment carrying CRASH_MARKER raises an
    error no step expects, once (while `armed` exists): a bug, as the steps see it."""

    def __init__(self, real: Any, armed: Path) -> None:
        self._real = real
        self._armed = armed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def seen(self, keys: Sequence[str]) -> dict[str, str]:
        if any(CRASH_MARKER in k for k in keys) and self._armed.exists():
            self._armed.unlink()
            raise RuntimeError("a bug the worker's steps do not expect")
        result: dict[str, str] = self._real.seen(keys)
        return result


def run_worker_that_crashes_once() -> None:
    import faust

    from houserules.settings import load_settings
    from stream.faust_app import WorkerOptions, create_app

    settings = load_settings()
    app = build_app(settings, model=None)
    app.store = _StoreThatBreaksOnce(app.store, settings.data_dir / "crash-armed")  # type: ignore[assignment]
    faust_app = create_app(settings.kafka, settings.data_dir, app, options=WorkerOptions())
    faust.Worker(faust_app, loglevel="warn").execute_from_commandline()


class _TestWorker(WorkerProcess):
    def __init__(self, settings: Settings, log: Path, entry: Callable[[], None]) -> None:
        import subprocess
        import sys

        self.log = log
        self._out = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from {__name__} import {entry.__name__}; {entry.__name__}()"],
            env=worker_environment(settings),
            stdout=self._out,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[2],
        )


def test_a_worker_that_meets_an_unexpected_error_exits_70_and_its_batch_is_read_again(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    from dataclasses import replace

    from stream.faust_app import CRASH_EXIT_CODE

    settings = _settings(kafka.bootstrap_servers, tmp_path)
    ensure_topics(settings.kafka)
    (settings.data_dir).mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "crash-armed").touch()
    app = build_app(settings, model=None)
    comments = bench_comments(120, "crash")
    comments[60] = replace(comments[60], comment_id=f"{CRASH_MARKER}-60")
    keys = [c.key for c in comments]
    with KafkaCommentProducer(settings.kafka, max_wait_s=60) as producer:
        producer.send(comments)

    crashing = _TestWorker(settings, tmp_path / "worker-1.log", run_worker_that_crashes_once)
    try:
        code = crashing.process.wait(240)
    finally:
        crashing.stop()
    log = (tmp_path / "worker-1.log").read_text(errors="replace")
    assert code == CRASH_EXIT_CODE, log[-3000:]
    assert "classify: unexpected failure: stopping the worker; the batch will be read again" in log
    assert "a bug the worker's steps do not expect" in log
    assert app.store.get(keys[60]) is None
    indexed_at_crash = app.store.count()

    workers.append(_TestWorker(settings, tmp_path / "worker-2.log", run_worker_that_crashes_once))
    _wait_until("all indexed by the next worker", _all_indexed(app.store, keys), workers, 240)
    assert indexed_at_crash < len(keys)
    classified = _times_classified(settings)
    assert set(classified) == set(keys)
    assert max(classified.values()) == 1, "a comment was processed twice"
    app.close()


# --- SQLite busy while the review app writes -------------------------------------------


def _sign_in(client: TestClient, name: str, password: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").text)
    assert token
    answer = client.post(
        "/sign-in", data={"name": name, "password": password, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303
    page = client.get("/queues/review").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _hold_the_write_lock(path: Path, seconds: float, held: threading.Event) -> None:
    """Another writer (a retention run, a backup) holding SQLite's write lock longer than
    a writer waits (5 s): whoever writes meanwhile gets 'database is locked'."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        db.execute("COMMIT")
    finally:
        db.close()


def test_sqlite_busy_while_the_review_app_writes_loses_nothing_and_answers_no_500(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    settings = _settings(kafka.bootstrap_servers, tmp_path, transport="kafka")
    ensure_topics(settings.kafka)
    app = build_app(settings, model=None)
    first = bench_comments(200, "busy-a")
    second = bench_comments(300, "busy-b")
    keys = [c.key for c in first + second]
    workers.append(WorkerProcess(settings, tmp_path / "worker.log", loglevel="warn"))
    with KafkaCommentProducer(settings.kafka, max_wait_s=60) as producer:
        producer.send(first)
        _wait_until(
            "the first comments", _all_indexed(app.store, [c.key for c in first]), workers, 240
        )

        review, deps = build_review_app(settings, alerts=False)
        deps.accounts.add("mo", Role.MODERATOR, "a long enough password")
        client = TestClient(review, base_url="http://testserver", follow_redirects=False)
        csrf = _sign_in(client, "mo", "a long enough password")
        items = [i.item_id for i in app.store.queue(Route.REVIEW, limit=40)]
        assert len(items) >= 25

        statuses: Counter[int] = Counter()
        claimed = 0
        producer.send(second)  # the worker is writing while the lock is taken
        for round_start in (0, 10):
            held = threading.Event()
            locker = threading.Thread(
                target=_hold_the_write_lock, args=(settings.sqlite_path, 7.0, held)
            )
            locker.start()
            assert held.wait(10)
            # The first claim waits 5 s for the lock and is told to retry; those after it
            # may get the lock when it is released at 7 s.
            for item in items[round_start : round_start + 8]:
                answer = client.post(f"/items/{item}/claim", data={"csrf_token": csrf})
                statuses[answer.status_code] += 1
                claimed += answer.status_code == 303
                if answer.status_code == 503:
                    assert answer.headers["Retry-After"] == "5"
                    assert "nothing was changed" in answer.text
            locker.join()
        decided = items[20:25]
        for item in decided:  # decisions go to the worker, which writes them to SQLite
            answer = client.post(
                f"/items/{item}/decide",
                data={"kind": "confirm", "reason": "stays hidden", "csrf_token": csrf},
            )
            assert answer.status_code == 303

        def all_decided() -> bool:
            found = [app.store.item(i) for i in decided]
            return all(i is not None and i.status is not ReviewStatus.OPEN for i in found)

        _wait_until("everything indexed", _all_indexed(app.store, keys), workers, 300)
        _wait_until("the decisions applied", all_decided, workers, 120)
    deps.decisions.close()
    deps.accounts.close()
    deps.store.close()

    assert statuses[500] == 0 and set(statuses) <= {303, 503}, statuses
    assert statuses[503] >= 2, "the review app never met a busy store"
    assert claimed == 16 - statuses[503]
    claims = [e for e in app.store.audit_page(limit=10_000)[0] if e.event == "claimed"]
    assert len(claims) == claimed, "a claim answered 503 was written after all"
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert "database is locked" in log, "the worker never met the busy store"
    assert all(w.alive for w in workers)
    classified = _times_classified(settings)
    assert set(classified) == set(keys) and max(classified.values()) == 1
    app.close()
