"""A chart's Vega-Lite drawing, in the two forms it is used in.

- `embedded_spec`: the rows inline (from either store), for the review app and reports,
  rendered to SVG on the server by vl-convert.
- `kibana_spec`: the same marks and encoding, with Kibana's Elasticsearch data source (the
  plain request from `es_query`) and the transforms that turn its buckets into the very
  rows `es_query.rows_from_response` gives, so both draw the same picture.
"""

from __future__ import annotations

import json
from typing import Any

from dashboards.es_query import request_body
from dashboards.model import (
    WAITING,
    Average,
    ByAge,
    ByDay,
    ByKind,
    Chart,
    Count,
    CountWhere,
    Group,
    Percent,
    Row,
)

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WIDTH, HEIGHT = 560, 260
# The oldest Vega-Lite 5 that vl-convert carries; Kibana 8 ships a Vega-Lite 5 too, so the
# specs keep to what both have.
VEGA_LITE_VERSION = "5.8"

_CONFIG = {
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 220},
    # Below the chart: a browser's fonts can be wider than the renderer's, and a legend
    # beside the chart would then be cut at the image's edge.
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 220, "orient": "bottom"},
    "font": "sans-serif",
}


def _group_of(chart: Chart, column: str) -> Group | None:
    return next((g for g in chart.groups if g.column == column), None)


def _order(group: Group | None) -> list[str] | None:
    if isinstance(group, ByAge):
        return [b.label for b in group.bands]
    if isinstance(group, ByKind):
        return [k.label for k in group.kinds]
    return None


def _channel(chart: Chart, column: str) -> dict[str, Any]:
    title = dict(chart.columns).get(column, column)
    group = _group_of(chart, column)
    if isinstance(group, ByDay):
        return {
            "field": column,
            "type": "temporal",
            "timeUnit": "utcyearmonthdate",
            "title": title,
            # One tick a day (a day is the smallest step a day's count can have).
            "axis": {"format": "%d %b", "labelAngle": 0, "tickCount": "day"},
        }
    measure = next((m for m in chart.measures if m.column == column), None)
    if isinstance(measure, Count | CountWhere):
        # Counts are whole numbers: ticks between them go unlabelled.
        whole = "datum.value % 1 === 0 ? format(datum.value, 'd') : ''"
        return {
            "field": column,
            "type": "quantitative",
            "title": title,
            "axis": {"labelExpr": whole},
        }
    if measure is not None or column == WAITING:
        return {"field": column, "type": "quantitative", "title": title}
    channel: dict[str, Any] = {"field": column, "type": "nominal", "title": title}
    order = _order(group)
    if order:
        channel["sort"] = order
    return channel


def encoding(chart: Chart) -> dict[str, Any]:
    plot = chart.plot
    x, y = _channel(chart, plot.x), _channel(chart, plot.y)
    value = x if plot.horizontal else y
    category = y if plot.horizontal else x
    if plot.stack == "normalize":
        value["stack"] = "normalize"
        value["axis"] = {"format": "%"}
        value["title"] = f"Share of {value['title'].lower()}"
    if plot.in_row_order:
        category["sort"] = None
        if not plot.horizontal:
            category["axis"] = {"labelAngle": 0}
    elif plot.horizontal:
        category["sort"] = "-x"
    elif category["type"] == "nominal" and "sort" not in category:
        category["axis"] = {"labelAngle": -30}
    found: dict[str, Any] = {"x": x, "y": y}
    if plot.colour:
        colour = _channel(chart, plot.colour)
        order = _order(_group_of(chart, plot.colour))
        if plot.colours:
            order = [name for name, _ in plot.colours]
            colour["sort"] = order
            colour["scale"] = {"domain": order, "range": [c for _, c in plot.colours]}
        elif order:
            colour["scale"] = {"domain": order}
        found["color"] = colour
        if plot.side_by_side:
            found["yOffset" if plot.horizontal else "xOffset"] = {
                "field": plot.colour,
                "sort": order,
            }
    found["tooltip"] = [
        {k: v for k, v in _channel(chart, column).items() if k not in ("axis", "sort")}
        for column, _ in chart.columns
    ]
    return found


