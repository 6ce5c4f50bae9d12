"""`houserules services up|down|status`: the local Kafka broker and Elasticsearch node.

Progress goes to stderr, results to stdout (`--json` for machines). Expected failures
(a port taken, a download refused, a server that will not start) end with a message and
exit status 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
from pydantic import ValidationError

from houserules.command_output import fail, json_option
from houserules.services.errors import ServiceError
from houserules.services.local_services import SERVER_NAMES, LocalServices, ServerStatus
from houserules.services.settings import ServicesSettings

_only = click.option(
    "--only",
    type=click.Choice(SERVER_NAMES),
    multiple=True,
    help="Act on this server only (repeatable). Default: both.",
)
_as_json = json_option("the result")


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _services(progress: Callable[[str], None], **overrides: Any) -> LocalServices:
    try:
        settings = ServicesSettings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise click.ClickException(f"invalid services settings: {problems}") from None
    return LocalServices(settings, progress)


def _print_statuses(statuses: list[ServerStatus], as_json: bool, run_dir: str) -> None:
    if as_json:
        click.echo(json.dumps({"run_dir": run_dir, "servers": [s.as_dict() for s in statuses]}))
        return
    for status in statuses:
        pid = status.pid if status.pid is not None else "-"
        click.echo(
            f"{status.name:<14} {status.state:<8} pid {pid!s:<8} {status.address:<24} "
            f"health {status.health}"
        )


@click.group(name="services")
def services() -> None:
    """Run a local Kafka broker and Elasticsearch node (downloaded from Maven Central).

    Downloads are cached in HOUSERULES_SERVICES_CACHE (default
    ~/.cache/houserules/services); configuration, data, logs and pids live in
    HOUSERULES_SERVICES_DIR (default ./var/services).
    """


@services.command()
@_only
@click.option("--kafka-port", type=int, help="Kafka client port (default 9092).")
@click.option("--kafka-controller-port", type=int, help="KRaft controller port (default 9093).")
@click.option("--elasticsearch-port", type=int, help="Elasticsearch HTTP port (default 9200).")
@click.option("--timeout", type=float, help="Seconds to wait for each server to be healthy.")
@_as_json
def up(
    only: tuple[str, ...],
    kafka_port: int | None,
    kafka_controller_port: int | None,
    elasticsearch_port: int | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Fetch (first time), start and wait until healthy. Already running: only checked."""
    local = _services(
        _progress,
        kafka_port=kafka_port,
        kafka_controller_port=kafka_controller_port,
        elasticsearch_port=elasticsearch_port,
    )
    names = only or SERVER_NAMES
    try:
        local.up(names, timeout)
    except ServiceError as error:
        fail(str(error), status=1)
    _print_statuses(local.status(names), as_json, str(local.settings.run_dir))


@services.command()
@_only
@_as_json
def down(only: tuple[str, ...], as_json: bool) -> None:
    """Stop the servers (SIGTERM, then SIGKILL after a grace period). Data is kept."""
    local = _services(_progress)
    names = only or SERVER_NAMES
    try:
        stopped = local.down(names)
    except ServiceError as error:
        fail(str(error), status=1)
    if as_json:
        click.echo(json.dumps({"run_dir": str(local.settings.run_dir), "stopped": stopped}))
    elif not stopped:
        click.echo("nothing was running")
    else:
        click.echo(f"stopped: {', '.join(stopped)}")


@services.command()
@_only
@_as_json
def status(only: tuple[str, ...], as_json: bool) -> None:
    """Report each server: running or stopped, pid, address, health.

    Exit status 0 when every server asked about is running and healthy, 1 otherwise.
    """
    local = _services(_progress)
    statuses = local.status(only or SERVER_NAMES)
    _print_statuses(statuses, as_json, str(local.settings.run_dir))
    if not all(s.healthy for s in statuses):
        sys.exit(1)
