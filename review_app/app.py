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

ROUTES = [
    Route("/healthz", other_views.healthz),
    Route("/sign-in", other_views.sign_in_page, methods=["GET"]),
    Route("/sign-in", other_views.sign_in, methods=["POST"]),
    Route("/sign-out", other_views.sign_out, methods=["POST"]),
    Route("/", queue_views.home),
    Route("/live/escalations", queue_views.live_escalations),
    Route("/queues/{name}.csv", queue_views.queue_csv),
    Route("/queues/{name}", queue_views.queue_page),
    Route("/queues/{name}/rows", queue_views.queue_rows),
    Route("/queues/{name}/confirm", queue_views.bulk_confirm, methods=["POST"]),
    Route("/items/{item_id:int}", comment_views.item_page),
    Route("/items/{item_id:int}/decide", comment_views.decide, methods=["POST"]),
    Route("/items/{item_id:int}/claim", comment_views.claim, methods=["POST"]),
    Route("/items/{item_id:int}/release", comment_views.release, methods=["POST"]),
    Route("/items/{item_id:int}/assign", comment_views.assign, methods=["POST"]),
    Route("/comments/{key:path}/categories", comment_views.recategorise, methods=["POST"]),
    Route("/comments/{key:path}", comment_views.comment_page),
    Route("/search", other_views.search),
    Route("/audit", other_views.audit_page),
    Route("/audit.csv", other_views.audit_csv),
    Route("/dashboards", dashboard_views.index),
    Route("/dashboards/{name}", dashboard_views.dashboard_page),
    Route("/admin/users", other_views.users_page),
    Route("/admin/users/{name}", other_views.user_change, methods=["POST"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.scope.get("state", {}).get("session") is None:
        return Response(exc.detail, status_code=exc.status_code, media_type="text/plain")
    return render(
        request,
        "error.html",
        {"status": exc.status_code, "detail": exc.detail, "title": "Not available"},
        status=exc.status_code,
    )


async def _store_busy(request: Request, exc: Exception) -> Response:
    """The store could not take a write in time (SQLite held by another writer, such as
    the worker or retention): nothing was changed, so say so and ask for a retry, rather
    than answering 500. Any other database error is a real fault and goes on up."""
    if not is_transient(exc):
        raise exc
    log.warning("the store was busy (%s): answered 503, nothing changed", exc)
    detail = "The store is busy with other work; nothing was changed. Try again in a moment."
    headers = {"Retry-After": "5"}
    if request.scope.get("state", {}).get("session") is None:
        return Response(detail, status_code=503, media_type="text/plain", headers=headers)
    page = render(
        request, "error.html", {"status": 503, "detail": detail, "title": "Busy"}, status=503
    )
    page.headers.update(headers)
    return page


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
