"""The weekly report's charts, in the dashboards' terms and drawn by their Vega-Lite builder.

Each chart is a `dashboards.model.Chart` (its columns as groups and measures, and a `Plot`)
and rows the report worked out; `dashboards.vega.embedded_spec` turns them into the same
kind of Vega-Lite drawing the dashboards show, so a day, a count or a share looks the same
in both. The report adds what it needs to be read without seeing it: a text alternative
(also the drawing's `description`) and the table of its numbers (`Chart` here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dashboards import model
from dashboards.model import ByDay, ByValue, Count, Percent, Plot, Row, Source
from dashboards.vega import embedded_spec
from reports.charts import palette

THIS_AND_LAST = (("this week", palette.THIS_WEEK), ("last week", palette.LAST_WEEK))
TONE_SERIES = ("negative", "neutral", "positive")
TONE_COLOURS = (
    ("negative", palette.NEGATIVE),
    ("neutral", palette.NEUTRAL),
    ("positive", palette.POSITIVE),
)


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart with everything needed to read it without seeing it."""

    key: str
    title: str
    spec: dict[str, Any]
    alt: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _drawn(
    definition: model.Chart,
    values: list[Row],
    alt: str,
    columns: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...],
) -> Chart:
    spec = embedded_spec(definition, values, alt)
    return Chart(definition.name, definition.title, spec, alt, columns, rows)


def _definition(
    key: str,
    title: str,
    groups: tuple[ByValue | ByDay, ...],
    measures: tuple[Count | Percent, ...],
    plot: Plot,
) -> model.Chart:
    """A chart of comments whose rows the report works out (it is drawn, never queried)."""
    return model.Chart(key, title, "", Source.COMMENTS, plot, groups=groups, measures=measures)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def stacked_weeks(
    key: str, title: str, weeks: Sequence[tuple[str, str, int, int]], series: tuple[str, str]
) -> Chart:
    """Bars per week, stacked by two series (own pages, mentions)."""
    definition = _definition(
        key,
        title,
        (ByValue("week", "week", "Week (Monday)"), ByValue("surface", "series", "Where")),
        (Count("comments", "Comments"),),
        Plot(
            x="week",
            y="comments",
            colour="series",
            colours=((series[0], palette.OWN_PAGE), (series[1], palette.MENTION)),
            in_row_order=True,
        ),
    )
    values: list[Row] = [
        {"week": monday, "series": label, "comments": n}
        for _, monday, first, second in weeks
        for label, n in zip(series, (first, second), strict=True)
    ]
    totals = [first + second for _, _, first, second in weeks]
    alt = (
        f"{title}: {len(weeks)} weeks, from {totals[0]} comments in the first to "
        f"{totals[-1]} in the last"
        + (f"; the most was {max(totals)}" if totals else "")
        + f", split into {series[0].lower()} and {series[1].lower()}."
    )
    rows = tuple(
        (f"{name} ({monday})", str(first), str(second), str(first + second))
        for name, monday, first, second in weeks
    )
    return _drawn(definition, values, alt, ("week", *series, "total"), rows)


def compared_bars(
    key: str,
    title: str,
    items: Sequence[tuple[str, int, int]],
    item_name: str,
    unit: str = "comments",
) -> Chart:
    """Horizontal bars per item, this week beside last week."""
    definition = _definition(
        key,
        title,
        (ByValue(item_name, "item", item_name.capitalize()), ByValue("week", "series", "Week")),
        (Count(unit, unit.capitalize()),),
        Plot(
            x=unit,
            y="item",
            colour="series",
            colours=THIS_AND_LAST,
            horizontal=True,
            side_by_side=True,
            in_row_order=True,
        ),
    )
    values: list[Row] = [
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
    rows = tuple((name, str(this), str(last), f"{this - last:+d}") for name, this, last in items)
    return _drawn(definition, values, alt, (item_name, "this week", "last week", "change"), rows)


def tone_by_day(key: str, title: str, days: Sequence[tuple[str, str, int, int, int]]) -> Chart:
    """Shares of negative, neutral and positive each day (`YYYY-MM-DD`, label, counts), as
    the dashboards draw their tone by day."""
    definition = _definition(
        key,
        title,
        (ByDay("created_at"), ByValue("tone", "series", "Tone")),
        (Count("comments", "Comments read"),),
        Plot(x="day", y="comments", colour="series", stack="normalize", colours=TONE_COLOURS),
    )
    values: list[Row] = [
        {"day": day, "series": label, "comments": n}
        for day, _, neg, neu, pos in days
        for label, n in zip(TONE_SERIES, (neg, neu, pos), strict=True)
    ]

    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:.0f}%" if whole else "no comments"

    worst = max(days, key=lambda d: d[2] / max(sum(d[2:]), 1)) if days else None
    alt = f"{title}: the share of negative, neutral and positive comments each day." + (
        f" The most negative day was {worst[1]} ({pct(worst[2], sum(worst[2:]))} negative)."
        if worst and sum(worst[2:])
        else ""
    )
    rows = tuple(
        (
            label,
            pct(neg, neg + neu + pos),
            pct(neu, neg + neu + pos),
            pct(pos, neg + neu + pos),
            str(neg + neu + pos),
        )
        for _, label, neg, neu, pos in days
    )
    return _drawn(definition, values, alt, ("day", *TONE_SERIES, "comments read"), rows)


def share_line(
    key: str, title: str, points: Sequence[tuple[str, float | None, int]], what: str
) -> Chart:
    """One share per week as a line with points; weeks with nothing read are left out."""
    definition = _definition(
        key,
        title,
        (ByValue("week", "week", "Week"),),
        (
            Count("read", "Comments read"),
            Percent("share", f"{what.capitalize()} (%)", part=what, whole="read"),
        ),
        Plot(mark="line", x="week", y="share", in_row_order=True),
    )
    values: list[Row] = [
        {"week": week, "share": _percent(share), "read": read}
        for week, share, read in points
        if share is not None
    ]
    alt = (
        f"{title}: from {values[0]['share']:.0f}% in {values[0]['week']} to "
        f"{values[-1]['share']:.0f}% in {values[-1]['week']}."
        if values
        else f"{title}: nothing was read in these weeks."
    )
    rows = tuple(
        (week, "not read" if share is None else f"{share:.0%}", str(read))
        for week, share, read in points
    )
    return _drawn(definition, values, alt, ("week", what, "comments read"), rows)


def share_bars(key: str, title: str, items: Sequence[tuple[str, float, int]]) -> Chart:
    """Horizontal bars of each item's share (themes)."""
    definition = _definition(
        key,
        title,
        (ByValue("theme", "item", "Theme"),),
        (
            Count("comments", "Comments read"),
            Percent("share", "Share of comments read (%)", part="comments", whole="read"),
        ),
        Plot(x="share", y="item", horizontal=True, in_row_order=True),
    )
    values: list[Row] = [
        {"item": name, "share": _percent(share), "comments": n} for name, share, n in items
    ]
    alt = (
        f"{title}: {len(items)} themes; the largest is {items[0][0]} with {items[0][1]:.0%} "
        "of the comments read."
        if items
        else f"{title}: no themes this week."
    )
    rows = tuple((name, f"{share:.0%}", str(n)) for name, share, n in items)
    return _drawn(definition, values, alt, ("theme", "share", "comments"), rows)
