"""The review app's composition root and commands: `houserules serve`, `houserules users`.

`build_review_app` wires the store, the platform moderators, the decision sink (applied here
in embedded mode, the decisions topic in scale-out mode), the accounts and the escalation
alerts; tests call it with their own store, moderators, clock or notifier.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

import click

from houserules.bootstrap import build_app
from houserules.learning.status import model_status
from houserules.settings import Settings
from ingest.connector_health import read_statuses, status_dir
from moderation.comment import Platform
from moderation.outside_text import visible
from moderation.platform import PlatformModerator
from review_app.accounts import AccountError, Accounts, Role
from review_app.alerts import EmailAndWebhook, EscalationWatcher, Notifier
from review_app.app import create_app
from review_app.decisions import AppliedHere, DecisionSink, SentToWorker
from review_app.web import ReviewDeps
from store.base import Store
from stream.clock import Clock


def accounts_for(settings: Settings, clock: Clock) -> Accounts:
    s = settings.review_app
    return Accounts(
        settings.data_dir / "review_app.db",
        clock,
        idle=timedelta(minutes=s.session_idle_minutes),
        max_age=timedelta(hours=s.session_max_hours),
        lockout_after=s.lockout_after,
        lockout_for=timedelta(minutes=s.lockout_minutes),
    )


def build_review_app(
    settings: Settings,
    *,
    store: Store | None = None,
    moderators: Mapping[Platform, PlatformModerator] | None = None,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
    decisions: DecisionSink | None = None,
    alerts: bool = True,
) -> tuple[Any, ReviewDeps]:
    """The ASGI app and its parts. The app classifies nothing, so no model is loaded."""
    parts = build_app(settings, store=store, moderators=moderators, clock=clock, model=None)
    scale_out = settings.transport == "kafka"
    if decisions is None:
        decisions = (
            SentToWorker(settings.kafka)
            if scale_out
            else AppliedHere(parts.store, parts.moderators, parts.clock)
        )
    watcher = None
    if alerts:
        watcher = EscalationWatcher(
            parts.store,
            notifier or EmailAndWebhook(settings.review_app.alerts),
            parts.clock,
            settings.review_app.public_url,
        )
    deps = ReviewDeps(
        store=parts.store,
        accounts=accounts_for(settings, parts.clock),
        decisions=decisions,
        rules=parts.rules,
        clock=parts.clock,
        settings=settings.review_app,
        watcher=watcher,
        mode="scale-out" if scale_out else "embedded",
        model_status=lambda: model_status(settings.model_versions_dir),
        connector_status=partial(read_statuses, status_dir(settings.data_dir)),
        report_state_dir=settings.data_dir / "reports",
    )
    return create_app(deps), deps


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.pass_obj
def serve(obj: Any, host: str, port: int) -> None:
    """Serve the review app (queues, comments, decisions, audit) under uvicorn."""
    from ingest.asgi_server import serve as serve_asgi

    settings: Settings = obj.settings()
    app, deps = build_review_app(settings)
    click.echo(f"review app on http://{host}:{port} ({deps.mode} mode)", err=True)
    try:
        # The same server settings as the webhook receiver: request timeouts, a bound on
        # connections, and no query strings in the access log.
        serve_asgi(app, host, port, proxy_headers=True)
    finally:
        deps.decisions.close()
        deps.accounts.close()
        deps.store.close()


@click.group()
def users() -> None:
    """Manage the review app's local accounts (viewer, moderator, admin)."""


def _accounts(obj: Any) -> Accounts:
    from stream.clock import SystemClock

    return accounts_for(obj.settings(), SystemClock())


def _fail(message: str) -> None:
    from houserules.log_safety import clean

    click.echo(f"error: {clean(message)}", err=True)
    sys.exit(2)


@users.command(name="add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default="moderator",
    show_default=True,
    help="viewer: reads; moderator: decides; admin: also manages accounts.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON.")
@click.pass_obj
def users_add(obj: Any, name: str, role: str, as_json: bool) -> None:
    """Add a user; the password is read from standard input (one line)."""
    password = sys.stdin.readline().rstrip("\r\n")
    accounts = _accounts(obj)
    try:
        user = accounts.add(name, Role(role), password)
    except AccountError as exc:
        _fail(str(exc))
    else:
        _done(as_json, f"added {user.name} ({user.role.value})", user.name, added=True)
    finally:
        accounts.close()


@users.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
@click.pass_obj
def users_list(obj: Any, as_json: bool) -> None:
    """List the accounts with their roles."""
    import json

    accounts = _accounts(obj)
    found = accounts.list()
    accounts.close()
    if as_json:
        click.echo(
            json.dumps(
                [{"name": u.name, "role": u.role.value, "disabled": u.disabled} for u in found],
                indent=2,
            )
        )
        return
    for u in found:
        name = visible(u.name, one_line=True)
        click.echo(f"{name}\t{u.role.value}\t{'disabled' if u.disabled else 'active'}")


@users.command(name="disable")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON.")
@click.pass_obj
def users_disable(obj: Any, name: str, as_json: bool) -> None:
    """Disable an account and end its sessions."""
    _change(
        obj, lambda a: a.set_disabled(name, True), f"{name} disabled", as_json, name, disabled=True
    )


@users.command(name="enable")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON.")
@click.pass_obj
def users_enable(obj: Any, name: str, as_json: bool) -> None:
    """Enable a disabled account."""
    _change(
        obj, lambda a: a.set_disabled(name, False), f"{name} enabled", as_json, name, disabled=False
    )


@users.command(name="set-role")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON.")
@click.pass_obj
def users_set_role(obj: Any, name: str, role: str, as_json: bool) -> None:
    """Change an account's role."""
    _change(
        obj,
        lambda a: a.set_role(name, Role(role)),
        f"{name} is now {role}",
        as_json,
        name,
        role=role,
    )


@users.command(name="set-password")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON.")
@click.pass_obj
def users_set_password(obj: Any, name: str, as_json: bool) -> None:
    """Set a new password (read from standard input); ends the user's sessions."""
    password = sys.stdin.readline().rstrip("\r\n")
    _change(
        obj,
        lambda a: a.set_password(name, password),
        f"password set for {name}",
        as_json,
        name,
        password_set=True,
    )


def _done(as_json: bool, message: str, name: str, **changed: Any) -> None:
    if as_json:
        import json

        click.echo(json.dumps({"name": name, **changed}, indent=2))
    else:
        click.echo(visible(message, one_line=True))


def _change(obj: Any, change: Any, done: str, as_json: bool, name: str, **changed: Any) -> None:
    accounts = _accounts(obj)
    try:
        change(accounts)
    except AccountError as exc:
        _fail(str(exc))
    else:
        _done(as_json, done, name, **changed)
    finally:
        accounts.close()
