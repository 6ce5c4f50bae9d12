"""The `houserules` command. Every command takes --json for scripts.

Expected failures (bad config, bad file, a decision that cannot apply) print one clear
`error:` line and exit with status 2; anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from houserules.bootstrap import App, build_app, comment_sink
from houserules.command_output import emit_json, enum_option, fail, json_option
from houserules.config import DEMO_REGISTERS_DIR, ConfigError, load_registers, load_rules
from houserules.log_safety import install_log_safety
from houserules.outside_text import cell, shown
from houserules.settings import Settings, load_settings
from ingest.connector_settings import ConnectorNotConfigured
from ingest.files import ImportFileError, read_comments
from moderation import wire
from moderation.comment import Comment, Platform, Surface
from moderation.platform import PlatformError
from moderation.review import DecisionKind
from moderation.verdict import Route
from store.sqlite import StoreUnavailable, store_exists
from stream.decisions import ReviewError
from stream.embedded import RunSummary

DEMO_COMMENTS = DEMO_REGISTERS_DIR / "comments.jsonl"
QUEUES = {"review": Route.REVIEW, "comms": Route.COMMS, "escalations": Route.ESCALATIONS}
EXPECTED_ERRORS = (
    ConfigError,
    ImportFileError,
    ReviewError,
    ConnectorNotConfigured,
    PlatformError,
    StoreUnavailable,
)
# Expected too, but their modules are heavy to import: matched only once loaded (an error
# of a module never imported cannot have been raised).
LAZY_EXPECTED_ERRORS = (
    ("store.es_retry", "ElasticsearchUnavailable"),
    ("ingest.kafka_producer", "BrokerUnavailable"),
)

err = Console(stderr=True)
out = Console()


class Context:
    def __init__(self, config: Path | None, data_dir: Path | None) -> None:
        self.config = config
        self.data_dir = data_dir

    def settings(self) -> Settings:
        overrides: dict[str, Any] = {}
        if self.data_dir is not None:
            overrides["data_dir"] = self.data_dir
        return load_settings(self.config, **overrides)

    def app(self, **kwargs: Any) -> App:
        return build_app(self.settings(), **kwargs)

    def reader(self, as_json: bool) -> App | None:
        """The app for a command that only reads the store, or None when nothing is stored
        yet (after saying so, and printing an empty list for --json)."""
        if self.nothing_stored():
            if as_json:
                emit_json([])
            return None
        return self.app(model=None)

    def nothing_stored(self) -> bool:
        """For commands that only read: True (after saying so) when there is no local store
        yet, so that reading never makes the data folder."""
        settings = self.settings()
        if settings.store != "sqlite" or store_exists(settings.sqlite_path):
            return False
        err.print(
            cell(
                f"nothing stored yet in {settings.data_dir}: run `houserules demo` or "
                "`houserules import FILE` first"
            ),
            highlight=False,
            soft_wrap=True,
        )
        return True


@contextmanager
def _expected_errors() -> Iterator[None]:
    try:
        yield
    except EXPECTED_ERRORS as exc:
        fail(str(exc))
    except Exception as exc:
        if _lazily_expected(exc):
            fail(str(exc))
        raise


def _lazily_expected(exc: Exception) -> bool:
    for module, name in LAZY_EXPECTED_ERRORS:
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(exc, getattr(loaded, name)):
            return True
    return False


# Commands that live in modules of their own, imported only when they are run, so that a
# quick command (`classify`, `queue`) does not pay for Faust, the platform clients or the
# web app.
LAZY_COMMANDS = {
    "eval": "houserules.eval_command:eval_command",
    "bench": "houserules.eval_command:bench",
    "services": "houserules.services.commands:services",
    "worker": "houserules.worker_command:worker",
    "retention": "houserules.personal_data_commands:retention",
    "erase": "houserules.personal_data_commands:erase",
    "serve": "houserules.review_app_commands:serve",
    "users": "houserules.review_app_commands:users",
    "learn": "houserules.learning.commands:learn",
    "model": "houserules.learning.commands:model",
    "report": "houserules.report_command:report",
    "dashboards": "houserules.dashboards_commands:dashboards",
    "webhook": "houserules.webhook_commands:webhook",
}


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        with _expected_errors():
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, _, name = LAZY_COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Group)
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    envvar="HOUSERULES_CONFIG",
    help="YAML settings file (also HOUSERULES_CONFIG).",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    help="Where the local store lives (default .houserules).",
)
@click.version_option(package_name="houserules")
@click.pass_context
def main(ctx: click.Context, config: Path | None, data_dir: Path | None) -> None:
    """houserules: watch a council's social media and enforce its house rules."""
    install_log_safety()
    ctx.obj = Context(config, data_dir)


