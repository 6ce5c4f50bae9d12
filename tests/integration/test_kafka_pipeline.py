"""The scale-out pipeline against a real Kafka broker: Faust workers, SQLite or
Elasticsearch store. Workers run as separate processes through `faust -A
houserules.worker:app worker` (or, where a test needs a faulty classifier, the same app built
by `run_worker_with_faults`). The text model is off (rules only) to keep the two cores
for the broker and the workers.
"""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from houserules.bench_pipeline import bench_comments
from houserules.bootstrap import build_app
from houserules.config import DEMO_REGISTERS_DIR
from houserules.services import ElasticsearchNode, KafkaBroker
from houserules.settings import ElasticsearchSettings, KafkaSettings, Settings
from houserules.worker_processes import WorkerProcess, worker_environment
from ingest.files import read_comments
from ingest.kafka_producer import KafkaCommentProducer
from moderation import wire
from moderation.comment import Comment
from moderation.review import Decision, DecisionKind, ReviewStatus
from moderation.verdict import Route, Verdict
from store.base import Store
from stream.records import Alert, DeadLetterRecord, message_type
from stream.topics import ensure_topics, topic_names
from tests.fakes.scripted_model import ScriptedModel
from tests.integration.topic_reading import read_topic

FAULT_MARKER = "EXPLODE-IN-CLASSIFIER"


