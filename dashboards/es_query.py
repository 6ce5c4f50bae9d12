"""A chart as one plain Elasticsearch search request, and its answer as rows.

The request uses only what the core server has (terms, date_histogram, date_range, filters,
avg, filter; no scripts, no runtime fields) and date math for its windows, so the very body
a Kibana panel carries can be run by a test or by the review app as it is. Aggregations
are named `g0`, `g1` (the groups, outermost first) and `m_<column>` (the measures, on the
innermost buckets); `vega.kibana_spec` reads the same names.
"""

from __future__ import annotations

from typing import Any

from dashboards import model as m
from dashboards.model import Chart, Group, Row
from dashboards.rows import COUNT_KEY, OUTER_COUNT_KEY, finish, listing_value, one_decimal

INNER_TERMS_SIZE = 500
# A listing of every record is read this many at a time, each page after the last's sort
# values (`search_after`), so it is not held to the 10,000-hit window.
PAGE = 2000


def clause(condition: m.Condition) -> dict[str, Any]:
    """One condition as a query clause."""
    if isinstance(condition, m.Is):
        return {"terms": {condition.field: list(condition.values)}}
    if isinstance(condition, m.IsNot):
        return {"bool": {"must_not": [{"terms": {condition.field: list(condition.values)}}]}}
    if isinstance(condition, m.Present):
        return {"exists": {"field": condition.field}}
    if isinstance(condition, m.Absent):
        return {"bool": {"must_not": [{"exists": {"field": condition.field}}]}}
    if isinstance(condition, m.Between):
        period = {"gte": condition.since.isoformat(), "lt": condition.until.isoformat()}
        return {"range": {condition.field: period}}
    # Today counts as one of the days: from midnight (UK) of the first day on.
    since = f"now-{condition.days - 1}d/d" if condition.days > 1 else "now/d"
    return {"range": {condition.field: {"gte": since, "time_zone": m.TIME_ZONE}}}


def _all(conditions: tuple[m.Condition, ...]) -> dict[str, Any]:
    return {"bool": {"filter": [clause(c) for c in conditions]}}


def _group(group: Group, level: int) -> dict[str, Any]:
    if isinstance(group, m.ByValue):
        size = group.size if level == 0 else INNER_TERMS_SIZE
        return {
            "terms": {
                "field": group.field,
                "size": size,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        }
    if isinstance(group, m.ByDay):
        return {
            "date_histogram": {
                "field": group.field,
                "calendar_interval": "day",
                "time_zone": m.TIME_ZONE,
                "format": "yyyy-MM-dd",
                "min_doc_count": 1,
            }
        }
    if isinstance(group, m.ByAge):
        ranges = []
        for band in group.bands:
            bounds: dict[str, str] = {"key": band.label}
            if band.older_hours is not None:
                bounds["from"] = f"now-{band.older_hours}h"
            if band.newer_hours is not None:
                bounds["to"] = f"now-{band.newer_hours}h"
            ranges.append(bounds)
        return {"date_range": {"field": group.field, "keyed": False, "ranges": ranges}}
    assert isinstance(group, m.ByKind)
    return {
        "filters": {
            "keyed": False,
            "filters": {kind.label: _all(kind.conditions) for kind in group.kinds},
        }
    }


def _measures(chart: Chart) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for measure in chart.measures:
        if isinstance(measure, m.Average):
            found[f"m_{measure.column}"] = {"avg": {"field": measure.field}}
        elif isinstance(measure, m.CountWhere):
            found[f"m_{measure.column}"] = {"filter": clause(measure.condition)}
    return found


def request_body(chart: Chart, after: list[Any] | None = None) -> dict[str, Any]:
    """The search request body (without the index); for a listing of every record, the
    page after the sort values `after` (the last hit's `sort`)."""
    query = _all(chart.where)
    if chart.listing is not None:
        listing = chart.listing
        ties = m.LISTING_TIES[chart.source]
        body = {
            "size": PAGE if listing.size is None else listing.size,
            "query": query,
            "sort": [{field: "asc"} for field in (listing.sort_field, *ties)],
            "_source": [f for f, _, _ in listing.columns],
        }
        if after is not None:
            body["search_after"] = after
        return body
    aggs: dict[str, Any] = _measures(chart)
    for level in reversed(range(len(chart.groups))):
        body = _group(chart.groups[level], level)
        if aggs:
            body["aggs"] = aggs
        aggs = {f"g{level}": body}
    return {"size": 0, "query": query, "aggs": aggs}


def _listed(hit: dict[str, Any], field: str) -> object:
    # Queue item ids are longs beyond what a JavaScript number holds, so the id is read as
    # the document's own id, a string, here as in the Kibana panel.
    return hit["_id"] if field == "item_id" else hit["_source"].get(field)


def _key(group: Group, bucket: dict[str, Any]) -> str:
    return str(bucket["key_as_string"] if isinstance(group, m.ByDay) else bucket["key"])


def _measured(chart: Chart, bucket: dict[str, Any], row: Row) -> Row:
    row[COUNT_KEY] = int(bucket["doc_count"])
    for measure in chart.measures:
        if isinstance(measure, m.Count):
            row[measure.column] = int(bucket["doc_count"])
        elif isinstance(measure, m.CountWhere):
            row[measure.column] = int(bucket[f"m_{measure.column}"]["doc_count"])
        elif isinstance(measure, m.Average):
            value = bucket[f"m_{measure.column}"]["value"]
            row[measure.column] = None if value is None else one_decimal(value * measure.scale)
    return row


def rows_from_response(chart: Chart, response: dict[str, Any]) -> list[Row]:
    """The rows an answer to `request_body(chart)` holds, in the chart's order."""
    if chart.listing is not None:
        return [
            {column: listing_value(_listed(hit, f)) for f, column, _ in chart.listing.columns}
            for hit in response["hits"]["hits"]
        ]
    rows: list[Row] = []
    outer = chart.groups[0]
    for bucket in response.get("aggregations", {}).get("g0", {}).get("buckets", []):
        if len(chart.groups) == 1:
            row = _measured(chart, bucket, {outer.column: _key(outer, bucket)})
            if row[COUNT_KEY]:
                rows.append(row)
            continue
        inner = chart.groups[1]
        for sub in bucket["g1"]["buckets"]:
            row = _measured(
                chart,
                sub,
                {
                    outer.column: _key(outer, bucket),
                    inner.column: _key(inner, sub),
                    OUTER_COUNT_KEY: int(bucket["doc_count"]),
                },
            )
            if row[COUNT_KEY]:
                rows.append(row)
    return finish(chart, rows)