def _progress(
    total: int | None, label: str, quiet: bool
) -> tuple[Progress, Callable[[RunSummary], None]]:
    progress = Progress(
        TextColumn(shown(label)),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=False,
    )
    task = progress.add_task(label, total=total)

    def update(summary: RunSummary) -> None:
        progress.update(
            task, completed=summary.processed + summary.unchanged + summary.dead_lettered
        )

    return progress, update


def _run(app: App, comments: list[Comment], label: str, quiet: bool) -> RunSummary:
    progress, update = _progress(len(comments), label, quiet)
    with progress:
        summary = app.pipeline(on_progress=update).run_sync(comments)
    if not err.is_terminal and not quiet:
        err.print(
            cell(
                f"{label}: {summary.read} read, {summary.processed} processed, "
                f"{summary.unchanged} unchanged, {summary.dead_lettered} dead-lettered"
            )
        )
    return summary


def _summary_json(app: App, summary: RunSummary) -> dict[str, Any]:
    counts = app.store.counts()
    return {
        "processed": summary.processed,
        "unchanged": summary.unchanged,
        "dead_lettered": summary.dead_lettered,
        "stored": counts.total,
        "by_action": dict(sorted(counts.by_action.items())),
        "by_category": dict(sorted(counts.by_category.items())),
    }


def _print_summary(
    app: App, data: dict[str, Any], first_items: int = 3, *, simulated: bool = False
) -> None:
    out.print(
        f"[bold]{data['processed']}[/bold] comments processed, {data['unchanged']} already "
        f"stored and unchanged, {data['dead_lettered']} set aside; "
        f"{data['stored']} in the store ({shown(app.settings.sqlite_path)})."
    )
    table = Table(title="By action")
    table.add_column("action")
    table.add_column("comments", justify="right")
    for action, n in data["by_action"].items():
        label = f"{action} (simulated)" if simulated and action in ("hide", "escalate") else action
        table.add_row(label, str(n))
    out.print(table)
    if simulated:
        out.print(
            "Hides are simulated: the demo is connected to no platform, so nothing was hidden "
            "anywhere; the comments it would hide wait in the review queue as not_connected.",
            highlight=False,
        )
    table = Table(title="By category")
    table.add_column("category")
    table.add_column("comments", justify="right")
    for cat, n in sorted(data["by_category"].items(), key=lambda kv: -kv[1]):
        table.add_row(cat, str(n))
    out.print(table)
    for name, route in QUEUES.items():
        items = app.store.queue(route, limit=first_items)
        out.print(f"[bold]{name} queue[/bold] (first {len(items)}):")
        for it in items:
            reason = it.reason if len(it.reason) <= 60 else it.reason[:57] + "..."
            out.print(
                cell(
                    f"  #{it.item_id} {'URGENT ' if it.urgent else ''}[{reason}] {it.text[:90]!r}",
                    one_line=True,
                ),
                highlight=False,
            )


@main.command()
@json_option("the summary")
@click.pass_obj
def demo(obj: Context, as_json: bool) -> None:
    """Run the pipeline over the bundled demo council's comments (no servers needed).

    The demo has no platform connectors, so comments it would hide are marked
    `not_connected` in the review queue (a person would hide them by hand). The labelled
    week (2026-W47) comes with seven earlier weeks replayed from it and a simulated comms
    team's decisions, so `houserules report weekly --week 2026-W47` shows trends.
    """
    from houserules.demo_history import add_history

    app = obj.app(registers_dir=DEMO_REGISTERS_DIR, moderators={})
    result = read_comments(DEMO_COMMENTS)
    summary = _run(app, result.comments, "demo", quiet=as_json)
    # Seven earlier weeks and a simulated team's decisions, for the weekly report's trends.
    history = add_history(app.store, result.rows)
    summary.processed += history.added
    summary.unchanged += history.unchanged
    data = {**_summary_json(app, summary), "hides_simulated": True}
    if as_json:
        emit_json(data)
    else:
        _print_summary(app, data, simulated=True)
    app.close()


