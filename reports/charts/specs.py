"""Vega-Lite (v5) specifications of the weekly report's charts.

Each function takes plain rows and returns (spec, alt text, table). The data is inline, the
spec is JSON-able and self-contained, so a dashboard can render the same chart from the
same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reports.charts import palette

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WIDTH = 560


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart with everything needed to read it without seeing it."""

    key: str
    title: str
    spec: dict[str, Any]
    alt: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _base(title: str, description: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "color": palette.TEXT},
        "description": description,
        "width": WIDTH,
        "data": {"values": rows},
        "config": {
            "font": palette.FONT,
            "axis": {"labelColor": palette.TEXT, "titleColor": palette.TEXT, "labelFontSize": 11},
            "legend": {"labelColor": palette.TEXT, "titleColor": palette.TEXT, "orient": "top"},
            "view": {"stroke": None},
        },
    }


def _colour(domain: Sequence[str], colours: Sequence[str], title: str) -> dict[str, Any]:
    return {
        "field": "series",
        "type": "nominal",
        "title": title,
        "sort": list(domain),
        "scale": {"domain": list(domain), "range": list(colours)},
    }


def stacked_weeks(
    key: str, title: str, weeks: Sequence[tuple[str, str, int, int]], series: tuple[str, str]
) -> Chart:
    """Bars per week, stacked by two series (own pages, mentions)."""
    values = [
        {"week": monday, "series": label, "comments": n}
        for name, monday, first, second in weeks
        for label, n in zip(series, (first, second), strict=True)
    ]
    totals = [first + second for _, _, first, second in weeks]
    alt = (
        f"{title}: {len(weeks)} weeks, from {totals[0]} comments in the first to "
        f"{totals[-1]} in the last"
        + (f"; the most was {max(totals)}" if totals else "")
        + f", split into {series[0].lower()} and {series[1].lower()}."
    )
    spec = _base(title, alt, values) | {
        "height": 220,
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "week", "type": "ordinal", "title": None, "sort": None},
            "y": {"field": "comments", "type": "quantitative", "title": "comments"},
            "color": _colour(series, (palette.OWN_PAGE, palette.MENTION), ""),
            "order": {"field": "series"},
        },
    }
    rows = tuple(
        (f"{name} ({monday})", str(first), str(second), str(first + second))
        for name, monday, first, second in weeks
    )
    return Chart(key, title, spec, alt, ("week", *series, "total"), rows)


def compared_bars(
    key: str,
    title: str,
    items: Sequence[tuple[str, int, int]],
    item_name: str,
    unit: str = "comments",
) -> Chart:
    """Horizontal bars per item, this week beside last week."""
    values = [
        {"item": name, "series": label, unit: n}
        for name, this, last in items
        for label, n in (("this week", this), ("last week", last))
    ]
    if items:
        top = max(items, key=lambda i: i[1])
        alt = (
            f"{title}: {len(items)} rows; the largest this week is {top[0]} with {top[1]} "
            f"{unit} ({top[2]} last week)."
        )
    else:
        alt = f"{title}: nothing this week or last."
    spec = _base(title, alt, values) | {
        "height": {"step": 12},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "item", "type": "nominal", "title": None, "sort": [i[0] for i in items]},
            "yOffset": {"field": "series", "sort": ["this week", "last week"]},
            "x": {"field": unit, "type": "quantitative", "title": unit},
            "color": _colour(
                ("this week", "last week"), (palette.THIS_WEEK, palette.LAST_WEEK), ""
            ),
        },
    }
    rows = tuple((name, str(this), str(last), f"{this - last:+d}") for name, this, last in items)
    return Chart(key, title, spec, alt, (item_name, "this week", "last week", "change"), rows)


TONE_SERIES = ("negative", "neutral", "positive")
TONE_COLOURS = (palette.NEGATIVE, palette.NEUTRAL, palette.POSITIVE)


def tone_by_day(key: str, title: str, days: Sequence[tuple[str, int, int, int]]) -> Chart:
    """100% stacked bars of negative, neutral and positive per day."""
    values = [
        {"day": day, "series": label, "comments": n}
        for day, neg, neu, pos in days
        for label, n in zip(TONE_SERIES, (neg, neu, pos), strict=True)
    ]

    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:.0f}%" if whole else "no comments"

    worst = max(days, key=lambda d: d[1] / max(sum(d[1:]), 1)) if days else None
    alt = f"{title}: the share of negative, neutral and positive comments each day." + (
        f" The most negative day was {worst[0]} ({pct(worst[1], sum(worst[1:]))} negative)."
        if worst and sum(worst[1:])
        else ""
    )
    spec = _base(title, alt, values) | {
        "height": 220,
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "day", "type": "ordinal", "title": None, "sort": None},
            "y": {
                "field": "comments",
                "type": "quantitative",
                "stack": "normalize",
                "title": "share of the day's comments",
                "axis": {"format": "%"},
            },
            "color": _colour(TONE_SERIES, TONE_COLOURS, ""),
            "order": {"field": "series"},
        },
    }
    rows = tuple(
        (
            day,
            pct(neg, neg + neu + pos),
            pct(neu, neg + neu + pos),
            pct(pos, neg + neu + pos),
            str(neg + neu + pos),
        )
        for day, neg, neu, pos in days
    )
    return Chart(key, title, spec, alt, ("day", *TONE_SERIES, "comments read"), rows)


def share_line(
    key: str, title: str, points: Sequence[tuple[str, float | None, int]], what: str
) -> Chart:
    """One share per week as a line with points; weeks with nothing read are left out."""
    values = [
        {"week": week, "share": share, "read": read}
        for week, share, read in points
        if share is not None
    ]
    known = values
    alt = (
        f"{title}: from {known[0]['share']:.0%} in {known[0]['week']} to "
        f"{known[-1]['share']:.0%} in {known[-1]['week']}."
        if known
        else f"{title}: nothing was read in these weeks."
    )
    spec = _base(title, alt, values) | {
        "height": 200,
        "mark": {
            "type": "line",
            "point": {"color": palette.NEGATIVE, "filled": True},
            "color": palette.NEGATIVE,
        },
        "encoding": {
            "x": {"field": "week", "type": "ordinal", "title": None, "sort": None},
            "y": {
                "field": "share",
                "type": "quantitative",
                "title": what,
                "axis": {"format": "%"},
                "scale": {"domain": [0, 1]},
            },
        },
    }
    rows = tuple(
        (week, "not read" if share is None else f"{share:.0%}", str(read))
        for week, share, read in points
    )
    return Chart(key, title, spec, alt, ("week", what, "comments read"), rows)


def share_bars(key: str, title: str, items: Sequence[tuple[str, float, int]]) -> Chart:
    """Horizontal bars of each item's share (themes)."""
    values = [{"item": name, "share": share, "comments": n} for name, share, n in items]
    alt = (
        f"{title}: {len(items)} themes; the largest is {items[0][0]} with {items[0][1]:.0%} "
        "of the comments read."
        if items
        else f"{title}: no themes this week."
    )
    spec = _base(title, alt, values) | {
        "height": {"step": 22},
        "mark": {"type": "bar", "color": palette.THIS_WEEK},
        "encoding": {
            "y": {
                "field": "item",
                "type": "nominal",
                "title": None,
                "sort": None,
                "axis": {"labelLimit": 300},
            },
            "x": {
                "field": "share",
                "type": "quantitative",
                "title": "share of comments read",
                "axis": {"format": "%"},
            },
        },
    }
    rows = tuple((name, f"{share:.0%}", str(n)) for name, share, n in items)
    return Chart(key, title, spec, alt, ("theme", "share", "comments"), rows)
