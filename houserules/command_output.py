"""What every `houserules` command prints besides its own results: the `error:` line of an
expected failure, JSON for scripts, and the `--json` option that asks for it.

One function prints every command's error line, so every command's errors are safe in the
same way. An error message often quotes outside text (a file name, a comment, a name typed
on the command line) and, through a library's words, sometimes a secret; printed raw, an
escape sequence in it would be obeyed by the officer's terminal, `[conceal]` would be read
as rich markup, and a token would be on screen. `fail` masks the registered secrets, shows
control characters as escapes (`moderation.outside_text.visible`) and shows markup as text.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console

from houserules.log_safety import mask
from houserules.outside_text import shown

F = TypeVar("F", bound=Callable[..., Any])

# Looked up at print time, so a test's captured stderr is the one written to.
_err = Console(stderr=True)


def error_line(message: str) -> str:
    """The rich markup of `message` as an `error:` line, every part of it shown as text.

    Newlines a message lays out (a list of configuration problems) stay; every other
    control character, and any secret registered with `register_secrets`, does not."""
    return f"[red]error:[/red] {shown(mask(message))}"


def fail(message: str, *, status: int = 2) -> NoReturn:
    """An expected failure: one `error:` line on standard error, then exit with `status`
    (2 unless the command documents another)."""
    _err.print(error_line(message), highlight=False, soft_wrap=True)
    sys.exit(status)


def emit_json(data: Any) -> None:
    """`data` as indented JSON on standard output; text is kept exactly (not \\u-escaped)
    and values JSON has no type for (dates, paths) are written as their text."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def json_option(what: str) -> Callable[[F], F]:
    """The `--json` flag every command takes: "Print {what} as JSON."."""
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON.")


def enum_option(
    name: str, choices: type[Any], *, help: str, default: str | None = None
) -> Callable[[F], F]:
    """An option whose value is one of an enum's values: required unless it has a default,
    which --help then shows."""
    return click.option(
        name,
        type=click.Choice([c.value for c in choices]),
        default=default,
        required=default is None,
        show_default=default is not None,
        help=help,
    )


def listen_options(port: int) -> Callable[[F], F]:
    """--host (127.0.0.1 unless told: a server is not exposed by accident) and --port, for
    a command that serves HTTP."""

    def add(command: F) -> F:
        command = click.option(
            "--port", default=port, show_default=True, type=int, help="Port to listen on."
        )(command)
        return click.option(
            "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
        )(command)

    return add