@main.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--registers",
    type=click.Path(path_type=Path),
    help="Folder with people.yaml, facts.yaml, contacts.yaml.",
)
@json_option("the summary")
@click.pass_obj
def import_(obj: Context, file: Path, registers: Path | None, as_json: bool) -> None:
    """Import comments from a JSONL, JSON (an array of objects) or CSV file and run them
    through the pipeline. Exits with status 2 when no row could be imported."""
    result = read_comments(file)
    for bad in result.rejected:
        err.print(
            cell(f"{file}:{bad.line}: skipped: {bad.reason}", one_line=True),
            highlight=False,
            soft_wrap=True,
        )
    rejected = [{"line": r.line, "reason": r.reason} for r in result.rejected]
    if not result.rows:
        fail(
            f"{file}: no comments imported ({len(result.rejected)} rows rejected)"
            if result.rejected
            else f"{file}: no comments imported: the file has no rows"
        )
    settings = obj.settings()
    if settings.transport == "kafka":
        _produce(settings, result.comments, file, rejected, as_json)
        return
    app = obj.app(registers_dir=registers)
    summary = _run(app, result.comments, f"import {file.name}", quiet=as_json)
    data = {
        **_summary_json(app, summary),
        "read": len(result.rows) + len(result.rejected),
        "rejected": rejected,
    }
    if as_json:
        emit_json(data)
    else:
        out.print(
            cell(
                f"{file}: {len(result.rows)} rows imported, {len(result.rejected)} rejected; "
                f"{summary.processed} processed, {summary.unchanged} unchanged."
            )
        )
    app.close()


def _produce(
    settings: Settings, comments: list[Comment], file: Path, rejected: list[Any], as_json: bool
) -> None:
    """Scale-out mode: hand the comments to Kafka; the workers judge them."""
    from ingest.kafka_producer import KafkaCommentProducer

    with KafkaCommentProducer(settings.kafka) as producer:
        for start in range(0, len(comments), 500):
            producer.send(comments[start : start + 500])
    data = {"produced": len(comments), "topic": producer.topic, "rejected": rejected}
    if as_json:
        emit_json(data)
    else:
        out.print(
            cell(
                f"{file}: {len(comments)} comments sent to {producer.topic}, "
                f"{len(rejected)} rows rejected."
            )
        )


@main.command()
@click.argument("text")
@enum_option("--platform", Platform, default="facebook", help="Where the comment was posted.")
@enum_option(
    "--surface",
    Surface,
    default="own_page",
    help="own_page: on the council's own page (hideable); mention: elsewhere.",
)
@click.option("--author", default="", help="The author's handle or name, if it matters.")
@click.option(
    "--registers",
    type=click.Path(path_type=Path),
    help="Folder with people.yaml, facts.yaml, contacts.yaml (default: the settings').",
)
@json_option("the verdict")
@click.pass_obj
def classify(
    obj: Context,
    text: str,
    platform: str,
    surface: str,
    author: str,
    registers: Path | None,
    as_json: bool,
) -> None:
    """Judge one comment and show the verdict with its evidence (nothing is stored)."""
    from datetime import UTC, datetime

    from houserules.bootstrap import build_classifier, load_model

    if not text.strip():
        raise click.BadParameter("there is no comment to judge: TEXT is empty", param_hint="TEXT")
    settings = obj.settings()
    rules = load_rules(settings.rules_file)
    classifier = build_classifier(
        rules, load_registers(registers or settings.registers_dir), load_model(settings)
    )
    comment = Comment(
        Platform(platform), Surface(surface), "cli", text, datetime.now(UTC), author_handle=author
    )
    verdict = classifier.classify([comment])[0]
    if as_json:
        emit_json(wire.to_data(verdict))
        return
    out.print(
        f"[bold]action: {verdict.action.value}[/bold]"
        + ("  (not hideable: review only)" if verdict.not_hideable else "")
    )
    if not verdict.findings:
        out.print("no house rule applies")
    for f in verdict.findings:
        rule = rules.categories.get(f.category)
        threshold = f", threshold {rule.threshold:.2f}" if rule else ""
        out.print(f"- {f.category.value}: score {f.score:.2f} of 1{threshold}, by {f.detector}")
        for e in f.evidence:
            out.print(cell(f"    evidence: {e.description}", one_line=True), highlight=False)
    for note in verdict.comms:
        out.print(
            cell(
                f"comms: {note.reason}"
                + (f"; official line: {note.official_line}" if note.official_line else "")
            ),
            highlight=False,
        )
    if verdict.referral:
        out.print(cell(f"referral: {verdict.referral}"), highlight=False)
    out.print(f"rules {verdict.rules_version}, classifier {verdict.classifier_version}")


