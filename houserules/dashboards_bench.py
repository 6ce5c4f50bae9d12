"""`houserules dashboards bench`: how long each Dashboards page takes on a full SQLite store.

Seeds a store (in a temporary folder, or `--keep DIR` to reuse one) with N synthetic
comments of a council's mix (`houserules bench review-app` makes the same comments), and
with what happens to them afterwards, so every chart has work to do: each hidden comment is
hidden a few minutes after it was posted, and most decision and comms items older than a
day are decided by a person (confirmed, restored or answered). Then requests each of the
four dashboards in process, as a signed-in viewer, and reports the median and p95 server
time of each page, and the median processor time it used (all threads: on a machine busy
with other work the server time grows and this does not), first counted afresh on every
request (as after any change to the comments), then as a repeat view whose figures are
reused.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from dashboards.catalogue import DASHBOARDS
from houserules.bench_review_app import _get, synthetic
from houserules.settings import Settings
from moderation.review import AuditEvent, PlatformState, ReviewStatus
from moderation.verdict import Route
from review_app.accounts import Role
from review_app.settings import ReviewAppSettings
from store.base import ProcessedComment
from store.sqlite import SqliteStore

BATCH = 2000
VIEWER = ("bench-viewer", "bench-viewer-password-123")
# How each kind of queue item is decided, and how often, once it is a day old.
_DECISIONS = {
    Route.REVIEW: (
        (ReviewStatus.CONFIRMED, "confirm", 0.6),
        (ReviewStatus.RESTORED, "restore", 0.15),
    ),
    Route.ESCALATIONS: ((ReviewStatus.CONFIRMED, "confirm", 0.8),),
    Route.COMMS: ((ReviewStatus.DONE, "done", 0.6),),
}


def _with_hide(item: ProcessedComment, rng: random.Random) -> ProcessedComment:
    """A hidden comment gains the audit event of its hide, minutes after it was posted."""
    if item.platform_state is not PlatformState.HIDDEN:
        return item
    at = item.classified.comment.created_at + timedelta(seconds=rng.randrange(20, 1800))
    hidden = AuditEvent(at, "houserules", "hidden", item.key, "hidden on the platform")
    return replace(item, audit=(*item.audit, hidden))


def _decide(
    store: SqliteStore, batch: list[ProcessedComment], now: datetime, rng: random.Random
) -> None:
    for item in batch:
        if not item.queue_entries:
            continue
        posted = item.classified.comment.created_at
        for row in store.items_for(item.key):
            at = posted + timedelta(minutes=rng.randrange(10, 60 * 48))
            if at > now - timedelta(days=1):
                continue
            roll = rng.random()
            for status, event, share in _DECISIONS[row.item.queue]:
                if roll < share:
                    decided = AuditEvent(
                        at, "officer", event, item.key, "bench decision", row.item.item_id
                    )
                    store.close_item(row.item.item_id, status, decided)
                    break
                roll -= share


def seed(store: SqliteStore, count: int, now: datetime, progress: bool) -> float:
    """Comments up to `count` (a store kept from an earlier run is topped up), with their
    hides and decisions; the seconds it took."""
    rng = random.Random(20261116)
    started = time.perf_counter()
    for first in range(store.count(), count, BATCH):
        batch = [
            _with_hide(synthetic(n, now, rng), rng) for n in range(first, min(first + BATCH, count))
        ]
        store.save(batch)
        _decide(store, batch, now, rng)
        if progress:
            click.echo(f"seeded {first + len(batch):,} comments", err=True)
    return time.perf_counter() - started


def _times(app: Any, token: str, board: str, rounds: int) -> list[tuple[float, float]]:
    """Each request's server time and the processor time it took (all threads), in ms.
    On a machine busy with other work the first grows and the second does not."""
    times = []
    for _ in range(rounds):
        cpu = time.process_time()
        status, ms = asyncio.run(_get(app, f"/dashboards/{board}", token))
        if status != 200:
            raise click.ClickException(f"the {board} dashboard answered {status}")
        times.append((ms, (time.process_time() - cpu) * 1000))
    return times


def _summary(times: list[tuple[float, float]]) -> dict[str, float]:
    ordered = sorted(ms for ms, _ in times)
    return {
        "requests": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        "median_cpu_ms": round(statistics.median(cpu for _, cpu in times), 1),
    }


def measure(settings: Settings, rounds: int) -> dict[str, dict[str, float]]:
    """Each dashboard's page times, and all four together, after one warming request each
    (the first drawing in a process starts vl-convert)."""
    from houserules.review_app_commands import build_review_app

    app, deps = build_review_app(settings, moderators={}, alerts=False)
    try:
        if deps.accounts.get(VIEWER[0]) is None:
            deps.accounts.add(VIEWER[0], Role.VIEWER, VIEWER[1])
        token = deps.accounts.sign_in(*VIEWER).token
        results: dict[str, dict[str, float]] = {}
        every: list[tuple[float, float]] = []
        for board in DASHBOARDS:
            _times(app, token, board.name, 1)
            times = _times(app, token, board.name, rounds)
            results[board.name] = _summary(times)
            every += times
        results["all"] = _summary(every)
        return results
    finally:
        deps.accounts.close()
        deps.store.close()


@click.command(name="bench")
@click.option("--comments", default=100_000, show_default=True, help="How many comments to seed.")
@click.option("--rounds", default=5, show_default=True, help="Requests of each dashboard.")
@click.option(
    "--keep",
    type=click.Path(path_type=Path, file_okay=False),
    help="Seed into (and reuse) this folder instead of a temporary one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the measurements as JSON.")
def bench(comments: int, rounds: int, keep: Path | None, as_json: bool) -> None:
    """Seed N comments in SQLite and time each dashboard page, counted afresh and repeated."""
    with tempfile.TemporaryDirectory(prefix="houserules-dashboards-bench-") as scratch:
        folder = keep or Path(scratch)
        fresh = Settings(
            data_dir=folder, model="none", review_app=ReviewAppSettings(dashboard_cache_seconds=0)
        )
        store = SqliteStore(fresh.sqlite_path)
        seconds = seed(store, comments, datetime.now(UTC), progress=not as_json)
        stored = store.count()
        store.close()
        afresh = measure(fresh, rounds)
        repeat = measure(Settings(data_dir=folder, model="none"), rounds)
    data = {
        "comments": stored,
        "seed_seconds": round(seconds, 1),
        "counted_afresh": afresh,
        "repeat_view": repeat,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{stored:,} comments in SQLite (seeded in {seconds:.0f} s)")
    for title, results in (("counted afresh", afresh), ("repeat view", repeat)):
        for board, r in results.items():
            click.echo(
                f"{board:15} {title:15} median {r['median_ms']:7.1f} ms   "
                f"p95 {r['p95_ms']:7.1f} ms   processor {r['median_cpu_ms']:7.1f} ms   "
                f"({int(r['requests'])} requests)"
            )
