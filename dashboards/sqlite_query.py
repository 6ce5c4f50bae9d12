"""A chart as SQL on the embedded store's SQLite file, answering with the same rows as the
Elasticsearch request (`es_query`) gives on the same comments.

The SQLite store keeps fewer columns than the index, so the fields a chart uses are derived
here: from the comment's stored wire document (post, versions, fact-register entries), the
audit log (when a comment was hidden, when a person closed an item) and the one rule that
finds a complaint's place. Each record is counted once per group, as Elasticsearch counts
documents, even where a list holds a value twice.

The connection is read-only and separate from the store's own, so a dashboard never holds
the writer's lock.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dashboards import model as m
from dashboards.model import LIST_FIELDS, Chart, Group, Row, Source
from dashboards.rows import COUNT_KEY, OUTER_COUNT_KEY, finish, listing_value, one_decimal
from store.es_documents import complaint_places

LONDON = ZoneInfo(m.TIME_ZONE)
_DECISIONS = "('confirm', 'restore', 'escalate', 'done')"

# Every field a chart may use, per source, as an SQL expression over the store's tables.
FIELDS: dict[Source, dict[str, str]] = {
    Source.COMMENTS: {
        "doc_key": "c.key",
        "key": "c.key",
        "platform": "c.platform",
        "surface": "c.surface",
        "action": "c.action",
        "categories": "c.categories",
        "services": "c.services",
        "platform_state": "c.platform_state",
        "created_at": "c.created_at",
        "post_id": "json_extract(c.document, '$.comment.post_id')",
        "rules_version": "json_extract(c.document, '$.verdict.rules_version')",
        "classifier_version": "json_extract(c.document, '$.verdict.classifier_version')",
        "referral": "json_extract(c.document, '$.verdict.referral')",
        "fact_ids": "(SELECT json_group_array(json_extract(n.value, '$.fact_id'))"
        " FROM json_each(c.document, '$.verdict.comms') n"
        " WHERE json_extract(n.value, '$.fact_id') <> '')",
        "places": "houserules_places(c.text, c.categories)",
        "hide_seconds": "(SELECT (julianday(min(a.at)) - julianday(c.created_at)) * 86400"
        " FROM audit a WHERE a.comment_key = c.key AND a.event = 'hidden')",
    },
    Source.QUEUE: {
        "doc_key": "q.id",
        "item_id": "CAST(q.id AS TEXT)",
        "queue": "q.queue",
        "status": "q.status",
        "comment_key": "q.comment_key",
        "platform": "c.platform",
        "surface": "c.surface",
        "categories": "c.categories",
        "comment_created_at": "c.created_at",
        "classifier_version": "json_extract(c.document, '$.verdict.classifier_version')",
        "rules_version": "json_extract(c.document, '$.verdict.rules_version')",
        "review_seconds": "(SELECT (julianday(min(a.at)) - julianday(c.created_at)) * 86400"
        f" FROM audit a WHERE a.item_id = q.id AND a.event IN {_DECISIONS})",
    },
    Source.AUDIT: {
        "doc_key": "a.id",
        "at": "a.at",
        "event": "a.event",
        "actor": "a.actor",
        "comment_key": "a.comment_key",
        "detail": "a.detail",
        "position": "a.id",
    },
}
# Times the store writes as UTC ISO text (`datetime.isoformat()` after converting to UTC);
# audit times keep their writer's offset, so they are compared as instants instead.
UTC_TEXT_FIELDS = frozenset({"created_at", "comment_created_at"})
_FROM = {
    Source.COMMENTS: "comments c",
    Source.QUEUE: "queue_items q JOIN comments c ON c.key = q.comment_key",
    Source.AUDIT: "audit a",
}


def _places(text: str, categories: str) -> str:
    return json.dumps(complaint_places(text, json.loads(categories)))


@functools.lru_cache(maxsize=4096)
def _uk_day_of_utc_hour(hour: str) -> str:
    return datetime.fromisoformat(hour + ":00+00:00").astimezone(LONDON).strftime("%Y-%m-%d")


def _uk_day(moment: str | None) -> str | None:
    if moment is None:
        return None
    if moment.endswith("+00:00") and len(moment) >= 19:
        # UK offsets are whole hours, so the UTC hour decides the day: remembered per hour.
        return _uk_day_of_utc_hour(moment[:13])
    return datetime.fromisoformat(moment).astimezone(LONDON).strftime("%Y-%m-%d")


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to the store file, with the functions the charts use."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    db.create_function("houserules_places", 2, _places, deterministic=True)
    db.create_function("houserules_uk_day", 1, _uk_day, deterministic=True)
    return db


def uk_day_start(now: datetime, days_back: int) -> datetime:
    """Midnight (UK) `days_back` days before today's, as an instant."""
    today = now.astimezone(LONDON).date() - timedelta(days=days_back)
    return datetime.combine(today, time(0), LONDON).astimezone(UTC)