@main.command()
@click.argument("name", type=click.Choice(list(QUEUES)))
@click.option("--limit", default=50, show_default=True, help="Show at most this many items.")
@json_option("the items")
@click.pass_obj
def queue(obj: Context, name: str, limit: int, as_json: bool) -> None:
    """List the open items in the review, comms or escalations queue."""
    app = obj.reader(as_json)
    if app is None:
        return
    items = app.store.queue(QUEUES[name], limit=limit)
    if as_json:
        emit_json(
            [
                {
                    "id": i.item_id,
                    "comment": i.comment_key,
                    "reason": i.reason,
                    "urgent": i.urgent,
                    "platform_state": i.platform_state.value,
                    "action": i.action,
                    "author": i.author_handle,
                    "text": i.text,
                    "created_at": i.created_at.isoformat(),
                }
                for i in items
            ]
        )
        return
    table = Table(title=f"{name} queue: {len(items)} open")
    for col in ("item", "comment (platform:id)", "why queued", "on the platform", "text"):
        table.add_column(col, overflow="fold")
    for i in items:
        table.add_row(
            str(i.item_id),
            cell(i.comment_key),
            cell(("URGENT " if i.urgent else "") + i.reason),
            i.platform_state.value,
            cell(i.text[:120]),
        )
    out.print(table)


def _decide(
    obj: Context, kind: DecisionKind, item_id: int, by: str, reason: str, as_json: bool
) -> None:
    # Checked before anything is opened: a decision the audit log cannot attribute or
    # explain is refused outright.
    if not by.strip():
        fail("--by is blank: a decision must say who made it (your name, for the audit log)")
    if not reason.strip():
        fail("--reason is blank: a decision must say why (it goes in the audit log)")
    app = obj.app(model=None)
    item = app.decide(item_id, kind, by, reason)
    if as_json:
        emit_json(
            {
                "id": item.item_id,
                "status": item.status.value,
                "platform_state": item.platform_state.value,
                "comment": item.comment_key,
            }
        )
    else:
        out.print(
            cell(
                f"item #{item.item_id} {item.status.value} by {by}; "
                f"platform: {item.platform_state.value}",
                one_line=True,
            )
        )


@main.group()
def review() -> None:
    """Confirm or restore a hidden comment from the review queue."""


for _kind in (DecisionKind.CONFIRM, DecisionKind.RESTORE):

    def _make(kind: DecisionKind) -> None:
        @review.command(name=kind.value, help=f"{kind.value.capitalize()} review item ID.")
        @click.argument("item_id", type=int)
        @click.option("--by", required=True, help="Your name, for the audit log.")
        @click.option("--reason", required=True, help="Why, for the audit log.")
        @json_option("the item")
        @click.pass_obj
        def _cmd(obj: Context, item_id: int, by: str, reason: str, as_json: bool) -> None:
            _decide(obj, kind, item_id, by, reason, as_json)

    _make(_kind)


@main.group()
def comms() -> None:
    """Work the comms queue."""


@comms.command(name="done")
@click.argument("item_id", type=int)
@click.option("--by", required=True, help="Your name, for the audit log.")
@click.option(
    "--reason", required=True, help="What was done (e.g. replied with the official line)."
)
@json_option("the item")
@click.pass_obj
def comms_done(obj: Context, item_id: int, by: str, reason: str, as_json: bool) -> None:
    """Mark a comms item as answered."""
    _decide(obj, DecisionKind.DONE, item_id, by, reason, as_json)


