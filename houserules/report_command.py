"""`houserules report`: the weekly reputation report, its Monday schedule, and the tone
model's measurement.

This module only wires settings, the store, the registers and the bundled model to
`reports/`, which works out and writes the report.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from houserules.bootstrap import model_cache_dir, open_store
from houserules.command_output import fail
from houserules.config import ConfigError, load_registers, load_rules
from houserules.settings import Settings
from moderation.verdict import Category

out = Console()
log = logging.getLogger("houserules.report")


@dataclass(frozen=True, slots=True)
class WeeklyResult:
    week: str
    html: Path | None
    pdf: Path | None
    data: Path
    comments: int
    themes: int
    emailed_to: tuple[str, ...]
    seconds: float

    def summary(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "html": str(self.html) if self.html else None,
            "pdf": str(self.pdf) if self.pdf else None,
            "comments": self.comments,
            "themes": self.themes,
            "week": self.week,
            "data": str(self.data),
        }
        if self.emailed_to:
            found["emailed_to"] = len(self.emailed_to)
        return found


def _formats(text: str) -> tuple[str, ...]:
    from reports.build import FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'} is not a report format: use html, pdf or html,pdf",
            param_hint="--format",
        )
    return chosen


def run_weekly(
    settings: Settings,
    week_name: str | None,
    out_dir: Path | None,
    formats: Sequence[str],
    email: bool,
    now: datetime | None = None,
) -> WeeklyResult:
    """Make one week's report from the configured store; email it if asked."""
    from dashboards.sources import source_for
    from moderation.model import ModelFilesError, ToxicityModel
    from reports.build import write_report
    from reports.email import build_message, send
    from reports.figures import ReportContext, weekly_report
    from reports.html import render_email
    from reports.pseudonyms import Pseudonyms, key_from
    from reports.tone import ToneModel
    from reports.week import ReportWeek, WeekError
    from store.report_reads import report_reads

    started = time.perf_counter()
    now = now or datetime.now(UTC)
    try:
        week = ReportWeek.parse(week_name) if week_name else ReportWeek.last_complete(now)
    except WeekError as exc:
        raise click.BadParameter(str(exc), param_hint="--week") from None
    if email and "pdf" not in formats:
        formats = (*formats, "pdf")
    report_settings = settings.report
    state_dir = settings.data_dir / "reports"
    out_dir = out_dir or report_settings.out_dir or state_dir
    rules = load_rules(settings.rules_file)
    registers = load_registers(settings.registers_dir)
    try:
        model = ToxicityModel.load(
            settings.model_dir,
            threads=settings.report.tone_threads,
            cache_dir=model_cache_dir(),
        )
    except (OSError, ValueError, ModelFilesError) as exc:
        raise ConfigError(f"the bundled model could not be loaded: {exc}") from None
    key = key_from(report_settings.pseudonym_key.get_secret_value(), state_dir)
    organisation = report_settings.organisation or registers.contacts.organisation
    context = ReportContext(
        tone=ToneModel(model),
        pseudonyms=Pseudonyms(key),
        settings=report_settings.model_copy(update={"organisation": organisation}),
        state_dir=state_dir,
        criticism_threshold=rules.rule(Category.CRITICISM).threshold,
        spike_threshold=settings.worker.spike_threshold,
        spike_window_minutes=settings.worker.spike_window_minutes,
        fact_topics={f.id: f.topic for f in registers.facts},
        store_name=settings.store,
    )
    store = open_store(settings)
    charts = source_for(store)
    try:
        report = weekly_report(report_reads(store), charts, week, context, now)
    finally:
        charts.close()
        store.close()
    written = write_report(report, out_dir, formats)
    emailed: list[str] = []
    if email:
        assert written.pdf is not None and written.pdf_bytes is not None
        html, text = render_email(report)
        subject = f"Weekly reputation report: {report.title}"
        if organisation:
            subject += f" ({organisation})"
        message = build_message(
            report_settings.email, subject, html, text, written.pdf_bytes, written.pdf.name
        )
        emailed = send(report_settings.email, message)
    return WeeklyResult(
        week=week.name,
        html=written.html,
        pdf=written.pdf,
        data=written.data,
        comments=report.comments,
        themes=len(report.themes.themes),
        emailed_to=tuple(emailed),
        seconds=round(time.perf_counter() - started, 2),
    )


@click.group(name="report")
def report() -> None:
    """The weekly reputation report (HTML and PDF, by email on Mondays)."""


