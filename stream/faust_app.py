"""The scale-out worker: a faust-streaming app whose agents run the pipeline's stages.

    comments.raw ──classify──▶ comments.classified ──act, route, index──▶ store
                                                      ├─▶ moderation.actions
                                                      ├─▶ comms.queue
                                                      └─▶ (rekeyed) service complaints,
                                                          hide-worthy comments by author
    moderation.decisions ──apply_decision──▶ store, platform
    service complaints ──15-minute windows──▶ spike alerts on comms.queue
    hide-worthy by author ──windows──▶ repeated-abuse alerts on comms.queue
    anything that cannot be handled ──▶ deadletter (with its reason and payload)

Delivery: each iteration finishes its effects before it ends: the store write and
platform hide have returned (run in a thread, store outages retried inside the
iteration, which pauses consumption), and the messages it publishes have been
acknowledged by the broker. Only then are the batch's offsets recorded in the worker's
`OffsetLedger`, and the consumer commits no further than the ledger's first unfinished
offset (`stream.kafka_consumer`), so a commit never passes a comment that was not
processed, whatever Faust's own acknowledgements say; a partition where an offset was
skipped while later ones were processed is read again from there. A crash before the
commit replays the batch, which the steps make harmless (`stream.agents`). An error the
steps do not expect (a bug, or the broker refusing what we publish) stops the process
at once, so nothing of that batch is recorded; a restarted worker reads it again.

`create_app` builds everything from its arguments; nothing is read at import time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import faust

from moderation.wire import WireError
from stream.agents import (
    Incoming,
    Outgoing,
    PipelineParts,
    StepResult,
    Steps,
)
from stream.kafka_consumer import LedgerConsumer, install
from stream.kafka_settings import KafkaSettings
from stream.offset_ledger import OffsetLedger
from stream.records import ActionRecord, DeadLetterRecord, ServiceComplaint
from stream.spikes import PatternSettings, alert, count
from stream.topics import (
    BASE_NAMES,
    COMMENTS_CLASSIFIED,
    COMMENTS_RAW,
    COMMS_QUEUE,
    COMPLAINTS_BY_SERVICE,
    DEADLETTER,
    HIDDEN_BY_AUTHOR,
    MODERATION_DECISIONS,
    topic_names,
)

log = logging.getLogger(__name__)

CRASH_EXIT_CODE = 70
INTERNAL = (COMPLAINTS_BY_SERVICE, HIDDEN_BY_AUTHOR)  # rekeyed for the windowed counts


@dataclass(frozen=True)
class WorkerOptions:
    """How one worker process consumes: batch sizes and the consumer group's timing."""

    classify_batch: int = 32
    classify_within_s: float = 0.2
    index_batch: int = 64
    index_within_s: float = 0.1
    session_timeout_s: float = 30.0
    heartbeat_interval_s: float = 3.0
    commit_interval_s: float = 1.0
    web_port: int | None = None
    reread_check_s: float = 10.0


def _incoming(event: Any) -> Incoming:
    message = event.message
    value = message.value
    return Incoming(
        value=value if isinstance(value, bytes) else str(value).encode(),
        key=message.key if isinstance(message.key, bytes) else None,
        topic=str(message.topic),
        partition=int(message.partition),
        offset=int(message.offset),
    )


def _finished(ledger: OffsetLedger, events: Sequence[Any]) -> None:
    by_partition: dict[Any, list[int]] = {}
    for e in events:
        by_partition.setdefault(e.message.tp, []).append(int(e.message.offset))
    for tp, offsets in by_partition.items():
        ledger.finished(tp, offsets)


def _die(what: str) -> None:
    """Stop the process now, without acknowledging the batch in hand (see module doc)."""
    log.critical("%s: stopping the worker; the batch will be read again", what, exc_info=True)
    logging.shutdown()
    sys.stderr.flush()
    os._exit(CRASH_EXIT_CODE)