@main.command()
@click.argument("key", required=False)
@click.option("--limit", default=100, show_default=True, help="Show at most this many events.")
@json_option("the events")
@click.pass_obj
def audit(obj: Context, key: str | None, limit: int, as_json: bool) -> None:
    """Show the audit log, for one comment (platform:id) or all."""
    app = obj.reader(as_json)
    if app is None:
        return
    events = app.store.audit(key, limit=limit)
    if as_json:
        emit_json(
            [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "event": e.event,
                    "comment": e.comment_key,
                    "item": e.item_id,
                    "detail": e.detail,
                }
                for e in events
            ]
        )
        return
    for e in events:
        out.print(
            cell(
                f"{e.at:%Y-%m-%d %H:%M:%S} {e.actor:12} {e.event:14} {e.comment_key} {e.detail}",
                one_line=True,
            ),
            highlight=False,
        )


@main.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="Show at most this many comments.")
@json_option("the comments")
@click.pass_obj
def search(obj: Context, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over stored comments."""
    app = obj.reader(as_json)
    if app is None:
        return
    hits = app.store.search(query, limit=limit)
    if as_json:
        emit_json(
            [
                {
                    "comment": h.classified.comment.key,
                    "action": h.classified.verdict.action.value,
                    "text": h.classified.comment.text,
                }
                for h in hits
            ]
        )
        return
    for h in hits:
        out.print(
            cell(
                f"{h.classified.comment.key} [{h.classified.verdict.action.value}] "
                f"{h.classified.comment.text[:120]}",
                one_line=True,
            ),
            highlight=False,
        )


@main.group()
def config() -> None:
    """Check the configuration."""


@config.command(name="check")
@click.option(
    "--registers",
    type=click.Path(path_type=Path),
    help="Check this registers folder instead of the settings' one.",
)
@json_option("what was loaded")
@click.pass_obj
def config_check(obj: Context, registers: Path | None, as_json: bool) -> None:
    """Load settings, rules and registers, and report what they contain."""
    settings = obj.settings()
    rules = load_rules(settings.rules_file)
    regs = load_registers(registers or settings.registers_dir)
    data = {
        "ok": True,
        "rules_version": rules.version,
        "hiding": rules.hiding,
        "categories": {
            c.value: {
                "threshold": r.threshold,
                "action": r.action.value,
                "mention_action": (r.mention_action or r.action).value,
                "comms_from": r.comms_from,
            }
            for c, r in rules.categories.items()
        },
        "people": len(regs.people),
        "facts": len(regs.facts),
        "contacts_organisation": regs.contacts.organisation,
        "services": len(regs.vocabulary.services),
        "slurs": len(regs.vocabulary.slurs),
        "detector_words": regs.vocabulary.detector_word_count(),
        "store": settings.store,
        "model": settings.model,
    }
    if as_json:
        emit_json(data)
        return
    out.print(
        f"configuration OK: rules {rules.version} ({rules.hiding} hiding), "
        f"{len(regs.people)} people, {len(regs.facts)} facts, contacts for "
        f"{shown(regs.contacts.organisation or 'no organisation')}; vocabulary of "
        f"{len(regs.vocabulary.services)} services, {len(regs.vocabulary.slurs)} slurs and "
        f"{data['detector_words']} words in the register detectors' lists; "
        f"store {settings.store}, model {settings.model}"
    )


@main.command()
@click.argument("platform", type=click.Choice(["facebook", "instagram", "x", "youtube"]))
@click.option("--once", is_flag=True, help="Poll once and exit (otherwise poll until stopped).")
@json_option("what was delivered")
@click.pass_obj
def connect(obj: Context, platform: str, once: bool, as_json: bool) -> None:
    """Read comments from one platform and hand them to the pipeline."""
    from ingest.runner import run_connector

    settings = obj.settings()
    sink, close = comment_sink(settings)
    try:
        report = run_connector(platform, settings, sink, once)
    except KeyboardInterrupt:
        return
    finally:
        close()
    data = {"platform": platform, "polls": report.polls, "delivered": report.delivered}
    if as_json:
        emit_json(data)
    else:
        out.print(
            f"{platform}: {report.delivered} comments delivered in {report.polls} poll(s)",
            highlight=False,
        )
