"""The review app's composition root and commands: `houserules serve`, `houserules users`.

`build_review_app` wires the store, the platform moderators, the decision sink (applied here
in embedded mode, the decisions topic in scale-out mode), the accounts and the escalation
alerts; tests call it with their own store, moderators, clock or notifier.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import partial
from typing import Any

import click

from houserules.bootstrap import build_app
from houserules.command_output import emit_json, enum_option, fail, json_option, listen_options
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
@listen_options(port=8000)
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


@users.command(name="add")
@click.argument("name")
@enum_option(
    "--role",
    Role,
    default="moderator",
    help="viewer: reads; moderator: decides; admin: also manages accounts.",
)
@json_option("the account")
@click.pass_obj
def users_add(obj: Any, name: str, role: str, as_json: bool) -> None:
    """Add a user; the password is read from standard input (one line)."""
    password = sys.stdin.readline().rstrip("\r\n")
    accounts = _accounts(obj)
    try:
        user = accounts.add(name, Role(role), password)
    except AccountError as exc:
        fail(str(exc))
    else:
        _done(as_json, f"added {user.name} ({user.role.value})", user.name, added=True)
    finally:
        accounts.close()


@users.command(name="list")
@json_option("the accounts")
@click.pass_obj
def users_list(obj: Any, as_json: bool) -> None:
    """List the accounts with their roles."""
    accounts = _accounts(obj)
    found = accounts.list()
    accounts.close()
    if as_json:
        emit_json([{"name": u.name, "role": u.role.value, "disabled": u.disabled} for u in found])
        return
    for u in found:
        name = visible(u.name, one_line=True)
        click.echo(f"{name}\t{u.role.value}\t{'disabled' if u.disabled else 'active'}")


def _switch(enable: bool) -> Callable[..., None]:
    """`users enable` and `users disable`: the same change, one way or the other."""
    word = "enabled" if enable else "disabled"

    @click.argument("name")
    @json_option("the account")
    @click.pass_obj
    def switch(obj: Any, name: str, as_json: bool) -> None:
        def change(accounts: Accounts) -> None:
            accounts.set_disabled(name, not enable)

        _change(obj, change, f"{name} {word}", as_json, name, disabled=not enable)

    return switch


users.command(name="disable", help="Disable an account and end its sessions.")(_switch(False))
users.command(name="enable", help="Enable a disabled account.")(_switch(True))


@users.command(name="set-role")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@json_option("the account")
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
@json_option("the account")
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
        emit_json({"name": name, **changed})
    else:
        click.echo(visible(message, one_line=True))


def _change(obj: Any, change: Any, done: str, as_json: bool, name: str, **changed: Any) -> None:
    accounts = _accounts(obj)
    try:
        change(accounts)
    except AccountError as exc:
        fail(str(exc))
    else:
        _done(as_json, done, name, **changed)
    finally:
        accounts.close()