def create_app(
    kafka: KafkaSettings,
    data_dir: Path,
    parts: PipelineParts,
    *,
    patterns: PatternSettings | None = None,
    options: WorkerOptions | None = None,
) -> faust.App:
    """A Faust app for this council's topics, running the stages on `parts`.

    The topics must exist (`stream.topics.ensure_topics`); the app creates only its own
    internal topics (the rekeyed streams and the tables' changelogs).
    """
    patterns = patterns or PatternSettings()
    options = options or WorkerOptions()
    names = topic_names(kafka)
    app_id = f"{kafka.topic_prefix}-worker"
    datadir = data_dir / "faust"
    datadir.mkdir(parents=True, exist_ok=True)  # Faust makes only the last level
    app = faust.App(
        app_id,
        broker=[f"kafka://{server.strip()}" for server in kafka.bootstrap_servers.split(",")],
        store="memory://",
        autodiscover=False,
        datadir=str(datadir),
        topic_partitions=kafka.partitions,
        topic_replication_factor=kafka.replication_factor,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=options.session_timeout_s,
        broker_heartbeat_interval=options.heartbeat_interval_s,
        broker_commit_interval=options.commit_interval_s,
        producer_acks=-1,
        stream_wait_empty=True,
        web_enabled=options.web_port is not None,
        web_bind="127.0.0.1",
        web_port=options.web_port or 6066,
    )
    raw: dict[str, Any] = {"key_serializer": "raw", "value_serializer": "raw"}
    topics = {base: app.topic(names.name(base), **raw) for base in BASE_NAMES}
    for base in INTERNAL:
        topics[base] = app.topic(
            names.name(base),
            internal=True,
            partitions=kafka.partitions,
            replicas=kafka.replication_factor,
            **raw,
        )
    steps = Steps(parts)
    ledger = OffsetLedger()
    consumed = (COMMENTS_RAW, COMMENTS_CLASSIFIED, MODERATION_DECISIONS)
    install(app, ledger, [topics[b].get_topic_name() for b in consumed + INTERNAL])

    async def publish(messages: Sequence[Outgoing]) -> None:
        """Send and wait until the broker has acknowledged every message."""
        pending = [await topics[m.topic].send(key=m.key, value=m.value) for m in messages]
        if pending:
            await asyncio.gather(*pending)

    async def dead_letter(dead: Sequence[DeadLetterRecord]) -> None:
        if not dead:
            return
        for d in dead:
            log.warning(
                "dead letter from %s[%d]@%d (%s): %s",
                d.topic,
                d.partition,
                d.offset,
                d.stage,
                d.reason.splitlines()[0],
            )
        await asyncio.to_thread(steps.record_dead_letters, dead)
        await publish([Outgoing(DEADLETTER, d.stage.encode(), d.encode()) for d in dead])

    async def run_step(
        step: Callable[[Sequence[Incoming]], StepResult], events: Sequence[Any], what: str
    ) -> None:
        try:
            result = await asyncio.to_thread(step, [_incoming(e) for e in events])
            await dead_letter(result.dead)
            await publish(result.outgoing)
        except Exception:
            _die(f"{what}: unexpected failure")
        _finished(ledger, events)

    @app.agent(topics[COMMENTS_RAW], name="classify")
    async def classify(stream: Any) -> None:
        async for events in stream.take_events(
            options.classify_batch, within=options.classify_within_s
        ):
            await run_step(steps.classify, events, "classify")

    @app.agent(topics[COMMENTS_CLASSIFIED], name="index")
    async def index(stream: Any) -> None:
        async for events in stream.take_events(options.index_batch, within=options.index_within_s):
            await run_step(steps.index, events, "index")

    @app.agent(topics[MODERATION_DECISIONS], name="decisions")
    async def decisions(stream: Any) -> None:
        async for events in stream.take_events(16, within=0.1):
            await run_step(steps.apply_decisions, events, "decisions")

    holes: dict[Any, int] = {}

    @app.timer(interval=options.reread_check_s)  # type: ignore[untyped-decorator]
    async def reread_skipped_offsets() -> None:
        consumer = app.consumer
        if isinstance(consumer, LedgerConsumer):
            found = await consumer.reread_holes(holes)
            holes.clear()
            holes.update(found)

    _watch_patterns(app, topics, steps, patterns, publish, dead_letter, ledger)
    return app