def _mark(chart: Chart) -> dict[str, Any]:
    if chart.plot.mark == "line":
        return {"type": "line", "point": True}
    return {"type": "bar"}


def embedded_spec(chart: Chart, rows: list[Row], description: str = "") -> dict[str, Any]:
    """The chart over rows already counted (either store), or worked out by the weekly
    report; `description` is its text alternative, kept in the drawing for screen readers."""
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "width": WIDTH,
        "height": HEIGHT,
        "data": {"values": rows},
        "mark": _mark(chart),
        "encoding": encoding(chart),
        "config": _CONFIG,
    }
    if description:
        spec["description"] = description
    return spec


def _key(group: Group, bucket: str) -> str:
    # A day is a date in both forms: the rows' `YYYY-MM-DD` strings are read as dates
    # where the data is loaded, and a transform's are not, so it reads them itself.
    if isinstance(group, ByDay):
        return f"toDate({bucket}['key_as_string'])"
    return f"{bucket}['key']"


def _grouped_transforms(chart: Chart) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    inner = "datum"
    if len(chart.groups) > 1:
        steps.append({"flatten": ["g1.buckets"], "as": ["b1"]})
        inner = "datum['b1']"
    steps.append({"calculate": _key(chart.groups[0], "datum"), "as": chart.groups[0].column})
    if len(chart.groups) > 1:
        steps.append({"calculate": _key(chart.groups[1], inner), "as": chart.groups[1].column})
    # Empty bands and kinds come back with a count of 0; the rows leave them out.
    steps.append({"filter": f"{inner}['doc_count'] > 0"})
    for m in chart.measures:
        if isinstance(m, Count):
            expr = f"{inner}['doc_count']"
        elif isinstance(m, CountWhere):
            expr = f"{inner}['m_{m.column}']['doc_count']"
        elif isinstance(m, Average):
            value = f"{inner}['m_{m.column}']['value']"
            expr = f"{value} == null ? null : round({value} * {m.scale!r} * 10) / 10"
        else:
            assert isinstance(m, Percent)
            part, whole = f"datum['{m.part}']", f"datum['{m.whole}']"
            expr = f"{whole} > 0 ? round({part} / {whole} * 1000) / 10 : null"
        steps.append({"calculate": expr, "as": m.column})
    return steps


def _listing_transforms(chart: Chart, review_url: str) -> list[dict[str, Any]]:
    listing = chart.listing
    assert listing is not None
    steps: list[dict[str, Any]] = []
    for field, column, _ in listing.columns:
        # Queue item ids are longs beyond what a JavaScript number holds: read the id.
        value = "datum['_id']" if field == "item_id" else f"datum['_source']['{field}']"
        steps.append(
            {"calculate": f"isArray({value}) ? join({value}, ', ') : {value}", "as": column}
        )
    if listing.waiting_since:
        since = f"toDate(datum['{listing.waiting_since}'])"
        steps.append({"calculate": f"round((now() - {since}) / 360000) / 10", "as": WAITING})
    if chart.plot.link:
        steps.append(
            {
                "calculate": f"{json.dumps(review_url + '/items/')} + datum['{chart.plot.link}']",
                "as": "link",
            }
        )
    return steps


def kibana_spec(chart: Chart, index: str, review_url: str) -> dict[str, Any]:
    """The chart as a Kibana Vega-Lite panel reading `index` with the plain request."""
    listing = chart.listing is not None
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "data": {
            "url": {"index": index, "body": request_body(chart)},
            "format": {"property": "hits.hits" if listing else "aggregations.g0.buckets"},
        },
        "transform": (
            _listing_transforms(chart, review_url) if listing else _grouped_transforms(chart)
        ),
        "mark": _mark(chart),
        "encoding": encoding(chart),
        "config": _CONFIG,
    }
    if listing and chart.plot.link:
        spec["encoding"]["href"] = {"field": "link", "type": "nominal"}
    return spec


def with_response(spec: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """A Kibana panel's spec with an Elasticsearch answer in place of its request, as Kibana
    hands the answer to Vega, for drawing outside Kibana."""
    data = {"values": response, "format": {"type": "json", **spec["data"]["format"]}}
    return {**spec, "data": data, "width": WIDTH, "height": HEIGHT}
