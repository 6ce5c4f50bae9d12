"""The Dashboards pages: the Kibana dashboards' views for a council without Kibana (or
with it), drawn on the server from the configured store, each chart with a sentence saying
what it shows and its numbers as a table, rows linking to the items they count."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dashboards.catalogue import DASHBOARDS, dashboard
from dashboards.model import Dashboard
from dashboards.render import DrawnChart, draw
from dashboards.sources import ChartSource, ElasticsearchSource, RecentSource, SqliteSource
from review_app.web import deps, render, session
from store.elasticsearch import ElasticsearchStore
from store.sqlite import SqliteStore

# Row columns that name something the review app has a page for.
LINKS = {"item": "/items/{}", "comment": "/comments/{}"}


def chart_source(request: Request) -> tuple[RecentSource, str]:
    """The app's data source for charts (made once), and its name for the page."""
    state = request.app.state
    if getattr(state, "chart_source", None) is None:
        store = deps(request).store
        source: ChartSource
        if isinstance(store, ElasticsearchStore):
            source, state.chart_source_name = (
                ElasticsearchSource(store.client, store.names),
                "Elasticsearch",
            )
        elif isinstance(store, SqliteStore):
            source, state.chart_source_name = SqliteSource(Path(store.path)), "the local store"
        else:
            raise HTTPException(501, "Dashboards need the SQLite or Elasticsearch store.")
        state.chart_source = RecentSource(source, deps(request).settings.dashboard_cache_seconds)
    recent: RecentSource = state.chart_source
    name: str = state.chart_source_name
    return recent, name


def _svg(drawn: DrawnChart) -> Markup:
    # vl-convert escapes every text it draws; the image is named by the summary below it.
    opening = f'<svg role="img" aria-labelledby="summary-{drawn.chart.name}" focusable="false" '
    return Markup(drawn.svg.replace("<svg ", opening, 1))


def _draw_all(
    source: RecentSource, board: Dashboard, now: datetime
) -> tuple[list[DrawnChart], datetime]:
    """Every chart of the board, and the moment of its oldest figures."""
    drawn, oldest = [], now
    for chart in board.charts:
        counted, rows = source.rows_as_of(chart, now)
        oldest = min(oldest, counted)
        drawn.append(draw(chart, rows, now))
    return drawn, oldest


async def index(request: Request) -> Response:
    session(request)
    return render(request, "dashboards.html", {"dashboards": DASHBOARDS, "title": "Dashboards"})


async def dashboard_page(request: Request) -> Response:
    session(request)
    board = dashboard(request.path_params["name"])
    if board is None:
        raise HTTPException(404, "There is no such dashboard.")
    source, source_name = chart_source(request)
    drawn, counted = await asyncio.to_thread(_draw_all, source, board, deps(request).clock.now())
    return render(
        request,
        "dashboard.html",
        {
            "dashboards": DASHBOARDS,
            "board": board,
            "charts": [(d, _svg(d)) for d in drawn],
            "links": LINKS,
            "source_name": source_name,
            "now": counted,
            "title": f"{board.title} dashboard",
        },
    )
