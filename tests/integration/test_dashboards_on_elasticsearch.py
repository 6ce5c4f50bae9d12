"""The Kibana dashboards proved without Kibana, on a real Elasticsearch node: every field a
panel uses is in the real index mapping and aggregatable; every panel's request, taken from
the saved objects as Kibana would send it, runs and returns the hand-counted buckets; the
embedded mode's SQLite numbers are the same, chart by chart; and each Kibana panel draws the
same picture from Elasticsearch's answer as the review app draws from its rows."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import vl_convert

from dashboards import es_query, render, sqlite_query
from dashboards.catalogue import CHARTS
from dashboards.model import (
    ByAge,
    ByDay,
    ByKind,
    ByValue,
    Chart,
    Condition,
    InLastDays,
    Is,
    IsNot,
    Present,
    Row,
)
from dashboards.saved_objects import SAVED_SEARCHES, saved_objects, visualization_id
from dashboards.sources import ElasticsearchSource, index_for
from dashboards.vega import VEGA_LITE_VERSION, embedded_spec, with_response
from houserules.settings import ElasticsearchSettings
from store.elasticsearch import ElasticsearchStore
from store.sqlite import SqliteStore
from tests.dashboard_seed import expected_rows, seed, unordered, without_item_numbers
from tests.integration.test_store_contract import remove_indices

NOW = datetime.now(UTC)


@dataclass
class Seeded:
    es: ElasticsearchStore
    sqlite: Path
    panels: dict[str, dict[str, Any]]  # chart name -> its Kibana Vega-Lite spec


@pytest.fixture(scope="module")
def seeded(elasticsearch: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    prefix = f"dash-{uuid.uuid4().hex[:10]}"
    store = ElasticsearchStore.connect(
        ElasticsearchSettings(url=elasticsearch.url, index_prefix=prefix)
    )
    path = tmp_path_factory.mktemp("dashboards") / "houserules.db"
    local = SqliteStore(path)
    try:
        seed(store, NOW)
        seed(local, NOW)
        store.refresh()
        panels = {}
        for obj in saved_objects(prefix, "http://review.example"):
            if obj["type"] == "visualization":
                state = json.loads(obj["attributes"]["visState"])
                if state["type"] == "vega":  # not the Markdown notes
                    panels[obj["id"]] = json.loads(state["params"]["spec"])
        yield Seeded(
            store, path, {name: panels[visualization_id(prefix, c)] for name, c in CHARTS.items()}
        )
    finally:
        local.close()
        remove_indices(store)
        store.close()


def _fields(condition: Condition) -> list[str]:
    if isinstance(condition, Is | IsNot | Present | InLastDays):
        return [condition.field]
    return []


def aggregated_fields(chart: Chart) -> set[str]:
    """Every field the chart filters, groups, sorts or averages on."""
    found = {f for c in chart.where for f in _fields(c)}
    for group in chart.groups:
        if isinstance(group, ByValue | ByDay | ByAge):
            found.add(group.field)
        elif isinstance(group, ByKind):
            found |= {f for kind in group.kinds for c in kind.conditions for f in _fields(c)}
    for m in chart.measures:
        found |= {getattr(m, "field", "")} - {""}
        condition = getattr(m, "condition", None)
        if condition is not None:
            found |= set(_fields(condition))
    if chart.listing is not None:
        found |= {chart.listing.sort_field, "comment_key", "queue"}
    return found


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_field_a_panel_uses_is_in_the_real_mapping_and_aggregatable(
    seeded: Seeded, name: str
) -> None:
    chart = CHARTS[name]
    index = index_for(seeded.es.names, chart.source)
    wanted = aggregated_fields(chart)
    caps = seeded.es.client.field_caps(index=index, fields=sorted(wanted)).body["fields"]
    for field in wanted:
        assert field in caps, f"{name}: {field} is not in the {index} mapping"
        for kind, cap in caps[field].items():
            assert cap["aggregatable"], f"{name}: {field} ({kind}) cannot be aggregated"
            assert kind in ("keyword", "date", "long", "double", "float", "boolean"), kind
    if chart.listing is not None:
        shown = [f for f, _, _ in chart.listing.columns]
        mapped = seeded.es.client.field_caps(index=index, fields=shown).body["fields"]
        assert set(shown) <= set(mapped), f"{name}: every listed field is mapped"


def test_the_saved_searches_and_data_views_use_mapped_fields(seeded: Seeded) -> None:
    names = seeded.es.names
    for search in SAVED_SEARCHES.values():
        index = index_for(names, search.source)
        fields = {*search.columns, search.sort, *re.findall(r"(\w+):", search.query)}
        caps = seeded.es.client.field_caps(index=index, fields=sorted(fields)).body["fields"]
        assert fields <= set(caps), f"{search.name}: {fields - set(caps)} not mapped"
    for obj in saved_objects(names.prefix):
        if obj["type"] == "index-pattern":
            attributes = obj["attributes"]
            time_field = attributes["timeFieldName"]
            caps = seeded.es.client.field_caps(index=attributes["title"], fields=[time_field])
            assert caps.body["fields"][time_field]["date"]["aggregatable"], attributes["title"]


def _panel_answer(seeded: Seeded, name: str) -> dict[str, Any]:
    """Run the request exactly as the Kibana panel carries it."""
    url = seeded.panels[name]["data"]["url"]
    assert not re.search(r"%\w+%", json.dumps(url)), "a plain request, no Kibana placeholders"
    answer: dict[str, Any] = seeded.es.client.search(index=url["index"], **url["body"]).body
    return answer


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_panels_own_request_returns_the_hand_counted_buckets(
    seeded: Seeded, name: str
) -> None:
    rows = es_query.rows_from_response(CHARTS[name], _panel_answer(seeded, name))
    assert unordered(without_item_numbers(rows)) == unordered(expected_rows(NOW)[name])


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_elasticsearch_and_sqlite_give_the_same_rows_in_the_same_order(
    seeded: Seeded, name: str
) -> None:
    chart = CHARTS[name]
    from_es = ElasticsearchSource(seeded.es.client, seeded.es.names).rows(chart, NOW)
    db = sqlite_query.connect(seeded.sqlite)
    try:
        from_sqlite = sqlite_query.rows(db, chart, NOW)
    finally:
        db.close()
    assert without_item_numbers(from_es) == without_item_numbers(from_sqlite)


def _marks(svg: str) -> list[str]:
    return sorted(re.findall(r'aria-label="([^"]*)"', svg))


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_each_kibana_panel_draws_what_the_review_app_draws(seeded: Seeded, name: str) -> None:
    chart = CHARTS[name]
    answer = _panel_answer(seeded, name)
    panel = vl_convert.vegalite_to_svg(
        with_response(seeded.panels[name], answer), vl_version=VEGA_LITE_VERSION
    )
    rows: list[Row] = es_query.rows_from_response(chart, answer)
    if chart.listing is not None:
        # Hours waiting are counted from the moment of drawing: compare the items listed.
        items = [str(r["item"]) for r in rows]
        assert items and all(f"Item: {item}" in panel for item in items)
        assert "http://review.example/items/" + items[0] in panel, "each bar links to its item"
        return
    app = render.svg(chart, rows)
    assert _marks(panel) == _marks(app)
    assert len(_marks(app)) >= len(rows) + 2, "a mark for each row, and both axes"
    assert embedded_spec(chart, rows)["encoding"] == seeded.panels[name]["encoding"]
