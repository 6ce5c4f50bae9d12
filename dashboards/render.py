"""A chart drawn for people: an SVG rendered on the server by vl-convert (no browser, no
script on the page), a sentence saying what it shows for anyone who cannot see it, and its
rows as a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import vl_convert

from dashboards import rows as row_tools
from dashboards.model import WAITING, Average, Chart, Count, Percent, Row
from dashboards.vega import VEGA_LITE_VERSION, embedded_spec


@dataclass(frozen=True, slots=True)
class DrawnChart:
    chart: Chart
    svg: str
    summary: str
    header: list[str]
    rows: list[Row]


def display_rows(chart: Chart, rows: list[Row], now: datetime) -> list[Row]:
    """Rows as shown: listed items gain how long they have waited."""
    if chart.listing is not None and chart.listing.waiting_since:
        return row_tools.waiting(rows, chart.listing.waiting_since, now)
    return rows


def svg(chart: Chart, rows: list[Row]) -> str:
    return str(vl_convert.vegalite_to_svg(embedded_spec(chart, rows), vl_version=VEGA_LITE_VERSION))


def png(chart: Chart, rows: list[Row], scale: float = 1.0) -> bytes:
    return bytes(
        vl_convert.vegalite_to_png(
            embedded_spec(chart, rows), vl_version=VEGA_LITE_VERSION, scale=scale
        )
    )


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def summary(chart: Chart, rows: list[Row]) -> str:
    """One or two sentences with the chart's main numbers: totals by its first group, or each
    group's average or percentage."""
    if not rows:
        return f"{chart.title}: nothing to show yet."
    if chart.listing is not None:
        first = rows[0]
        waited = first.get(WAITING)
        oldest = f"; the oldest, item {first.get('item')} in {first.get('queue')}"
        return f"{chart.title}: {len(rows)} listed{oldest}" + (
            f", has waited {_number(waited)} hours." if waited is not None else "."
        )
    outer = chart.groups[0].column
    shown = next(
        (m for m in chart.measures if isinstance(m, Average | Percent)),
        next(m for m in chart.measures if isinstance(m, Count)),
    )
    if isinstance(shown, Count):
        totals: dict[str, int] = {}
        for row in rows:
            value = row.get(shown.column)
            totals[str(row[outer])] = totals.get(str(row[outer]), 0) + (
                value if isinstance(value, int) else 0
            )
        parts = ", ".join(f"{key} {n}" for key, n in list(totals.items())[:8])
        more = " and more" if len(totals) > 8 else ""
        total = sum(totals.values())
        return f"{chart.title}: {total} in all. By {chart.groups[0].title.lower()}: {parts}{more}."
    parts = ", ".join(
        f"{row[outer]} {_number(row.get(shown.column))}"
        for row in rows[:8]
        if row.get(shown.column) is not None
    )
    return f"{chart.title}. {shown.title} by {chart.groups[0].title.lower()}: {parts}."


def draw(chart: Chart, rows: list[Row], now: datetime) -> DrawnChart:
    shown = display_rows(chart, rows, now)
    return DrawnChart(
        chart=chart,
        svg=svg(chart, shown),
        summary=summary(chart, shown),
        header=[title for _, title in chart.columns],
        rows=shown,
    )