def _watch_patterns(
    app: faust.App,
    topics: dict[str, Any],
    steps: Steps,
    patterns: PatternSettings,
    publish: Callable[[Sequence[Outgoing]], Awaitable[None]],
    dead_letter: Callable[[Sequence[DeadLetterRecord]], Awaitable[None]],
    ledger: OffsetLedger,
) -> None:
    """The two windowed counts: service-complaint spikes and repeated abuse."""
    from stream.stages import record_alert

    def created_at_of(event: Any) -> float:
        value = event.message.value
        try:
            if b'"service_complaint"' in value:
                return ServiceComplaint.decode(value).created_at.timestamp()
            return ActionRecord.decode(value).created_at.timestamp()
        except WireError:
            return float(event.message.timestamp)

    spike_size = timedelta(minutes=patterns.spike_window_minutes)
    abuse_size = timedelta(minutes=patterns.abuse_window_minutes)
    complaints = (
        app.Table("service-complaints", default=list)
        .tumbling(spike_size, expires=spike_size * 8)
        .relative_to(created_at_of)  # type: ignore[attr-defined]
    )
    hidden = (
        app.Table("hidden-by-author", default=list)
        .tumbling(abuse_size, expires=abuse_size * 2)
        .relative_to(created_at_of)  # type: ignore[attr-defined]
    )

    async def raise_alert(kind: str, subject: str, keys: list[str], at: Any) -> None:
        size = spike_size if kind == "service_spike" else abuse_size
        found = alert(kind, subject, keys, at, size, steps.parts.clock.now())
        log.warning("alert: %s", found.describe())
        await asyncio.to_thread(record_alert, steps.store, found)
        key = f"alert:{kind}:{subject}:{found.window_start.isoformat()}".encode()
        await publish([Outgoing(COMMS_QUEUE, key, found.encode())])

    async def bad(event: Any, exc: Exception, stage: str) -> None:
        incoming = _incoming(event)
        await dead_letter(
            [
                DeadLetterRecord(
                    stage=stage,
                    reason=f"undecodable: {exc}",
                    topic=incoming.topic,
                    partition=incoming.partition,
                    offset=incoming.offset,
                    payload=incoming.value,
                    at=steps.parts.clock.now(),
                )
            ]
        )

    def count_in_windows(
        base: str,
        name: str,
        decode: Callable[[bytes], Any],
        subject_of: Callable[[Any], str],
        table: Any,
        threshold: int,
        kind: str,
    ) -> None:
        """An agent that counts the distinct comments per subject in `table`'s windows and
        raises a `kind` alert when a window reaches `threshold`."""

        @app.agent(topics[base], name=name)
        async def counting(stream: Any) -> None:
            async for event in stream.events():
                try:
                    record = decode(event.message.value)
                except WireError as exc:
                    await bad(event, exc, name)
                else:
                    try:
                        subject = subject_of(record)
                        tally = count(table[subject].value(), record.comment_key, threshold)
                        table[subject] = tally.keys
                        if tally.crossed:
                            await raise_alert(kind, subject, tally.keys, record.created_at)
                    except Exception:
                        _die(f"{name}: unexpected failure")
                _finished(ledger, [event])

    count_in_windows(
        COMPLAINTS_BY_SERVICE,
        "service-spikes",
        ServiceComplaint.decode,
        lambda complaint: complaint.service,
        complaints,
        patterns.spike_threshold,
        "service_spike",
    )
    count_in_windows(
        HIDDEN_BY_AUTHOR,
        "repeated-abuse",
        ActionRecord.decode,
        lambda action: action.author,
        hidden,
        patterns.abuse_threshold,
        "repeated_abuse",
    )
