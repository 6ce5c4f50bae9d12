"""`houserules dashboards install` and `houserules dashboards export`: the Kibana saved
objects for the configured index prefix and review app address.

Install goes through Kibana's saved objects import API with overwrite, so running it again
changes nothing; Kibana's address and credentials come from the `kibana` settings (the
credentials are never printed), `--kibana` and `--space` override the address and space.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from dashboards.kibana_api import Kibana, KibanaError
from dashboards.saved_objects import KIBANA_VERSION, ndjson, saved_objects
from houserules.command_output import fail
from houserules.settings import Settings

out = Console()


def _objects(settings: Settings) -> str:
    return ndjson(
        saved_objects(settings.elasticsearch.index_prefix, settings.review_app.public_url)
    )


@click.group()
def dashboards() -> None:
    """Kibana dashboards: Triage, Comms, Reputation and Accountability."""


@dashboards.command()
@click.option("--kibana", "url", help="Kibana's address (default: the kibana.url setting).")
@click.option(
    "--space", default=None, help="Kibana space id (default: kibana.space, else default)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def install(ctx: click.Context, url: str | None, space: str | None, as_json: bool) -> None:
    """Install (or update) the data views, visualizations and dashboards in Kibana."""
    settings: Settings = ctx.obj.settings()
    kibana = settings.kibana if url is None else settings.kibana.model_copy(update={"url": url})
    try:
        done = Kibana(kibana).install(
            _objects(settings), KIBANA_VERSION, kibana.space if space is None else space
        )
    except KibanaError as exc:
        fail(str(exc))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "kibana_version": done.kibana_version,
                    "space": done.space,
                    "objects": done.objects,
                }
            )
        )
        return
    out.print(
        f"installed {done.objects} saved objects in Kibana {done.kibana_version}"
        f" (space {done.space}): dashboards 'houserules: Triage', 'Comms', 'Reputation'"
        " and 'Accountability'",
        highlight=False,
        markup=False,
    )


@dashboards.command()
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write the NDJSON to.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def export(ctx: click.Context, out_file: Path, as_json: bool) -> None:
    """Write the saved objects as NDJSON, for Kibana's Saved Objects > Import."""
    settings: Settings = ctx.obj.settings()
    text = _objects(settings)
    try:
        out_file.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {out_file}: {exc.strerror or exc}")
    count = text.count("\n")
    if as_json:
        click.echo(json.dumps({"file": str(out_file), "objects": count}))
        return
    out.print(f"wrote {count} saved objects to {out_file}", highlight=False, markup=False)


def _add_bench() -> None:
    from houserules.dashboards_bench import bench

    dashboards.add_command(bench)


_add_bench()
