"""What both data sources do to their rows once counted, so their answers compare exactly:
the same rounding (JavaScript's, which the Kibana panels use), the same derived columns and
the same order."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from dashboards.model import WAITING, ByAge, ByDay, ByKind, ByValue, Chart, Percent, Row

# Hidden columns the sources carry while ordering: the innermost group's record count, and
# the outer group's.
COUNT_KEY = "_n"
OUTER_COUNT_KEY = "_outer_n"


def one_decimal(value: float) -> float:
    """Rounded half up to one decimal place, as `round(x * 10) / 10` does in Vega."""
    return math.floor(value * 10 + 0.5) / 10


def percent(part: float, whole: float) -> float | None:
    return math.floor(part / whole * 1000 + 0.5) / 10 if whole else None


def finish(chart: Chart, rows: list[Row]) -> list[Row]:
    """Add the percentages, put the rows in the chart's order (largest groups first, days
    in order, bands and kinds as defined) and drop the hidden columns."""
    for row in rows:
        for m in chart.measures:
            if isinstance(m, Percent):
                part, whole = row[m.part], row[m.whole]
                assert isinstance(part, int | float) and isinstance(whole, int | float)
                row[m.column] = percent(part, whole)
    keys = [_sort_key(chart, level) for level in range(len(chart.groups))]
    rows.sort(key=lambda row: tuple(k(row) for k in keys))
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]


def _sort_key(chart: Chart, level: int) -> Callable[[Row], tuple[int, str]]:
    group = chart.groups[level]
    count = OUTER_COUNT_KEY if level == 0 and len(chart.groups) > 1 else COUNT_KEY
    if isinstance(group, ByValue):
        return lambda row: (-int(row[count] or 0), str(row[group.column]))
    if isinstance(group, ByDay):
        return lambda row: (0, str(row[group.column]))
    labels = (
        [b.label for b in group.bands]
        if isinstance(group, ByAge)
        else [k.label for k in group.kinds]
        if isinstance(group, ByKind)
        else []
    )
    return lambda row: (labels.index(str(row[group.column])), "")


def listing_value(value: object) -> str | int | float | None:
    """A listed record's value as a table shows it: a list as its items joined."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def waiting(rows: list[Row], time_column: str, now: datetime) -> list[Row]:
    """Listed items with how long they have waited, in hours to one decimal place."""
    out = []
    for row in rows:
        since = datetime.fromisoformat(str(row[time_column]))
        hours = one_decimal((now - since).total_seconds() / 3600)
        out.append({**row, WAITING: hours})
    return out


def as_table(chart: Chart, rows: list[Row]) -> list[list[str | int | float | None]]:
    return [[row.get(column) for column, _ in chart.columns] for row in rows]
