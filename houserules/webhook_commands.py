"""`houserules webhook serve` and `houserules webhook set-aside`: the Facebook and Instagram
webhook receiver, and the deliveries it could never handle.

A delivery is set aside (kept in the inbox with its reason, never deleted) when the drain
can never handle it: a body this version can no longer read, or a mention Instagram says
does not exist. `set-aside` lists them for an operator; `houserules retention` removes
those received before the retention limit, since their bodies hold what residents wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from houserules.bootstrap import comment_sink
from houserules.command_output import emit_json, json_option, listen_options
from houserules.outside_text import cell
from houserules.settings import Settings

LONDON = ZoneInfo("Europe/London")

out = Console()
err = Console(stderr=True)


@click.group()
def webhook() -> None:
    """The Facebook and Instagram webhook receiver."""


@webhook.command(name="serve")
@listen_options(port=8081)
@click.pass_obj
def webhook_serve(obj: Any, host: str, port: int) -> None:
    """Serve /webhooks/facebook and /webhooks/instagram until interrupted."""
    from ingest.runner import serve_webhooks

    settings: Settings = obj.settings()
    sink, close = comment_sink(settings)
    err.print(f"webhooks listening on http://{host}:{port}/webhooks/{{facebook,instagram}}")
    try:
        serve_webhooks(settings, sink, host, port)
    except KeyboardInterrupt:
        pass
    finally:
        close()


@webhook.command(name="set-aside")
@json_option("the deliveries")
@click.pass_obj
def webhook_set_aside(obj: Any, as_json: bool) -> None:
    """List the deliveries set aside as impossible to handle, with why, oldest first.

    Their bodies stay in the inbox (webhook-inbox.db in the data folder) until
    `houserules retention` removes those older than the retention limit."""
    from ingest.runner import webhook_inbox_path
    from ingest.webhook_inbox import set_aside

    settings: Settings = obj.settings()
    found = set_aside(webhook_inbox_path(settings))
    if as_json:
        emit_json(
            [
                {
                    "id": d.id,
                    "platform": d.platform,
                    "received_at": datetime.fromtimestamp(d.received_at, UTC).isoformat(),
                    "attempts": d.attempts,
                    "reason": d.reason,
                    "bytes": d.size,
                }
                for d in found
            ]
        )
        return
    if not found:
        out.print("no webhook deliveries are set aside", highlight=False)
        return
    table = Table("delivery", "platform", "received (UK time)", "bytes", "why it was set aside")
    for d in found:
        received = datetime.fromtimestamp(d.received_at, LONDON)
        table.add_row(
            str(d.id), cell(d.platform), f"{received:%d %b %Y %H:%M}", str(d.size), cell(d.reason)
        )
    out.print(table)
    out.print(
        f"{len(found)} set aside; `houserules retention` removes those received before the "
        f"{settings.retention_days}-day limit",
        highlight=False,
    )
