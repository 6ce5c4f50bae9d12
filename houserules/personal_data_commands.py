"""`houserules retention` and `houserules erase`: personal data kept only as long as the
retention setting says, and erased by author on request.

Both work on the configured store (SQLite or Elasticsearch) and never on the platform: a
comment houserules hid stays hidden there, and the output says which. Each run that
changes something appends one audit event; a retention dry run appends none.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.markup import escape

from houserules.bootstrap import App, build_app
from houserules.settings import Settings
from moderation.comment import Platform
from store import personal_data
from store.personal_data import ErasureRequest, Removed

LONDON = ZoneInfo("Europe/London")

out = Console()


def _app(ctx: click.Context) -> App:
    settings: Settings = ctx.obj.settings()
    return build_app(settings, model=None)


def _emit_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


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


def _what(removed: Removed) -> str:
    return (
        f"{_plural(removed.comments, 'comment')}, {_plural(removed.queue_items, 'queue item')},"
        f" {_plural(removed.dead_letters, 'dead letter')}; the details of"
        f" {_plural(removed.audit_details, 'audit event')} replaced by an erasure marker"
    )


@click.command()
@click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def retention(ctx: click.Context, dry_run: bool, as_json: bool) -> None:
    """Remove comments older than the `retention_days` setting.

    Their full-text rows and queue items go with them, and so do dead letters older than
    the limit; their audit events stay, with the detail replaced by an erasure marker.
    On Elasticsearch a month's index is dropped only once all of that month is past the
    limit. Run it daily (cron, a Kubernetes CronJob); a run with nothing to do is cheap.
    """
    app = _app(ctx)
    try:
        days, now = app.settings.retention_days, app.clock.now()
        removed = app.store.apply_retention(days, now, dry_run=dry_run)
    finally:
        app.close()
    cutoff = personal_data.retention_cutoff(days, now)
    if as_json:
        _emit_json(
            {
                "dry_run": dry_run,
                "store": app.settings.store,
                "retention_days": days,
                "created_before": cutoff.isoformat(),
                **_counts(removed),
            }
        )
        return
    verb = "would remove" if dry_run else "removed"
    out.print(
        f"retention {days} days: {verb} what was created before "
        f"{cutoff.astimezone(LONDON):%d %b %Y %H:%M} (UK time): {_what(removed)}.",
        highlight=False,
    )
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


@click.command()
@click.option(
    "--platform",
    required=True,
    type=click.Choice([p.value for p in Platform]),
    help="The platform the author's comments are on.",
)
@click.option(
    "--author",
    required=True,
    help="The author's id on that platform (their handle, for comments imported without one).",
)
@click.option("--by", required=True, help="Your name, for the audit log.")
@click.option(
    "--reason",
    required=True,
    help="Why, for the audit log: a case reference, never the person's name or id.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def erase(
    ctx: click.Context, platform: str, author: str, by: str, reason: str, as_json: bool
) -> None:
    """Erase everything stored about one author on one platform, at their request.

    Removes their comments with the full-text rows, queue items and dead letters that
    carry them, and replaces the details of those comments' audit events with
    "[erased at request: DATE]"; who did what and when stays. The erasure itself is
    audited with counts, your name and the reason, never the author. Nothing changes on
    the platform. An author with nothing stored is not an error (exit status 0).
    """
    app = _app(ctx)
    try:
        try:
            request = ErasureRequest(Platform(platform), author, by, reason, app.clock.now())
        except ValueError as bad:
            raise click.BadParameter(str(bad)) from None
        removed = app.store.erase_author(request)
    finally:
        app.close()
    if as_json:
        _emit_json({"platform": platform, "nothing_to_erase": removed.nothing, **_counts(removed)})
        return
    who = escape(f"{platform} author {author}")
    if removed.nothing:
        out.print(
            f"nothing to erase: no comments or dead letters by {who} are stored. "
            "The request is recorded in the audit log.",
            highlight=False,
        )
        return
    out.print(f"erased for {who}: {_what(removed)}.", highlight=False)
    if removed.still_hidden:
        out.print(
            _plural(len(removed.still_hidden), "comment is", "comments are")
            + f" still hidden on {platform} and "
            + ("stays" if len(removed.still_hidden) == 1 else "stay")
            + " hidden there (houserules does not unhide or delete on the platform; do that"
            " there if the request asks for it): " + ", ".join(removed.still_hidden),
            highlight=False,
            markup=False,
        )
    out.print(f"Recorded in the audit log as an erasure by {escape(by)}.", highlight=False)
