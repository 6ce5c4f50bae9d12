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

from dashboards.board_figures import BoardFigures, PooledSqliteSource
from dashboards.catalogue import DASHBOARDS, dashboard
from dashboards.model import Dashboard
from dashboards.render import DrawnChart
from dashboards.sources import ElasticsearchSource
from dashboards.sqlite_indexes import ensure_indexes
from review_app.dashboard_themes import DrawnThemes
from review_app.dashboard_themes import draw as draw_themes
from review_app.web import deps, render, session
from store.elasticsearch import ElasticsearchStore
from store.sqlite import SqliteStore

# Row columns that name something the review app has a page for.
LINKS = {"item": "/items/{}", "comment": "/comments/{}"}
# The weekly report's themes are shown on this board, after this chart.
THEMES_BOARD, THEMES_AFTER = "reputation", "tone_by_day"


def figures(request: Request) -> tuple[BoardFigures, str]:
    """The app's drawn charts (made once), and the name of the store they come from."""
    state = request.app.state
    if getattr(state, "board_figures", None) is None:
        store = deps(request).store
        seconds = deps(request).settings.dashboard_cache_seconds
        if isinstance(store, ElasticsearchStore):
            source = ElasticsearchSource(store.client, store.names)
            state.board_figures = BoardFigures(source, seconds)
            state.chart_source_name = "Elasticsearch"
        elif isinstance(store, SqliteStore):
            path = Path(store.path)
            ensure_indexes(path)
            pooled = PooledSqliteSource(path)
            state.board_figures = BoardFigures(pooled, seconds, pooled.version)
            state.chart_source_name = "the local store"
        else:
            raise HTTPException(501, "Dashboards need the SQLite or Elasticsearch store.")
    kept: BoardFigures = state.board_figures
    name: str = state.chart_source_name
    return kept, name


def _svg(drawn: DrawnChart | DrawnThemes) -> Markup:
    # vl-convert escapes every text it draws; the image is named by the summary below it.
    opening = f'<svg role="img" aria-labelledby="summary-{drawn.chart.name}" focusable="false" '
    return Markup(drawn.svg.replace("<svg ", opening, 1))


def _draw_board(
    kept: BoardFigures, board: Dashboard, now: datetime, report_state: Path | None
) -> tuple[list[DrawnChart | DrawnThemes], datetime]:
    """Every chart of the board, and the moment of its oldest figures; the Reputation board
    adds the weekly report's themes after its tone chart."""
    charts, counted = kept.board(board, now)
    drawn: list[DrawnChart | DrawnThemes] = list(charts)
    if board.name == THEMES_BOARD:
        after = next((i + 1 for i, d in enumerate(charts) if d.chart.name == THEMES_AFTER), 0)
        drawn.insert(after or len(drawn), draw_themes(report_state))
    return drawn, counted


async def index(request: Request) -> Response:
    session(request)
    return render(request, "dashboards.html", {"dashboards": DASHBOARDS, "title": "Dashboards"})


async def dashboard_page(request: Request) -> Response:
    session(request)
    board = dashboard(request.path_params["name"])
    if board is None:
        raise HTTPException(404, "There is no such dashboard.")
    kept, source_name = figures(request)
    drawn, counted = await asyncio.to_thread(
        _draw_board, kept, board, deps(request).clock.now(), deps(request).report_state_dir
    )
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
