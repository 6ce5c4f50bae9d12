"""`houserules bench pipeline`: comments per second from produce to indexed, and latency.

Comments are the demo council's, repeated with fresh ids until there are N. Each run
uses names of its own (a topic prefix, a data directory, an index prefix), so it never
mixes with a council's real data.

- embedded: the comments go through the embedded pipeline into a fresh SQLite store;
- kafka: `--workers` worker processes are started (`faust -A houserules.worker:app worker`)
  on the configured broker and store; a warm-up batch is indexed first so start-up and
  model loading are not timed; then the N comments are produced (acks=all).

Throughput is N over the time from the first comment produced to the last indexed.
Latency is each comment's `indexed_at` (as the store recorded it) minus the moment it
was handed to the producer (or the pipeline). Without `--rate` everything is produced at
once, so latency includes the wait behind the backlog; with `--rate` below the pipeline's
capacity it shows the pipeline's own delay.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from houserules.command_output import json_option
from houserules.config import DEMO_REGISTERS_DIR
from houserules.settings import Settings
from ingest.files import read_comments
from moderation.comment import Comment

WARM_UP = 16


def bench_comments(n: int, run_id: str, now: datetime | None = None) -> list[Comment]:
    """N comments cycled from the demo data, each with an id unique to this run."""
    demo = read_comments(DEMO_REGISTERS_DIR / "comments.jsonl").comments
    at = now or datetime.now(UTC)
    return [
        dataclasses.replace(demo[i % len(demo)], comment_id=f"{run_id}-{i:06d}", created_at=at)
        for i in range(n)
    ]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _result(mode: str, produced: dict[str, float], indexed: dict[str, float]) -> dict[str, Any]:
    latencies = [(indexed[k] - produced[k]) * 1000 for k in produced]
    span = max(indexed.values()) - min(produced.values())
    return {
        "mode": mode,
        "n": len(produced),
        "comments_per_s": round(len(produced) / span, 1),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
    }


def _paced(comments: list[Comment], rate: float | None, chunk: int) -> Iterator[list[Comment]]:
    """Chunks of comments, released no faster than `rate` comments per second."""
    start = time.monotonic()
    for i in range(0, len(comments), chunk):
        if rate:
            wait = start + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        yield comments[i : i + chunk]


def _indexed_times(store: Any, keys: list[str]) -> dict[str, float]:
    times: dict[str, float] = {}
    for key in keys:
        stored = store.get(key)
        if stored is not None:
            times[key] = stored.indexed_at.timestamp()
    return times


def run_embedded(settings: Settings, n: int, rate: float | None) -> dict[str, Any]:
    from houserules.bootstrap import build_app

    run_id = f"bench-{uuid.uuid4().hex[:8]}"
    app = build_app(settings)
    comments = bench_comments(n, run_id)
    produced: dict[str, float] = {}

    async def feed() -> AsyncIterator[Comment]:
        for chunk in _paced(comments, rate, 1 if rate else len(comments)):
            for c in chunk:
                produced[c.key] = time.time()
                yield c
            await asyncio.sleep(0)

    try:
        asyncio.run(app.pipeline().run(feed()))
        return _result("embedded", produced, _indexed_times(app.store, list(produced)))
    finally:
        app.close()


def _wait_indexed(
    store: Any, keys: list[str], workers: list[Any], timeout_s: float, poll_s: float = 0.25
) -> None:
    """Poll the store until every key is indexed; fail with the workers' logs if one dies
    or the deadline passes."""
    remaining = set(keys)
    deadline = time.monotonic() + timeout_s
    while remaining:
        found = store.seen(sorted(remaining))
        remaining -= set(found)
        if not remaining:
            return
        dead = [w for w in workers if not w.alive]
        if dead:
            raise click.ClickException(
                f"a worker exited (status {dead[0].process.returncode}):\n{dead[0].log_tail()}"
            )
        if time.monotonic() > deadline:
            raise click.ClickException(
                f"{len(remaining)} of {len(keys)} comments not indexed after {timeout_s:.0f} s;"
                f" worker log:\n{workers[0].log_tail()}"
            )
        time.sleep(poll_s)


def run_kafka(
    settings: Settings,
    n: int,
    rate: float | None,
    workers: int,
    log_dir: Path,
    timeout_s: float = 900.0,
) -> dict[str, Any]:
    from houserules.bootstrap import open_store
    from houserules.worker_processes import WorkerProcess
    from ingest.kafka_producer import KafkaCommentProducer
    from stream.topics import ensure_topics

    run_id = f"bench-{uuid.uuid4().hex[:8]}"
    ensure_topics(settings.kafka)
    store = open_store(settings)
    procs = [WorkerProcess(settings, log_dir / f"worker-{i}.log") for i in range(max(1, workers))]
    try:
        with KafkaCommentProducer(settings.kafka, max_wait_s=60) as producer:
            warm = bench_comments(WARM_UP, f"{run_id}-warm")
            producer.send(warm)
            _wait_indexed(store, [c.key for c in warm], procs, timeout_s=300)
            comments = bench_comments(n, run_id)
            produced: dict[str, float] = {}
            for chunk in _paced(comments, rate, 10 if rate else 100):
                handed_over = time.time()
                producer.send(chunk)
                produced.update((c.key, handed_over) for c in chunk)
            keys = list(produced)
            _wait_indexed(store, keys, procs, timeout_s)
        return _result("kafka", produced, _indexed_times(store, keys))
    finally:
        for p in procs:
            p.stop()
        store.close()


@click.command(name="pipeline")
@click.option(
    "--mode",
    type=click.Choice(["kafka", "embedded"]),
    required=True,
    help="embedded: one process; kafka: the local broker and worker processes.",
)
@click.option("--n", "n", type=int, default=2000, show_default=True, help="Comments to time.")
@click.option(
    "--workers", type=int, default=1, show_default=True, help="Kafka mode: worker processes."
)
@click.option("--rate", type=float, default=None, help="Produce at most this many comments/s.")
@click.option("--no-model", is_flag=True, help="Rules only, without the text model.")
@json_option("the measurements")
@click.pass_obj
def bench_pipeline(
    obj: Any, mode: str, n: int, workers: int, rate: float | None, no_model: bool, as_json: bool
) -> None:
    """Comments per second from produce to indexed, with p50/p95 latency.

    Kafka mode needs the broker (and Elasticsearch when the store is elasticsearch):
    `houserules services up`."""
    base: Settings = obj.settings()
    run_dir = Path(tempfile.mkdtemp(prefix="houserules-bench-"))
    run_id = run_dir.name.rsplit("-", 1)[-1].lower()
    model_setting = "none" if no_model else base.model
    settings = base.model_copy(
        update={
            "data_dir": run_dir,
            "model": model_setting,
            "registers_dir": base.registers_dir or DEMO_REGISTERS_DIR,
            "kafka": base.kafka.model_copy(
                update={"topic_prefix": f"{base.kafka.topic_prefix}-bench-{run_id}"}
            ),
            "elasticsearch": base.elasticsearch.model_copy(
                update={"index_prefix": f"{base.elasticsearch.index_prefix}-bench-{run_id}"}
            ),
        }
    )
    try:
        if mode == "embedded":
            settings = settings.model_copy(update={"store": "sqlite"})
            result = run_embedded(settings, n, rate)
        else:
            result = run_kafka(settings, n, rate, workers, run_dir / "logs")
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(
        f"{result['mode']}: {result['n']} comments, {result['comments_per_s']} comments/s "
        f"produce→indexed; latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms"
    )