@report.command(name="weekly")
@click.option("--week", "week_name", help="The ISO week, e.g. 2026-W48 (default: last week).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: report.out_dir, else <data_dir>/reports).",
)
@click.option(
    "--format",
    "formats",
    default="html,pdf",
    show_default=True,
    help="What to write: html, pdf or both (comma-separated); the data (JSON) always.",
)
@click.option("--email", is_flag=True, help="Email the PDF to report.email.recipients.")
@click.option("--json", "as_json", is_flag=True, help="Print where the files are as JSON.")
@click.pass_obj
def weekly(
    obj: Any, week_name: str | None, out_dir: Path | None, formats: str, email: bool, as_json: bool
) -> None:
    """Make the report for one Monday-to-Sunday week (UK time) from the configured store."""
    from reports.email import ReportEmailError

    chosen = _formats(formats)
    if obj.nothing_stored():
        sys.exit(2)
    try:
        result = run_weekly(obj.settings(), week_name, out_dir, chosen, email)
    except ReportEmailError as exc:
        fail(f"the report was written but not emailed: {exc}")
    except OSError as exc:
        fail(f"cannot write the report: {exc}")
    if as_json:
        click.echo(json.dumps(result.summary(), indent=2))
        return
    out.print(
        f"Report for {result.week}: {result.comments} comments, {result.themes} themes, "
        f"made in {result.seconds:.1f} s.",
        highlight=False,
    )
    for path in (result.html, result.pdf, result.data):
        if path is not None:
            out.print(f"  {path}", highlight=False, markup=False)
    if result.emailed_to:
        out.print(f"Emailed to {len(result.emailed_to)} recipient(s).", highlight=False)


@report.command(name="schedule")
@click.option("--email/--no-email", default=True, show_default=True, help="Email each report.")
@click.option(
    "--retry-minutes",
    default=15,
    show_default=True,
    type=click.IntRange(1, 24 * 60),
    help="After a failed run, try again this often until it works.",
)
@click.pass_obj
def schedule(obj: Any, email: bool, retry_minutes: int) -> None:
    """Run until stopped: every Monday at 08:00 UK time, report on the week just ended."""
    from reports.week import next_run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    while True:
        due = next_run(datetime.now(UTC))
        log.info("next weekly report at %s", due.isoformat())
        _sleep_until(due)
        while True:
            try:
                result = run_weekly(obj.settings(), None, None, ("html", "pdf"), email)
            except Exception as exc:  # keep the schedule alive; say what failed
                log.error("weekly report failed (%s); trying again in %d min", exc, retry_minutes)
                time.sleep(retry_minutes * 60)
                continue
            log.info("weekly report %s written: %s", result.week, json.dumps(result.summary()))
            break


def _sleep_until(due: datetime) -> None:
    """Sleep in short steps, rechecking the clock, so a suspended host or a clock change
    does not make the run late by the length of one long sleep."""
    while (left := (due - datetime.now(UTC)).total_seconds()) > 0:
        time.sleep(min(left, 300))


@report.command(name="tone-eval")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", default="test", show_default=True, help="TweetEval split to read.")
@click.option(
    "--write-card",
    is_flag=True,
    help="Keep the numbers in reports/tone_card.json, which the report quotes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the measurements as JSON.")
@click.pass_obj
def tone_eval(obj: Any, folder: Path, split: str, write_card: bool, as_json: bool) -> None:
    """Measure the report's tone model on TweetEval's sentiment FOLDER (test split by
    default) and, as negative-or-not, on the labelled council-dev set."""
    from houserules.eval_command import DEV_SET
    from moderation.model import ToxicityModel
    from reports.tone import CARD, ToneModel
    from reports.tone_eval import SentimentSetError, measure, measure_council, read_split

    settings = obj.settings()
    model = ToneModel(ToxicityModel.load(settings.model_dir, cache_dir=model_cache_dir()))
    try:
        texts, gold = read_split(folder, split)
    except SentimentSetError as exc:
        fail(str(exc))
    started = time.perf_counter()
    tweets = measure(model, texts, gold)
    council = measure_council(model, DEV_SET / "comments.jsonl")
    result = {
        "model": model.version,
        "tweeteval_sentiment": {"split": split, **tweets},
        "council_dev_negative_or_not": council,
        "seconds": round(time.perf_counter() - started, 1),
    }
    result["summary"] = (
        f"Measured on TweetEval sentiment ({split} split, {tweets['items']} tweets): "
        f"accuracy {tweets['accuracy']:.0%}, macro-averaged recall "
        f"{tweets['macro_recall']:.2f}; on the council-dev comments, negative or not "
        f"against their labels: accuracy {council['accuracy']:.0%}."
    )
    if write_card:
        CARD.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        out.print(result["summary"], highlight=False)
