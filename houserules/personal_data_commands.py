"""`houserules retention` and `houserules erase`: personal data kept only as long as the
retention setting says, and erased by author on request.

Both work on the configured store (SQLite or Elasticsearch) and never on the platform: a
comment houserules hid stays hidden there, and the output says which. Each run that
changes something appends one audit event; a retention dry run appends none.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console

from houserules.bootstrap import App, build_app
from houserules.command_output import emit_json, enum_option, fail, json_option
from houserules.outside_text import cell, shown
from houserules.settings import Settings
from moderation.comment import Platform
from store import personal_data
from store.personal_data import ErasureRequest, MatchedAuthor, Removed
from store.sqlite import store_exists

LONDON = ZoneInfo("Europe/London")

out = Console()
err = Console(stderr=True)


def _app(ctx: click.Context) -> App:
    settings: Settings = ctx.obj.settings()
    return build_app(settings, model=None)


def _expire_set_aside(settings: Settings, dry_run: bool) -> int:
    """Webhook deliveries set aside and received before the retention limit: removed
    from the inbox (counted only, on a dry run). They hold what residents wrote."""
    from datetime import UTC, datetime

    from ingest.runner import webhook_inbox_path
    from ingest.webhook_inbox import expire_set_aside

    cutoff = personal_data.retention_cutoff(settings.retention_days, datetime.now(UTC))
    return expire_set_aside(webhook_inbox_path(settings), cutoff.timestamp(), dry_run=dry_run)


def _say_set_aside(say: Console, n: int, dry_run: bool) -> None:
    if n:
        deliveries = _plural(n, "webhook delivery", "webhook deliveries")
        verb = "would be" if dry_run else "was" if n == 1 else "were"
        say.print(f"{deliveries} set aside {verb} removed from the inbox.", highlight=False)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _counts(removed: Removed) -> dict[str, Any]:
    return {
        "comments": removed.comments,
        "queue_items": removed.queue_items,
        "dead_letters": removed.dead_letters,
        "audit_details_erased": removed.audit_details,
        "still_hidden_on_platform": list(removed.still_hidden),
        "indices_dropped": list(removed.indices),
    }


def _what(removed: Removed, *, planned: bool = False) -> str:
    return (
        f"{_plural(removed.comments, 'comment')}, {_plural(removed.queue_items, 'queue item')},"
        f" {_plural(removed.dead_letters, 'dead letter')}; the details of"
        f" {_plural(removed.audit_details, 'audit event')}"
        f" {'would be ' if planned else ''}replaced by an erasure marker"
    )


@click.command()
@click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
@json_option("what was removed")
@click.pass_context
def retention(ctx: click.Context, dry_run: bool, as_json: bool) -> None:
    """Remove comments older than the `retention_days` setting.

    Their full-text rows and queue items go with them, and so do dead letters and webhook
    deliveries set aside (`houserules webhook set-aside`) older than the limit; their
    audit events stay, with the detail replaced by an erasure marker.
    On Elasticsearch a month's index is dropped only once all of that month is past the
    limit. Run it daily (cron, a Kubernetes CronJob); a run with nothing to do is cheap,
    and one before anything is stored makes nothing.
    """
    settings: Settings = ctx.obj.settings()
    set_aside = _expire_set_aside(settings, dry_run)
    if settings.store == "sqlite" and not store_exists(settings.sqlite_path):
        err.print(
            cell(f"nothing stored yet in {settings.data_dir}: nothing to remove"),
            highlight=False,
            soft_wrap=True,
        )
        if as_json:
            emit_json(
                {
                    "dry_run": dry_run,
                    "store": "sqlite",
                    "nothing_stored": True,
                    "set_aside_deliveries": set_aside,
                }
            )
        else:
            _say_set_aside(out, set_aside, dry_run)
        return
    app = _app(ctx)
    try:
        days, now = app.settings.retention_days, app.clock.now()
        removed = app.store.apply_retention(days, now, dry_run=dry_run)
        examples = 0 if dry_run else _forget_examples(app)
    finally:
        app.close()
    cutoff = personal_data.retention_cutoff(days, now)
    if as_json:
        emit_json(
            {
                "dry_run": dry_run,
                "store": app.settings.store,
                "retention_days": days,
                "created_before": cutoff.isoformat(),
                **_counts(removed),
                "learning_examples_removed": examples,
                "set_aside_deliveries": set_aside,
            }
        )
        return
    verb = "would remove" if dry_run else "removed"
    out.print(
        f"retention {days} days: {verb} what was created before "
        f"{cutoff.astimezone(LONDON):%d %b %Y %H:%M} (UK time): {_what(removed)}.",
        highlight=False,
    )
    if examples:
        out.print(_examples_line(examples), highlight=False)
    _say_set_aside(out, set_aside, dry_run)
    if removed.indices:
        out.print(
            f"Elasticsearch indices {'to drop' if dry_run else 'dropped'}: "
            + ", ".join(removed.indices),
            highlight=False,
        )
    if app.settings.store == "elasticsearch":
        out.print(
            "Elasticsearch keeps a month's comments until all of that month is past the limit.",
            highlight=False,
        )
    if removed.still_hidden:
        out.print(
            _plural(
                len(removed.still_hidden),
                "comment was still hidden on its platform and stays",
                "comments were still hidden on their platforms and stay",
            )
            + " hidden there: houserules does not unhide or delete on the platform.",
            highlight=False,
        )
    if dry_run:
        out.print("Dry run: nothing was changed and nothing was written to the audit log.")


def _forget_examples(app: App) -> int:
    """Drop what `houserules learn` kept of the comments just removed (docs/learning.md)."""
    from houserules.learning.examples import forget_removed

    return forget_removed(app.settings.model_versions_dir, app.store)


def _examples_line(count: int) -> str:
    return (
        f"{_plural(count, 'learning example')} of these comments removed; model versions "
        "learned from them say so in `houserules model list` until `houserules learn` runs "
        "again without them."
    )


def _who(author: MatchedAuthor) -> str:
    names = ", ".join(f'"{name}"' for name in author.names) or "no name"
    author_id = f"id {author.author_id}" if author.author_id else "no platform id"
    return f"{names} ({author_id}): {_plural(author.comments, 'comment')}"


def _authors_json(removed: Removed) -> list[dict[str, Any]]:
    return [
        {"author_id": a.author_id, "names": list(a.names), "comments": a.comments}
        for a in removed.authors
    ]


@click.command()
@enum_option("--platform", Platform, help="The platform the author's comments are on.")
@click.option(
    "--author",
    required=True,
    help="The author's id on that platform, or their handle or display name as stored "
    "(case and a leading @ do not matter).",
)
@click.option("--by", required=True, help="Your name, for the audit log.")
@click.option(
    "--reason",
    required=True,
    help="Why, for the audit log: a case reference, never the person's name or id.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@json_option("what was erased")
@click.pass_context
def erase(
    ctx: click.Context,
    platform: str,
    author: str,
    by: str,
    reason: str,
    yes: bool,
    as_json: bool,
) -> None:
    """Erase everything stored about one author on one platform, at their request.

    Lists the authors and what of theirs matched, asks before erasing (unless --yes), then
    removes their comments with the full-text rows, queue items and dead letters that
    carry them, and replaces the details of those comments' audit events with
    "[erased at request: DATE]"; who did what and when stays. The erasure itself is
    audited with counts, your name and the reason, never the author. Nothing changes on
    the platform. A request that matches nothing is an error (exit status 2) and changes
    nothing; with --yes, so is one that matches more than one author.
    """
    settings: Settings = ctx.obj.settings()
    who = f"{platform} author {author!r}"
    if settings.store == "sqlite" and not store_exists(settings.sqlite_path):
        fail(f"nothing stored yet in {settings.data_dir}, so nothing matches {who}")
    app = _app(ctx)
    try:
        try:
            request = ErasureRequest(Platform(platform), author, by, reason, app.clock.now())
        except ValueError as bad:
            raise click.BadParameter(str(bad)) from None
        planned = app.store.erase_author(request, dry_run=True)
        if planned.comments == 0 and planned.dead_letters == 0:
            fail(
                f"nothing stored matches {who} (by id, handle or display name, ignoring "
                "case); nothing was erased"
            )
        say = err if as_json else out
        say.print(cell(f"{who} matches {_what(planned, planned=True)}:"), highlight=False)
        for matched in planned.authors:
            say.print(cell(f"  {_who(matched)}", one_line=True), highlight=False)
        if planned.dead_letters and not planned.authors:
            say.print("  (only in dead letters)", highlight=False, markup=False)
        if len(planned.authors) > 1:
            say.print(
                f"These are {len(planned.authors)} different authors; to erase only one, "
                "give their id as --author.",
                highlight=False,
                markup=False,
            )
            if yes:
                fail(
                    f"{who} matches {len(planned.authors)} different authors; --yes erases "
                    "only a request that matches one: confirm without --yes, or give an id"
                )
        if not yes:
            click.confirm("Erase all of this?", abort=True, err=as_json)
        removed = app.store.erase_author(request)
        examples = _forget_examples(app)
    finally:
        app.close()
    if as_json:
        emit_json(
            {
                "platform": platform,
                "authors": _authors_json(removed),
                **_counts(removed),
                "learning_examples_removed": examples,
            }
        )
        return
    out.print(f"erased for {shown(who)}: {_what(removed)}.", highlight=False)
    if examples:
        out.print(_examples_line(examples), highlight=False)
    if removed.still_hidden:
        out.print(
            cell(
                _plural(len(removed.still_hidden), "comment is", "comments are")
                + f" still hidden on {platform} and "
                + ("stays" if len(removed.still_hidden) == 1 else "stay")
                + " hidden there (houserules does not unhide or delete on the platform; do"
                " that there if the request asks for it): " + ", ".join(removed.still_hidden)
            ),
            highlight=False,
        )
    out.print(f"Recorded in the audit log as an erasure by {shown(by)}.", highlight=False)
