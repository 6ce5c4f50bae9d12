"""`houserules bench review-app`: how fast the review app's pages are on a full SQLite store.

Seeds a fresh store (in a temporary folder, or `--keep DIR` to reuse one) with N synthetic
comments shaped like a council's mix (most allowed; some hidden for review, escalated, or
for the comms team), then requests the queue, item, search and dashboard pages in process,
as a signed-in moderator, and reports the p50 and p95 server time of each: the time from the
request entering the app to the last byte of the answer, without a network in between.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from houserules.command_output import json_option
from houserules.settings import Settings
from moderation.comment import Comment, Platform, Surface
from moderation.review import AuditEvent, PlatformState
from moderation.verdict import (
    Action,
    Category,
    ClassifiedComment,
    CommsNote,
    Evidence,
    Finding,
    Route,
    Verdict,
)
from review_app.accounts import Role
from review_app.guard import SESSION_COOKIE
from review_app.settings import ReviewAppSettings
from store.base import ProcessedComment
from store.sqlite import SqliteStore
from stream.stages import route

PLACES = ["Elm Road", "the high street", "Mill Lane", "the market square", "Station Road"]
SERVICES = ["bins", "potholes", "parking", "library", "street lights", "planning"]
WORDS = ["council", "again", "week", "today", "residents", "money", "staff", "pay", "road"]
PLATFORMS = [Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X, Platform.YOUTUBE]


def _verdict(key: str, kind: str, text: str) -> Verdict:
    if kind == "allow":
        return Verdict(key, Action.ALLOW, (), (), False, False, "bench", "bench")
    if kind == "comms":
        finding = Finding(Category.SERVICE_COMPLAINT, 0.8, "services")
        note = CommsNote(
            "service complaint",
            service="waste",
            fact_id="bins-schedule",
            official_line="Collections are weekly; report a missed bin online.",
            link="https://example.gov.uk/bins",
        )
        return Verdict(
            key, Action.COMMS, (finding,), (Route.COMMS,), False, False, "bench", "bench", (note,)
        )
    start = text.find("idiot")
    evidence = (Evidence("insults", "a personal insult", "idiot", start, start + 5),)
    harassment = Finding(Category.HARASSMENT, 0.9, "insults", evidence)
    if kind == "hide":
        return Verdict(
            key, Action.HIDE, (harassment,), (Route.REVIEW,), True, False, "bench", "bench"
        )
    threat = Finding(Category.THREAT, 0.95, "threats", evidence)
    return Verdict(
        key,
        Action.ESCALATE,
        (threat, harassment),
        (Route.REVIEW, Route.ESCALATIONS),
        True,
        False,
        "bench",
        "bench",
        referral="police",
    )


def synthetic(n: int, now: datetime, rng: random.Random) -> ProcessedComment:
    kind = rng.choices(["allow", "comms", "hide", "escalate"], [70, 15, 13, 2])[0]
    place, service = rng.choice(PLACES), rng.choice(SERVICES)
    filler = " ".join(rng.sample(WORDS, 3))
    text = f"The {service} on {place} {filler} #{n}"
    if kind in ("hide", "escalate"):
        text = f"You idiot, the {service} on {place} are a joke {filler}"
    comment = Comment(
        rng.choice(PLATFORMS),
        Surface.OWN_PAGE if rng.random() < 0.9 else Surface.MENTION,
        f"bench{n}",
        text,
        now - timedelta(minutes=rng.randrange(0, 60 * 24 * 90)),
        author_handle=f"resident{rng.randrange(5000)}",
        post_context="Bin collections over the bank holiday",
    )
    verdict = _verdict(comment.key, kind, text)
    state = PlatformState.HIDDEN if kind in ("hide", "escalate") else PlatformState.NONE
    event = AuditEvent(now, "houserules", "classified", comment.key, verdict.explain())
    return ProcessedComment(
        ClassifiedComment(comment, verdict), state, route(verdict, state), (event,)
    )


def seed(store: SqliteStore, count: int, now: datetime, progress: bool) -> float:
    rng = random.Random(20261116)
    started = time.perf_counter()
    have = store.count()
    batch: list[ProcessedComment] = []
    for n in range(have, count):
        batch.append(synthetic(n, now, rng))
        if len(batch) == 2000:
            store.save(batch)
            batch = []
            if progress:
                click.echo(f"seeded {n + 1:,} comments", err=True)
    if batch:
        store.save(batch)
    return time.perf_counter() - started


async def _get(app: Any, path: str, cookie: str) -> tuple[int, float]:
    """One GET through the ASGI app; returns the status and the server time in ms."""
    target, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": target,
        "raw_path": target.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"cookie", f"{SESSION_COOKIE}={cookie}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    started = time.perf_counter()
    await app(scope, receive, send)
    return status, (time.perf_counter() - started) * 1000


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "requests": len(times),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
    }


def measure(
    settings: Settings, rounds: int, dashboard_rounds: int = 20, kinds: tuple[str, ...] = ()
) -> dict[str, dict[str, float]]:
    """p50 and p95 of each page kind (all, or only `kinds`)."""
    from houserules.review_app_commands import build_review_app

    app, deps = build_review_app(settings, moderators={}, alerts=False)
    rng = random.Random(7)
    try:
        if deps.accounts.get("bench") is None:
            deps.accounts.add("bench", Role.MODERATOR, "bench-password-123")
        token = deps.accounts.sign_in("bench", "bench-password-123").token
        review, _ = deps.store.queue_page(Route.REVIEW, limit=500)
        escalations, _ = deps.store.queue_page(Route.ESCALATIONS, limit=500)
        comms, _ = deps.store.queue_page(Route.COMMS, limit=500)
        item_ids = [r.item.item_id for r in review + escalations + comms]
        queue_paths = [
            "/queues/escalations",
            "/queues/review",
            "/queues/comms",
            "/queues/review?page=20",
            "/queues/review?platform=facebook&category=harassment",
            "/queues/comms?since=2026-01-01&surface=own_page",
        ]
        searches = [*SERVICES, *PLACES, "idiot joke", "council pay"]
        pages: dict[str, Callable[[], str]] = {
            "queue": lambda: rng.choice(queue_paths),
            "item": lambda: f"/items/{rng.choice(item_ids)}",
            "search": lambda: "/search?q=" + rng.choice(searches).replace(" ", "+"),
        }
        boards = itertools.cycle(["triage", "comms", "reputation", "accountability"])
        pages["dashboard"] = lambda: f"/dashboards/{next(boards)}"
        results: dict[str, dict[str, float]] = {}
        for name, next_path in pages.items():
            if kinds and name not in kinds:
                continue
            times: list[float] = []
            # A dashboard counts every comment in its windows: fewer rounds keep it short.
            count = dashboard_rounds if name == "dashboard" else rounds
            for i in range(count + 5):
                status, ms = asyncio.run(_get(app, next_path(), token))
                if status != 200:
                    raise click.ClickException(f"{name} page answered {status}")
                if i >= 5:  # the first requests warm caches and templates
                    times.append(ms)
            results[name] = _percentiles(times)
        return results
    finally:
        deps.accounts.close()
        deps.store.close()


@click.command(name="review-app")
@click.option("--comments", default=100_000, show_default=True, help="How many to seed.")
@click.option("--rounds", default=200, show_default=True, help="Requests per page kind.")
@click.option(
    "--keep",
    type=click.Path(path_type=Path, file_okay=False),
    help="Seed into (and reuse) this folder instead of a temporary one.",
)
@click.option(
    "--dashboard-rounds", default=20, show_default=True, help="Requests of the dashboards."
)
@json_option("the measurements")
def bench_review_app(
    comments: int, rounds: int, keep: Path | None, dashboard_rounds: int, as_json: bool
) -> None:
    """Seed N comments in SQLite and time the review app's queue, item, search and dashboard
    pages."""
    with tempfile.TemporaryDirectory(prefix="houserules-bench-") as scratch:
        folder = keep or Path(scratch)
        # Dashboards first counted afresh on every request, then as the app runs them,
        # reusing a chart's numbers for a minute.
        fresh = ReviewAppSettings(dashboard_cache_seconds=0)
        settings = Settings(data_dir=folder, model="none", review_app=fresh)
        store = SqliteStore(settings.sqlite_path)
        seconds = seed(store, comments, datetime.now(UTC), progress=not as_json)
        stored, counts = store.count(), store.open_counts()
        store.close()
        results = measure(settings, rounds, dashboard_rounds)
        reused = Settings(data_dir=folder, model="none")
        again = measure(reused, rounds, dashboard_rounds, kinds=("dashboard",))
        results["dashboard (repeat view)"] = again["dashboard"]
    open_items = {k.value: v for k, v in counts.items()}
    data = {
        "comments": stored,
        "open_items": open_items,
        "seed_seconds": round(seconds, 1),
        "pages": results,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(
        f"{stored:,} comments in SQLite (seeded in {seconds:.0f} s); open items: "
        + ", ".join(f"{k} {v:,}" for k, v in open_items.items())
    )
    for name, r in results.items():
        click.echo(
            f"{name:23} p50 {r['p50_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms   "
            f"({int(r['requests'])} requests)"
        )
