"""`houserules bench report`: how long the weekly report takes on a busy week, and its peak
memory.

Seeds a fresh SQLite store (in a temporary folder, or `--keep DIR`) with a week of N
comments (2026-W47), the week before with N as well (the report reads both in full), and
the six weeks before that with N/10 each (the trend reads only their counts and a tone
sample). The texts are the demo council's 252, each with one of 40 short endings (so
about 10,000 different texts), judged once by the real classifier and reused with their
verdicts, so the mix of categories, services and fact-register entries is
a real one; most queue items are decided, as by a working team. Then it runs `houserules
report weekly` for the week in a child process twice, exactly as a council would: the first
time nothing is kept from earlier reports (every week of the trend is read), the second is
an ordinary Monday (the earlier weeks' tone and themes are kept from before). It reports
both wall times, the children's CPU time and peak resident memory, and the load average,
since other work on the machine slows the report down.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from houserules.bootstrap import build_classifier, load_model
from houserules.config import DEMO_REGISTERS_DIR, load_registers, load_rules
from ingest.files import read_comments
from moderation.review import AuditEvent, ReviewStatus
from moderation.verdict import ClassifiedComment, Route
from store.base import ProcessedComment
from store.sqlite import SqliteStore
from stream.clock import FixedClock
from stream.stages import act, route

WEEK = "2026-W47"
MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
SEED = 20261116
# Added to the demo's texts so that a week of N comments holds thousands of different texts
# (the report encodes each distinct text once: without these the bench would flatter it).
ENDINGS = (
    "",
    "Just saying.",
    "Again.",
    "Every week the same.",
    "Sort it out.",
    "Thanks.",
    "Unbelievable.",
    "Anyone else?",
    "Not good enough.",
    "Well done.",
    "Why?",
    "Shocking.",
    "Please share.",
    "Typical.",
    "About time.",
    "Fair enough.",
    "Really?",
    "Cheers.",
    "Disgraceful.",
    "Good news.",
    "No surprise there.",
    "Sad to see.",
    "Brilliant.",
    "Makes me angry.",
    "Still waiting.",
    "Any update?",
    "Thank you.",
    "Rubbish.",
    "Great work.",
    "Not happy.",
    "What a mess.",
    "Lovely.",
    "Come on.",
    "Agreed.",
    "Nonsense.",
    "So true.",
    "Spot on.",
    "Ridiculous.",
    "Happy days.",
    "Sigh.",
)
DECIDED = 0.8
RESTORED = 0.05


def _seed(store: SqliteStore, n: int, settings: Any) -> dict[str, Any]:
    rows = read_comments(DEMO_REGISTERS_DIR / "comments.jsonl").comments
    classifier = build_classifier(
        load_rules(settings.rules_file), load_registers(DEMO_REGISTERS_DIR), load_model(settings)
    )
    verdicts = classifier.classify(rows)
    rng = random.Random(SEED)
    weeks = [(0, n), (1, n)] + [(back, max(n // 10, 1)) for back in range(2, 8)]
    stored = 0
    for back, count in weeks:
        monday = MONDAY - timedelta(weeks=back)
        batch = []
        for i in range(count):
            k = rng.randrange(len(rows))
            original = rows[k]
            ending = rng.choice(ENDINGS)
            comment = replace(
                original,
                text=f"{original.text} {ending}".strip(),
                comment_id=f"bench-{back}-{i}",
                created_at=monday + timedelta(seconds=rng.randrange(7 * 24 * 3600)),
                author_handle=f"resident{rng.randrange(n)}",
            )
            verdict = replace(verdicts[k], comment_key=comment.key)
            cc = ClassifiedComment(comment, verdict)
            state, events = act(cc, {}, FixedClock(comment.created_at + timedelta(seconds=3)))
            batch.append(ProcessedComment(cc, state, route(verdict, state), tuple(events)))
            if len(batch) == 2000:
                stored += store.save(batch)
                batch = []
        stored += store.save(batch)
    decided = 0
    for queue in Route:
        for item in store.queue(queue, limit=10 * n):
            if rng.random() >= DECIDED:
                continue
            found = store.get(item.comment_key)
            assert found is not None
            posted = found.classified.comment.created_at
            at = posted + timedelta(minutes=10 + rng.random() * 24 * 60)
            if queue is Route.COMMS:
                status, event = ReviewStatus.DONE, "done"
            elif rng.random() < RESTORED:
                status, event = ReviewStatus.RESTORED, "restore"
            else:
                status, event = ReviewStatus.CONFIRMED, "confirm"
            store.close_item(
                item.item_id,
                status,
                AuditEvent(at, "bench officer", event, item.comment_key, "bench", item.item_id),
            )
            decided += 1
    return {"comments": stored, "decisions": decided}


@click.command(name="report")
@click.option(
    "--comments",
    "n",
    type=click.IntRange(100, 1_000_000),
    default=50_000,
    show_default=True,
    help="Comments in the report's week (and in the week before).",
)
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Seed into (or reuse) this folder and keep it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the measurements as JSON.")
@click.pass_obj
def bench_report(obj: Any, n: int, keep: Path | None, as_json: bool) -> None:
    """Time `houserules report weekly` on a week of N comments (goal: 60 s for 50,000)."""
    settings = obj.settings()
    folder = keep or Path(tempfile.mkdtemp(prefix="houserules-bench-report-"))
    try:
        database = folder / "houserules.db"
        seeded: dict[str, Any] = {"reused": True}
        if not database.exists():
            started = time.perf_counter()
            store = SqliteStore(database)
            try:
                seeded = _seed(store, n, settings)
            finally:
                store.close()
            seeded["seconds"] = round(time.perf_counter() - started, 1)
        command = [
            sys.executable,
            "-m",
            "houserules",
            "--data-dir",
            str(folder),
            "report",
            "weekly",
            "--week",
            WEEK,
            "--out",
            str(folder / "out"),
            "--json",
        ]
        # A first report keeps nothing from an earlier one, even in a folder kept from a
        # run before: its tone and theme books go.
        shutil.rmtree(folder / "reports", ignore_errors=True)
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            runs.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise click.ClickException(f"the report failed: {done.stderr.strip()[-2000:]}")
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        printed = json.loads(done.stdout)
        result = {
            "week": WEEK,
            "comments_in_week": printed["comments"],
            "themes": printed["themes"],
            "seconds_first_report": round(runs[0], 1),
            "seconds_next_report": round(runs[1], 1),
            "goal_seconds": 60,
            "cpu_seconds_both": round(cpu.ru_utime + cpu.ru_stime, 1),
            "peak_memory_mib": round(peak_kib / 1024),
            "load_average_1min": round(os.getloadavg()[0], 1),
            "seeded": seeded,
            "pdf_bytes": Path(printed["pdf"]).stat().st_size,
        }
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(
        f"weekly report on {result['comments_in_week']} comments: "
        f"{result['seconds_first_report']} s the first time (every week read), "
        f"{result['seconds_next_report']} s the next (earlier weeks kept; goal "
        f"{result['goal_seconds']} s); peak memory {result['peak_memory_mib']} MiB; "
        f"load average {result['load_average_1min']} on {os.cpu_count()} cores"
    )
