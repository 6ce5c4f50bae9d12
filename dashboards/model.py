"""What a chart is, as plain data: which records it counts, how it groups them, what it
measures and how it is drawn.

One `Chart` is the single definition behind every place the chart appears: the
Elasticsearch request a Kibana Vega-Lite panel carries (`es_query`), the SQL the embedded
mode runs on SQLite (`sqlite_query`), and the Vega-Lite drawing both of them share
(`vega`). Each answers with the same rows: one dict per innermost group, keyed by the
groups' and measures' column names, so the two stores can be compared number for number.

Times are grouped in UK days (Europe/London), because that is how a comms officer counts;
windows are "the last N days" up to now, so a panel's query runs as it is, anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal

TIME_ZONE = "Europe/London"
WAITING = "hours_waiting"


class Source(StrEnum):
    """The index (scale-out) or table (embedded) a chart reads."""

    COMMENTS = "comments"
    QUEUE = "queue"
    AUDIT = "audit"


# Conditions on one record; every condition of a chart must hold.


@dataclass(frozen=True, slots=True)
class Is:
    """The field has one of these values (for a list field: any of its values does)."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IsNot:
    """The field has none of these values."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Present:
    """The field has a value (for a list field: at least one)."""

    field: str


@dataclass(frozen=True, slots=True)
class Absent:
    """The field has no value (for a list field: an empty list)."""

    field: str


@dataclass(frozen=True, slots=True)
class InLastDays:
    """The time field falls on one of the last `days` UK days, today included."""

    field: str
    days: int


@dataclass(frozen=True, slots=True)
class Between:
    """The time field falls in [since, until): a fixed period, such as a report's week."""

    field: str
    since: datetime
    until: datetime


Condition = Is | IsNot | Present | Absent | InLastDays | Between


# Groups, outermost first. `column` names the value in each row; `title` is shown.


@dataclass(frozen=True, slots=True)
class ByValue:
    """One group per value of a keyword field (a list field puts a record in each of its
    values' groups). `size` keeps the largest groups only, as a top list does."""

    field: str
    column: str
    title: str
    size: int = 50


@dataclass(frozen=True, slots=True)
class ByDay:
    """One group per UK day of a time field, as `YYYY-MM-DD`."""

    field: str
    column: str = "day"
    title: str = "Day"


@dataclass(frozen=True, slots=True)
class AgeBand:
    """Records whose time is between `newer_hours` and `older_hours` ago (None: no bound)."""

    label: str
    newer_hours: int | None
    older_hours: int | None


@dataclass(frozen=True, slots=True)
class ByAge:
    """How long ago a time field was, in the bands given (in that order)."""

    field: str
    column: str
    title: str
    bands: tuple[AgeBand, ...]


@dataclass(frozen=True, slots=True)
class Kind:
    label: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class ByKind:
    """Named kinds of record, each a set of conditions; the kinds must not overlap."""

    column: str
    title: str
    kinds: tuple[Kind, ...]


Group = ByValue | ByDay | ByAge | ByKind


# Measures of each innermost group.


@dataclass(frozen=True, slots=True)
class Count:
    """How many records are in the group."""

    column: str
    title: str


@dataclass(frozen=True, slots=True)
class CountWhere:
    """How many of the group's records also meet a condition."""

    column: str
    title: str
    condition: Condition


@dataclass(frozen=True, slots=True)
class Average:
    """The average of a number field over the group's records that have it, times `scale`
    (seconds to hours, say), to one decimal place."""

    field: str
    column: str
    title: str
    scale: float = 1.0


@dataclass(frozen=True, slots=True)
class Percent:
    """`part` as a percentage of `whole` (two other measures' columns), one decimal place;
    empty when the whole is 0."""

    column: str
    title: str
    part: str
    whole: str


Measure = Count | CountWhere | Average | Percent


@dataclass(frozen=True, slots=True)
class Listing:
    """Individual records rather than counts: the first `size` by `sort_field` (oldest first),
    or every one of them when `size` is None (read page by page)."""

    sort_field: str
    size: int | None
    columns: tuple[tuple[str, str, str], ...]  # (field, column, title)
    # A time column to count hours waiting from, shown as the `hours_waiting` column.
    waiting_since: str = ""


@dataclass(frozen=True, slots=True)
class Plot:
    """How the rows are drawn. `x`, `y`, `colour` name columns; `horizontal` bars put the
    category on the y axis; `stack` of "normalize" shows shares rather than counts.

    `colours` gives each value of the colour column its colour, in legend order (otherwise
    Vega's own); `side_by_side` puts a category's bars next to each other rather than
    stacked (this week beside last week, say); `in_row_order` keeps the categories in the
    rows' order rather than sorting them."""

    mark: Literal["bar", "line"] = "bar"
    x: str = ""
    y: str = ""
    colour: str = ""
    horizontal: bool = False
    stack: Literal["zero", "normalize"] = "zero"
    link: str = ""  # a row column holding the item id, for a link to the review app
    colours: tuple[tuple[str, str], ...] = ()
    side_by_side: bool = False
    in_row_order: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    """One panel: a question a comms officer asks, and the data that answers it."""

    name: str
    title: str
    question: str
    source: Source
    plot: Plot
    where: tuple[Condition, ...] = ()
    groups: tuple[Group, ...] = ()
    measures: tuple[Measure, ...] = ()
    listing: Listing | None = None

    def __post_init__(self) -> None:
        if (self.listing is None) == (not self.groups):
            raise ValueError(f"chart {self.name}: give groups or a listing, not both or neither")
        if len(self.groups) > 2:
            raise ValueError(f"chart {self.name}: at most two groups")
        if self.groups and not any(isinstance(m, Count) for m in self.measures):
            raise ValueError(f"chart {self.name}: a grouped chart counts its records")

    @property
    def columns(self) -> list[tuple[str, str]]:
        """(column, title) of every value in a row, in table order."""
        if self.listing is not None:
            listed = [(column, title) for _, column, title in self.listing.columns]
            if self.listing.waiting_since:
                listed.append((WAITING, "Hours waiting"))
            return listed
        return [(g.column, g.title) for g in self.groups] + [
            (m.column, m.title) for m in self.measures
        ]

    def between(self, since: datetime, until: datetime) -> Chart:
        """The same chart over a fixed period instead of its recent days: each "last N
        days" window becomes [since, until), and a chart without one gains it on its
        records' time (`TIME_FIELDS`). The weekly report counts its weeks this way."""
        windows = [c for c in self.where if isinstance(c, InLastDays | Between)]
        kept = tuple(c for c in self.where if c not in windows)
        fields = dict.fromkeys(c.field for c in windows) or {TIME_FIELDS[self.source]: None}
        return replace(self, where=kept + tuple(Between(f, since, until) for f in fields))


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Charts shown together, in order, for one job."""

    name: str
    title: str
    purpose: str
    charts: tuple[Chart, ...] = field(default=())


Row = dict[str, str | int | float | None]

# When a record happened, for a chart over a period: a queue item by its comment's posting.
TIME_FIELDS = {
    Source.COMMENTS: "created_at",
    Source.QUEUE: "comment_created_at",
    Source.AUDIT: "at",
}
# A field unique to each record, after the listing's own order, so a long listing reads
# page after page without missing or repeating a record.
LISTING_TIES = {
    Source.COMMENTS: ("key",),
    Source.QUEUE: ("comment_key", "queue"),
    Source.AUDIT: ("position",),
}

# Fields holding a list of values in a record (keyword arrays in Elasticsearch, JSON arrays
# in SQLite).
LIST_FIELDS = frozenset({"categories", "services", "fact_ids", "places"})