class _Query:
    """One chart's SQL, built up with its parameters in order."""

    def __init__(self, chart: Chart, now: datetime) -> None:
        self.chart = chart
        self.now = now
        self.fields = FIELDS[chart.source]
        self.args: list[object] = []
        self.joins: list[str] = []
        self.used = {"doc_key"}

    def field(self, name: str) -> str:
        if name not in self.fields:
            raise KeyError(f"chart {self.chart.name}: no field {name!r} in {self.chart.source}")
        self.used.add(name)
        return f"d.{name}"

    def param(self, value: object) -> str:
        self.args.append(value)
        return "?"

    def _values(self, values: tuple[str, ...]) -> str:
        return ", ".join(self.param(v) for v in values)

    def condition(self, c: m.Condition) -> str:
        if isinstance(c, m.Is | m.IsNot):
            column = self.field(c.field)
            if c.field in LIST_FIELDS:
                # A list is a JSON array of strings: a value is in it exactly when its JSON
                # form (quotes included) is, which is much cheaper than unpacking the list.
                found = " OR ".join(
                    f"instr({column}, {self.param(json.dumps(v))}) > 0" for v in c.values
                )
                found = f"({column} IS NOT NULL AND ({found}))"
            else:
                found = f"({column} IS NOT NULL AND {column} IN ({self._values(c.values)}))"
            return found if isinstance(c, m.Is) else f"NOT {found}"
        if isinstance(c, m.Present | m.Absent):
            column = self.field(c.field)
            if c.field in LIST_FIELDS:
                found = f"coalesce(json_array_length({column}), 0) > 0"
            else:
                found = f"{column} IS NOT NULL"
            return found if isinstance(c, m.Present) else f"NOT ({found})"
        if isinstance(c, m.Between):
            return self.since(c.field, c.since) + " AND " + self.before(c.field, c.until)
        since = uk_day_start(self.now, c.days - 1)
        return self.since(c.field, since)

    def since(self, name: str, moment: datetime) -> str:
        return self._compared(name, ">=", moment)

    def before(self, name: str, moment: datetime) -> str:
        return self._compared(name, "<", moment)

    def _compared(self, name: str, operator: str, moment: datetime) -> str:
        if name in UTC_TEXT_FIELDS:
            # Stored as UTC ISO text, so text order is time order and the index serves it.
            utc = moment.astimezone(UTC).isoformat()
            return f"{self.field(name)} {operator} {self.param(utc)}"
        return (
            f"julianday({self.field(name)}) {operator} julianday({self.param(moment.isoformat())})"
        )

    def all(self, conditions: tuple[m.Condition, ...]) -> str:
        return " AND ".join(f"({self.condition(c)})" for c in conditions) or "1"

    def group(self, level: int, group: Group) -> str:
        if isinstance(group, m.ByValue):
            if group.field in LIST_FIELDS:
                self.joins.append(f"JOIN json_each({self.field(group.field)}) j{level}")
                return f"j{level}.value"
            return self.field(group.field)
        if isinstance(group, m.ByDay):
            return f"houserules_uk_day({self.field(group.field)})"
        if isinstance(group, m.ByAge):
            column = f"julianday({self.field(group.field)})"
            cases = []
            for band in group.bands:
                bounds = []
                if band.older_hours is not None:
                    older = self.now - timedelta(hours=band.older_hours)
                    bounds.append(f"{column} >= julianday({self.param(older.isoformat())})")
                if band.newer_hours is not None:
                    newer = self.now - timedelta(hours=band.newer_hours)
                    bounds.append(f"{column} < julianday({self.param(newer.isoformat())})")
                cases.append(f"WHEN {' AND '.join(bounds) or '1'} THEN {self.param(band.label)}")
            return f"CASE {' '.join(cases)} END"
        assert isinstance(group, m.ByKind)
        cases = [
            f"WHEN {self.all(kind.conditions)} THEN {self.param(kind.label)}"
            for kind in group.kinds
        ]
        return f"CASE {' '.join(cases)} END"

    def base(self) -> str:
        """Only the fields this chart uses: the others can be costly (JSON, the audit log)."""
        used = ", ".join(
            f"{expr} AS {name}" for name, expr in self.fields.items() if name in self.used
        )
        return f"SELECT {used} FROM {_FROM[self.chart.source]}"