def _settings(kafka: KafkaBroker, tmp_path: Path, **overrides: Any) -> Settings:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    es = overrides.pop("elasticsearch", ElasticsearchSettings(index_prefix=prefix))
    return Settings(
        data_dir=tmp_path / "data",
        model="none",
        registers_dir=DEMO_REGISTERS_DIR,
        kafka=KafkaSettings(bootstrap_servers=kafka.bootstrap_servers, topic_prefix=prefix),
        elasticsearch=es,
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
            if not w.alive and w.process.returncode not in (-9,):
                pytest.fail(f"a worker exited ({w.process.returncode}):\n{w.log_tail()}")
        if time.monotonic() > deadline:
            tails = "\n---\n".join(w.log_tail() for w in workers)
            pytest.fail(f"timed out waiting for {what}; worker logs:\n{tails}")
        time.sleep(0.3)


def _all_indexed(store: Store, keys: list[str]) -> Callable[[], bool]:
    def check() -> bool:
        return len(store.seen(keys)) == len(keys)

    return check


def _whereabouts(kafka: KafkaBroker, settings: Settings, missing: set[str]) -> str:
    """Where the comments that never reached the store are: which topics hold them (at
    which partition and offset), and the worker group's committed offsets."""
    from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

    names = topic_names(settings.kafka)
    lines = []
    admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    try:
        group = f"{settings.kafka.topic_prefix}-worker"
        committed = admin.list_group_offsets(group).get(group, {})
    finally:
        admin.close()
    for topic in (names.comments_raw, names.comments_classified):
        consumer = KafkaConsumer(
            bootstrap_servers=kafka.bootstrap_servers,
            enable_auto_commit=False,
            consumer_timeout_ms=2000,
        )
        try:
            parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
            consumer.assign(parts)
            consumer.seek_to_beginning()
            ends = consumer.end_offsets(parts)
            found = [
                (m.key.decode(), m.partition, m.offset)
                for m in consumer
                if m.key is not None and m.key.decode() in missing
            ]
        finally:
            consumer.close()
        for tp in sorted(parts, key=lambda tp: tp.partition):
            at = committed.get(tp)
            lines.append(
                f"{topic}[{tp.partition}]: end {ends[tp]}, committed {at.offset if at else None}"
            )
        lines.extend(f"  missing {key} at {topic}[{p}]@{o}" for key, p, o in sorted(found))
    return "\n".join(lines)


def _sqlite_rows(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(settings.sqlite_path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _times_classified(settings: Settings) -> Counter[str]:
    """How many times each comment was classified and stored, by the audit log."""
    rows = _sqlite_rows(settings, "SELECT comment_key FROM audit WHERE event = 'classified'")
    return Counter(key for (key,) in rows)


def _expected_queues(store: Store, keys: list[str]) -> set[tuple[str, str]]:
    expected = set()
    for key in keys:
        stored = store.get(key)
        assert stored is not None
        for route in stored.classified.verdict.routes:
            expected.add((route.value, key))
    return expected


@pytest.fixture()
def workers() -> Any:
    started: list[WorkerProcess] = []
    yield started
    for w in started:
        w.stop()


def test_two_thousand_comments_are_each_classified_and_indexed_exactly_once(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    settings = _settings(kafka, tmp_path)
    ensure_topics(settings.kafka)
    comments = bench_comments(2000, "two-thousand")
    with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
        producer.send(comments)
    workers.append(WorkerProcess(settings, tmp_path / "worker.log"))
    app = build_app(settings, model=None)
    keys = [c.key for c in comments]
    _wait_until("2,000 comments indexed", _all_indexed(app.store, keys), workers, 240)

    assert app.store.count() == 2000
    classified = _times_classified(settings)
    assert set(classified) == set(keys)
    assert max(classified.values()) == 1, "a comment was processed twice"
    queued = set(_sqlite_rows(settings, "SELECT queue, comment_key FROM queue_items"))
    assert queued == _expected_queues(app.store, keys)
    app.close()


def test_after_a_worker_is_killed_mid_stream_every_comment_is_indexed_exactly_once(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    settings = _settings(kafka, tmp_path)
    assert settings.kafka.partitions == 4
    ensure_topics(settings.kafka)
    workers.extend(
        WorkerProcess(settings, tmp_path / f"worker-{i}.log", loglevel="info") for i in range(2)
    )
    app = build_app(settings, model=None)
    warm = bench_comments(8, "warm-up")
    with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
        producer.send(warm)
        _wait_until("warm-up", _all_indexed(app.store, [c.key for c in warm]), workers, 240)
        comments = bench_comments(2000, "killed")
        producer.send(comments)
    keys = [c.key for c in comments]
    _wait_until("a quarter indexed", lambda: app.store.count() >= 500, workers, 120)
    workers[0].kill()
    indexed_when_killed = app.store.count()
    try:
        _wait_until("all indexed after the rebalance", _all_indexed(app.store, keys), workers, 300)
    except pytest.fail.Exception:
        missing = set(keys) - set(app.store.seen(keys))
        print(_whereabouts(kafka, settings, missing))
        raise

    assert indexed_when_killed < 2008, "the kill came too late to test anything"
    assert app.store.count() == 2008
    classified = _times_classified(settings)
    assert set(keys) <= set(classified)
    assert max(classified.values()) == 1, "a comment was processed twice"
    queued = set(_sqlite_rows(settings, "SELECT queue, comment_key FROM queue_items"))
    assert queued == _expected_queues(app.store, keys + [c.key for c in warm])
    app.close()


class _FaultyClassifier:
    """The real classifier, except that a comment carrying FAULT_MARKER makes it raise."""

    def __init__(self, real: Any) -> None:
        self.real = real

    @property
    def version(self) -> str:
        return str(self.real.version)

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        for c in comments:
            if FAULT_MARKER in c.text:
                raise RuntimeError(f"the classifier cannot cope with {c.key}")
        return list(self.real.classify(comments))


# The alerts are under test, not the model: the bins complaint is always a service complaint.
COMPLAINTS_MODEL = ScriptedModel({"have not been collected": {"service_complaint": 0.95}})


def run_worker_with_faults() -> None:
    """A worker process whose classifier raises on FAULT_MARKER, with low alert
    thresholds (spikes at 3 complaints, repeated abuse at 2 comments)."""
    import faust

    from houserules.settings import load_settings
    from stream.faust_app import WorkerOptions, create_app
    from stream.spikes import PatternSettings

    settings = load_settings()
    app = build_app(settings, model=COMPLAINTS_MODEL)
    app.classifier = _FaultyClassifier(app.classifier)  # type: ignore[assignment]
    patterns = PatternSettings(spike_threshold=3, abuse_threshold=2)
    faust_app = create_app(
        settings.kafka, settings.data_dir, app, patterns=patterns, options=WorkerOptions()
    )
    faust.Worker(faust_app, loglevel="warn").execute_from_commandline()


class _TestWorker(WorkerProcess):
    """A worker process started from one of this module's `run_worker_*` functions."""

    def __init__(self, settings: Settings, log: Path, entry: Callable[[], None]) -> None:
        self.log = log
        self._out = log.open("ab")
        code = f"from {__name__} import {entry.__name__}; {entry.__name__}()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            env=worker_environment(settings),
            stdout=self._out,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[2],
        )


def run_worker_that_loses_records_in_transit() -> None:
    """A worker whose consumer drops offsets 20-29 of one comments.raw partition the first
    time it reads them, as faust-streaming can across a rebalance (issues #216, #221)."""
    import faust

    from houserules.settings import load_settings
    from stream.faust_app import WorkerOptions, create_app

    settings = load_settings()
    app = build_app(settings, model=None)
    faust_app = create_app(
        settings.kafka, settings.data_dir, app, options=WorkerOptions(reread_check_s=2.0)
    )
    ledger_consumer = faust_app.transport.Consumer
    dropped: set[tuple[Any, int]] = set()

    class LosingConsumer(ledger_consumer):  # type: ignore[misc, valid-type]
        async def getmany(self, timeout: float) -> Any:
            async for tp, message in super().getmany(timeout):
                lose = tp.topic.endswith("comments.raw") and 20 <= message.offset < 30
                first_partition = not dropped or tp == next(iter(dropped))[0]
                if lose and first_partition and (tp, message.offset) not in dropped:
                    dropped.add((tp, message.offset))
                    continue
                yield tp, message

    faust_app.transport.Consumer = LosingConsumer
    faust.Worker(faust_app, loglevel="warn").execute_from_commandline()


def test_offsets_lost_in_transit_are_read_again_and_every_comment_is_indexed_once(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    settings = _settings(kafka, tmp_path)
    ensure_topics(settings.kafka)
    comments = bench_comments(300, "in-transit")
    with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
        producer.send(comments)
    workers.append(
        _TestWorker(settings, tmp_path / "worker.log", run_worker_that_loses_records_in_transit)
    )
    app = build_app(settings, model=None)
    keys = [c.key for c in comments]
    _wait_until(
        "all indexed, the lost ones read again", _all_indexed(app.store, keys), workers, 180
    )

    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert "offset 20 was skipped while later ones were processed" in log
    classified = _times_classified(settings)
    assert set(classified) == set(keys)
    assert max(classified.values()) == 1, "a comment was processed twice"
    app.close()


def test_poison_messages_go_to_deadletter_with_reasons_and_the_stream_moves_on(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    from kafka import KafkaProducer

    settings = _settings(kafka, tmp_path)
    ensure_topics(settings.kafka)
    names = topic_names(settings.kafka)
    now = datetime.now(UTC)
    demo = read_comments(DEMO_REGISTERS_DIR / "comments.jsonl").comments
    before = bench_comments(10, "before", now)
    after = bench_comments(10, "after", now)
    failing = dataclasses.replace(demo[1], comment_id="fails", text=f"{FAULT_MARKER} hello")
    raw = KafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    raw.send(names.comments_raw, key=b"facebook:garbled", value=b"{not json at all")
    raw.flush()
    raw.close()
    with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
        producer.send(before)
        producer.send([failing])
        producer.send(after)
    workers.append(_TestWorker(settings, tmp_path / "worker.log", run_worker_with_faults))
    app = build_app(settings, model=None)
    keys = [c.key for c in before + after]
    _wait_until("the good comments indexed", _all_indexed(app.store, keys), workers, 180)

    dead = [
        DeadLetterRecord.decode(m.value)
        for m in read_topic(kafka.bootstrap_servers, names.deadletter, 2)
    ]
    by_stage = {d.stage: d for d in dead}
    assert set(by_stage) == {"decode", "classify"}
    assert by_stage["decode"].reason.startswith("undecodable comment: not valid JSON")
    assert by_stage["decode"].payload == b"{not json at all"
    assert "RuntimeError: the classifier cannot cope with facebook:fails" in (
        by_stage["classify"].reason
    )
    assert wire.decode_comment(by_stage["classify"].payload).key == failing.key
    assert app.store.get(failing.key) is None
    stored_reasons = [d.reason for d in app.store.dead_letters()]
    assert len(stored_reasons) == 2
    app.close()


def test_complaint_spikes_and_repeated_abuse_raise_alerts_on_the_comms_queue(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    settings = _settings(kafka, tmp_path)
    ensure_topics(settings.kafka)
    app = build_app(settings, model=None)
    at = datetime(2026, 11, 20, 9, 3, tzinfo=UTC)
    demo = read_comments(DEMO_REGISTERS_DIR / "comments.jsonl").comments
    bins = "The bins on Marsh Lane have not been collected for three weeks"
    complaints = [
        dataclasses.replace(demo[1], comment_id=f"bins-{i}", text=bins, created_at=at)
        for i in range(3)
    ]
    verdicts = app.classifier.classify(demo)
    hide_worthy = [
        c
        for c, v in zip(demo, verdicts, strict=True)
        if v.action.value == "hide" and c.platform.value == "facebook"
    ][:2]
    assert len(hide_worthy) == 2
    abuse = [
        dataclasses.replace(
            c, comment_id=f"abuse-{i}", author_id="same-author", author_handle="x", created_at=at
        )
        for i, c in enumerate(hide_worthy)
    ]
    with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
        producer.send(complaints + abuse)
    workers.append(_TestWorker(settings, tmp_path / "worker.log", run_worker_with_faults))
    keys = [c.key for c in complaints + abuse]
    _wait_until("indexed", _all_indexed(app.store, keys), workers, 180)

    names = topic_names(settings.kafka)
    alerts: list[Any] = []
    deadline = time.monotonic() + 60
    while len(alerts) < 2 and time.monotonic() < deadline:
        messages = read_topic(kafka.bootstrap_servers, names.comms_queue, 6, timeout_s=5)
        alerts = [Alert.decode(m.value) for m in messages if message_type(m.value) == "alert"]
    kinds = {a.kind: a for a in alerts}
    assert set(kinds) == {"service_spike", "repeated_abuse"}
    spike = kinds["service_spike"]
    assert spike.count == 3
    assert spike.window_start == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert spike.window_end == datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    assert set(spike.comment_keys) == {c.key for c in complaints}
    assert kinds["repeated_abuse"].subject.endswith(":same-author")
    assert len(alerts) == 2, "each window raises its alert once"
    app.close()


def test_reviewers_decisions_from_the_decisions_topic_are_applied_once_and_bad_ones_dead_lettered(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    from kafka import KafkaProducer

    settings = _settings(kafka, tmp_path)
    ensure_topics(settings.kafka)
    comments = read_comments(DEMO_REGISTERS_DIR / "comments.jsonl").comments
    with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
        producer.send(comments)
    workers.append(WorkerProcess(settings, tmp_path / "worker.log"))
    app = build_app(settings, model=None)
    _wait_until("demo indexed", _all_indexed(app.store, [c.key for c in comments]), workers, 180)
    hidden = app.store.queue(Route.REVIEW)[0]
    complaint = app.store.queue(Route.COMMS)[0]
    now = datetime.now(UTC)
    officer = "Priya Shah (comms)"
    confirm = Decision(hidden.item_id, DecisionKind.CONFIRM, officer, "abusive: stays hidden", now)
    decisions = [
        confirm,
        Decision(
            complaint.item_id, DecisionKind.DONE, officer, "replied with the official line", now
        ),
        confirm,  # delivered twice, as Kafka may
        Decision(999_999, DecisionKind.RESTORE, officer, "hidden by mistake", now),
    ]
    names = topic_names(settings.kafka)
    raw = KafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    for decision in decisions:
        raw.send(
            names.moderation_decisions,
            key=str(decision.item_id).encode(),
            value=wire.encode_decision(decision),
        )
    raw.flush()
    raw.close()

    def closed() -> bool:
        items = [app.store.item(hidden.item_id), app.store.item(complaint.item_id)]
        return all(i is not None and i.status is not ReviewStatus.OPEN for i in items)

    _wait_until("both items closed", closed, workers, 120)
    _wait_until(
        "the bad decision dead-lettered", lambda: bool(app.store.dead_letters()), workers, 60
    )

    assert app.store.item(hidden.item_id).status is ReviewStatus.CONFIRMED  # type: ignore[union-attr]
    assert app.store.item(complaint.item_id).status is ReviewStatus.DONE  # type: ignore[union-attr]
    confirms = [e for e in app.store.audit(hidden.comment_key) if e.event == "confirm"]
    assert [(e.actor, e.detail) for e in confirms] == [(officer, "abusive: stays hidden")]
    (dead,) = app.store.dead_letters()
    assert dead.source == "decision"
    assert "there is no queue item 999999" in dead.reason
    app.close()


def test_the_houserules_worker_command_processes_comments_and_stops_cleanly_on_sigterm(
    kafka: KafkaBroker, tmp_path: Path
) -> None:
    settings = _settings(kafka, tmp_path)
    ensure_topics(settings.kafka)
    comments = bench_comments(20, "command")
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "houserules", "worker", "--no-model", "--loglevel", "warn"],
            env=worker_environment(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            with KafkaCommentProducer(settings.kafka, max_wait_s=60) as producer:
                producer.send(comments)
            app = build_app(settings, model=None)
            deadline = time.monotonic() + 180
            keys = [c.key for c in comments]
            while len(app.store.seen(keys)) < len(keys):
                assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                time.sleep(0.3)
            app.close()
        finally:
            worker.send_signal(signal.SIGTERM)
            code = worker.wait(60)
    assert code == 0, log.read_text(errors="replace")[-3000:]
    assert "Traceback" not in log.read_text(errors="replace")


def test_demo_data_gives_identical_verdicts_and_queues_in_kafka_and_embedded_modes(
    kafka: KafkaBroker, tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    comments = read_comments(DEMO_REGISTERS_DIR / "comments.jsonl").comments
    embedded_settings = Settings(
        data_dir=tmp_path / "embedded", model="none", registers_dir=DEMO_REGISTERS_DIR
    )
    embedded = build_app(embedded_settings, model=None)
    embedded.pipeline().run_sync(comments)

    settings = _settings(kafka, tmp_path)
    ensure_topics(settings.kafka)
    with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
        producer.send(comments)
    workers.append(WorkerProcess(settings, tmp_path / "worker.log"))
    scaled = build_app(settings, model=None)
    keys = [c.key for c in comments]
    _wait_until("demo indexed", _all_indexed(scaled.store, keys), workers, 180)

    def verdicts(app: Any) -> dict[str, Any]:
        found = {}
        for key in keys:
            stored = app.store.get(key)
            found[key] = (wire.to_data(stored.classified.verdict), stored.platform_state)
        return found

    def queues(s: Settings) -> set[tuple[Any, ...]]:
        return set(
            _sqlite_rows(s, "SELECT queue, comment_key, reason, urgent, status FROM queue_items")
        )

    assert verdicts(scaled) == verdicts(embedded)
    assert queues(settings) == queues(embedded_settings)
    assert len(queues(settings)) > 50
    embedded.close()
    scaled.close()


def test_elasticsearch_down_for_twenty_seconds_mid_stream_loses_and_doubles_nothing(
    kafka: KafkaBroker,
    elasticsearch: ElasticsearchNode,
    tmp_path: Path,
    workers: list[WorkerProcess],
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    settings = _settings(
        kafka,
        tmp_path,
        store="elasticsearch",
        elasticsearch=ElasticsearchSettings(url=elasticsearch.url, index_prefix=prefix),
    )
    ensure_topics(settings.kafka)
    app = build_app(settings, model=None)
    comments = bench_comments(600, "outage")
    keys = [c.key for c in comments]
    before, during = comments[:300], comments[300:]
    with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
        producer.send(before)
        workers.append(WorkerProcess(settings, tmp_path / "worker.log"))
        _wait_until("some indexed", lambda: app.store.count() >= 60, workers, 240)
        # The second half arrives while Elasticsearch is down, so the worker must meet the
        # outage however fast it indexed the first half.
        elasticsearch.stop()
        producer.send(during)
        time.sleep(20)
    elasticsearch.start()
    elasticsearch.wait_healthy()
    _wait_until("all indexed after the outage", _all_indexed(app.store, keys), workers, 300)

    assert app.store.count() == 600
    # Half the comments were produced while Elasticsearch was down, so they could only be
    # indexed after it came back; the store retries inside the worker's iteration.
    assert workers[0].alive
    for key in keys[::50]:
        stored = app.store.get(key)
        assert stored is not None and stored.classified.comment.key == key
    app.close()
