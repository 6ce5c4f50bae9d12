"""The Reputation dashboard's themes: what people talked about, week by week, as the weekly
report grouped them.

Themes are not counted here. The weekly report (`houserules report weekly`) reads the week's
comments with its tone model, clusters them into themes and keeps each week's themes, with
their ids (kept from week to week) and their share of the comments read, in its theme book
(`<data_dir>/reports/themes.json`, `reports.themes.ThemeBook`). This panel reads that book,
so its numbers are the report's own. Themes are not in Elasticsearch, so Kibana's Reputation
dashboard carries a note linking to this panel instead of a chart of its own.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import vl_convert

from dashboards.model import Row
from dashboards.rows import one_decimal
from dashboards.vega import HEIGHT, SCHEMA, VEGA_LITE_VERSION, WIDTH
from reports.themes import BOOK_FILE, BookTheme, ThemeBook

WEEKS = 4
NO_WORDS = "(no distinctive words)"


@dataclass(frozen=True, slots=True)
class ThemesPanel:
    """What the page shows about the panel: the same names a chart has."""

    name: str = "themes"
    title: str = "Themes from the weekly report"
    question: str = (
        "What are people talking about, and is each topic growing or fading? (This week's "
        f"themes, and their share in each of up to {WEEKS} weeks the report has read.)"
    )
    columns: tuple[tuple[str, str], ...] = (
        ("theme", "Theme"),
        ("week", "Week"),
        ("share", "Share of comments read (%)"),
    )


PANEL = ThemesPanel()


@dataclass(frozen=True, slots=True)
class DrawnThemes:
    chart: ThemesPanel
    svg: str
    summary: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)


def book_path(state_dir: Path) -> Path:
    return state_dir / BOOK_FILE


def read_book(state_dir: Path) -> ThemeBook | None:
    """The report's theme book, under the tone model that wrote it; None before the first
    report, or when the file is not a theme book."""
    path = book_path(state_dir)
    try:
        model = json.loads(path.read_text(encoding="utf-8")).get("model")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(model, str):
        return None
    return ThemeBook.load(state_dir, model)


def theme_name(theme: BookTheme) -> str:
    """As the report names a theme: `T<id>` and its most distinctive words."""
    return f"T{theme.theme_id} {theme.label or NO_WORDS}"


def theme_rows(book: ThemeBook | None, weeks: int = WEEKS) -> list[Row]:
    """The latest week's themes, largest first, each with its share (per cent of the comments
    the report read) in that week and in the weeks before it that found the same theme."""
    if book is None or not book.weeks:
        return []
    shown = sorted(book.weeks)[-weeks:]
    latest = sorted(book.weeks[shown[-1]], key=lambda t: (-t.share, t.theme_id))
    found = {week: {t.theme_id: t for t in book.weeks[week]} for week in shown}
    rows: list[Row] = []
    for theme in latest:
        for week in shown:
            then = found[week].get(theme.theme_id)
            if then is not None:
                share = one_decimal(then.share * 100)
                rows.append({"theme": theme_name(theme), "week": week, "share": share})
    return rows


def spec(rows: list[Row]) -> dict[str, Any]:
    """A bar for each theme's share in each week, this week's themes largest first, the
    weeks side by side so a growing or fading topic shows at a glance."""
    order = list(dict.fromkeys(str(r["theme"]) for r in rows))
    weeks = sorted({str(r["week"]) for r in rows})
    return {
        "$schema": SCHEMA,
        "width": WIDTH,
        "height": max(HEIGHT // 2, 18 * len(rows)),
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "theme",
                "type": "nominal",
                "title": "Theme",
                "sort": order,
                "axis": {"labelLimit": 260},
            },
            "yOffset": {"field": "week", "type": "ordinal", "sort": weeks},
            "x": {"field": "share", "type": "quantitative", "title": PANEL.columns[2][1]},
            "color": {
                "field": "week",
                "type": "ordinal",
                "title": "Week",
                "scale": {"domain": weeks, "scheme": "viridis"},
            },
            "tooltip": [{"field": c, "title": t} for c, t in PANEL.columns],
        },
        "config": {
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "font": "sans-serif",
        },
    }


def svg(rows: list[Row]) -> str:
    return str(vl_convert.vegalite_to_svg(spec(rows), vl_version=VEGA_LITE_VERSION))


def png(rows: list[Row], scale: float = 1.0) -> bytes:
    return bytes(vl_convert.vegalite_to_png(spec(rows), vl_version=VEGA_LITE_VERSION, scale=scale))


def summary(rows: list[Row]) -> str:
    if not rows:
        return (
            f"{PANEL.title}: none yet. The weekly report groups the week's comments into "
            "themes each time it runs."
        )
    week = max(str(r["week"]) for r in rows)
    latest = [r for r in rows if r["week"] == week]
    parts = ", ".join(f"{r['theme']} {r['share']:g}%" for r in latest)
    return f"{PANEL.title}, week {week}: {parts} of the comments read."


def draw(state_dir: Path | None) -> DrawnThemes:
    """The panel as the page shows it; drawn again only when the theme book changes (the
    report rewrites it once a week)."""
    if state_dir is None:
        return _drawn(None, None)
    try:
        found = book_path(state_dir).stat()
    except OSError:
        return _drawn(state_dir, None)
    return _drawn(state_dir, (found.st_mtime_ns, found.st_size))


@functools.lru_cache(maxsize=8)
def _drawn(state_dir: Path | None, _stamp: tuple[int, int] | None) -> DrawnThemes:
    rows = theme_rows(read_book(state_dir)) if state_dir is not None else []
    return DrawnThemes(
        chart=PANEL,
        svg=svg(rows),
        summary=summary(rows),
        header=[title for _, title in PANEL.columns],
        rows=rows,
    )