def rows(db: sqlite3.Connection, chart: Chart, now: datetime) -> list[Row]:
    """The chart's rows from the store behind `db`, with `now` as the present."""
    q = _Query(chart, now)
    if chart.listing is not None:
        return _listing(db, q)
    # Columns are added to the inner select in the order their parameters are used.
    inner_columns = ["d.doc_key AS doc_key"]
    group_names = []
    for level, group in enumerate(chart.groups):
        inner_columns.append(f"{q.group(level, group)} AS g{level}")
        group_names.append(f"g{level}")
    outer = [*group_names, "COUNT(*) AS n"]
    for measure in chart.measures:
        if isinstance(measure, m.CountWhere):
            met = q.condition(measure.condition)
            inner_columns.append(f"CASE WHEN {met} THEN 1 ELSE 0 END AS m_{measure.column}")
            outer.append(f"SUM(m_{measure.column})")
        elif isinstance(measure, m.Average):
            inner_columns.append(f"{q.field(measure.field)} AS m_{measure.column}")
            outer.append(f"AVG(m_{measure.column})")
    where = q.all(chart.where)
    present = " AND ".join(f"g{level} IS NOT NULL" for level in range(len(chart.groups)))
    # Only a list unpacked into groups can put a record in a group twice.
    distinct = "DISTINCT " if q.joins else ""
    inner = (
        f"SELECT {distinct}{', '.join(inner_columns)} FROM ({q.base()}) d"
        f" {' '.join(q.joins)} WHERE {where}"
    )
    sql = (
        f"WITH grouped AS ({inner}) SELECT {', '.join(outer)} FROM grouped WHERE {present}"
        f" GROUP BY {', '.join(group_names)}"
    )
    outer_counts: dict[str, int] = {}
    if len(chart.groups) > 1 and _unpacks_a_list(chart.groups[1]):
        # A record in several inner groups counts once in its outer group.
        for key, n in db.execute(
            f"WITH grouped AS ({inner}) SELECT g0, COUNT(DISTINCT doc_key) FROM grouped"
            f" WHERE {present} GROUP BY g0",
            q.args,
        ):
            outer_counts[str(key)] = int(n)
    found: list[Row] = []
    for record in db.execute(sql, q.args):
        row: Row = {}
        for level, group in enumerate(chart.groups):
            row[group.column] = str(record[level])
        values = iter(record[len(chart.groups) :])
        row[COUNT_KEY] = int(next(values))
        for measure in chart.measures:
            if isinstance(measure, m.Count):
                row[measure.column] = row[COUNT_KEY]
            elif isinstance(measure, m.CountWhere):
                row[measure.column] = int(next(values))
            elif isinstance(measure, m.Average):
                value = next(values)
                row[measure.column] = None if value is None else one_decimal(value * measure.scale)
        found.append(row)
    if len(chart.groups) > 1:
        if not outer_counts:
            # Each record is in one inner group: its outer group's count is their sum.
            for row in found:
                key = str(row[chart.groups[0].column])
                outer_counts[key] = outer_counts.get(key, 0) + int(row[COUNT_KEY] or 0)
        for row in found:
            row[OUTER_COUNT_KEY] = outer_counts[str(row[chart.groups[0].column])]
    return finish(chart, _top(chart, found))


def _unpacks_a_list(group: Group) -> bool:
    return isinstance(group, m.ByValue) and group.field in LIST_FIELDS


def _top(chart: Chart, found: list[Row]) -> list[Row]:
    """Only the outer group's largest `size` values, as a terms aggregation keeps (ties go
    to the value first in alphabetical order)."""
    outer = chart.groups[0]
    if not isinstance(outer, m.ByValue):
        return found
    count = OUTER_COUNT_KEY if len(chart.groups) > 1 else COUNT_KEY
    sizes = {str(r[outer.column]): int(r[count] or 0) for r in found}
    kept = set(sorted(sizes, key=lambda k: (-sizes[k], k))[: outer.size])
    return [r for r in found if r[outer.column] in kept]


def _listing(db: sqlite3.Connection, q: _Query) -> list[Row]:
    listing = q.chart.listing
    assert listing is not None
    where = q.all(q.chart.where)
    columns = ", ".join(q.field(f) for f, _, _ in listing.columns)
    ties = [q.field(f) for f in m.LISTING_TIES[q.chart.source]]
    order = ", ".join([f"julianday({q.field(listing.sort_field)})", *ties])
    sql = f"SELECT {columns} FROM ({q.base()}) d WHERE {where} ORDER BY {order}"
    limit = [] if listing.size is None else [listing.size]
    found = []
    for record in db.execute(sql + (" LIMIT ?" if limit else ""), [*q.args, *limit]):
        row: Row = {}
        for (f, column, _), value in zip(listing.columns, record, strict=True):
            row[column] = listing_value(json.loads(value) if f in LIST_FIELDS else value)
        found.append(row)
    return found
