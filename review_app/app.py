"""The review app: every route in one place, behind the guard (sessions, CSRF, headers).

`create_app` takes its parts ready-made (`ReviewDeps`), so `houserules serve` and the tests
build the same app with the real store or a test one; nothing is read at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from review_app import comment_views, dashboard_views, other_views, queue_views
from review_app.guard import Guard
from review_app.web import ReviewDeps, environment, render
from stream.outages import is_transient

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

# What people read (GET, and HEAD) and what they do (POST). Starlette tries each path in
# turn, so a more particular one ("/queues/{name}.csv") comes before a wider one.
PAGES = {
    "/healthz": other_views.healthz,
    "/sign-in": other_views.sign_in_page,
    "/": queue_views.home,
    "/live/escalations": queue_views.live_escalations,
    "/queues/{name}.csv": queue_views.queue_csv,
    "/queues/{name}": queue_views.queue_page,
    "/queues/{name}/rows": queue_views.queue_rows,
    "/items/{item_id:int}": comment_views.item_page,
    "/comments/{key:path}": comment_views.comment_page,
    "/search": other_views.search,
    "/audit": other_views.audit_page,
    "/audit.csv": other_views.audit_csv,
    "/dashboards": dashboard_views.index,
    "/dashboards/{name}": dashboard_views.dashboard_page,
    "/admin/users": other_views.users_page,
}
ACTIONS = {
    "/sign-in": other_views.sign_in,
    "/sign-out": other_views.sign_out,
    "/queues/{name}/confirm": queue_views.bulk_confirm,
    "/items/{item_id:int}/decide": comment_views.decide,
    "/items/{item_id:int}/claim": comment_views.claim,
    "/items/{item_id:int}/release": comment_views.release,
    "/items/{item_id:int}/assign": comment_views.assign,
    "/comments/{key:path}/categories": comment_views.recategorise,
    "/admin/users/{name}": other_views.user_change,
}
ROUTES = [
    *(Route(path, view, methods=["GET"]) for path, view in PAGES.items()),
    *(Route(path, view, methods=["POST"]) for path, view in ACTIONS.items()),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


def _explained(
    request: Request, status: int, detail: str, title: str, headers: dict[str, str] | None = None
) -> Response:
    """An error page for someone signed in, plain text for anyone else (a script, a
    health check, a visitor not yet signed in)."""
    if request.scope.get("state", {}).get("session") is None:
        return Response(detail, status_code=status, media_type="text/plain", headers=headers)
    page = render(
        request, "error.html", {"status": status, "detail": detail, "title": title}, status=status
    )
    page.headers.update(headers or {})
    return page


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _explained(request, exc.status_code, exc.detail, "Not available")


async def _store_busy(request: Request, exc: Exception) -> Response:
    """The store could not take a write in time (SQLite held by another writer, such as
    the worker or retention): nothing was changed, so say so and ask for a retry, rather
    than answering 500. Any other database error is a real fault and goes on up."""
    if not is_transient(exc):
        raise exc
    log.warning("the store was busy (%s): answered 503, nothing changed", exc)
    detail = "The store is busy with other work; nothing was changed. Try again in a moment."
    return _explained(request, 503, detail, "Busy", {"Retry-After": "5"})


def create_app(deps: ReviewDeps) -> ASGIApp:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        watcher = None
        if deps.watcher is not None:
            watcher = asyncio.create_task(
                deps.watcher.run(deps.settings.alerts.poll_seconds), name="escalation alerts"
            )
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    app = Starlette(
        routes=ROUTES,
        exception_handlers={HTTPException: _error_page, sqlite3.OperationalError: _store_busy},
        lifespan=lifespan,
    )
    app.state.deps = deps
    app.state.env = environment()
    return Guard(
        app,
        deps.accounts,
        secure_cookies=deps.settings.secure_cookies,
        trusted_user_header=deps.settings.trusted_user_header,
        trusted_proxies=deps.settings.trusted_proxies,
    )
