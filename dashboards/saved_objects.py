"""Kibana saved objects for the four dashboards, generated from the chart catalogue.

What is made, all with fixed ids so importing again (with overwrite) replaces rather than
doubles: a data view over each of the comment, queue and audit indices; a saved search on
each (document lists a comms officer can open and filter, with a link from each row to
the comment in the review app); a Vega-Lite visualization per chart, carrying its plain
Elasticsearch request; a Markdown note where a dashboard shows what Elasticsearch does not
hold (the weekly report's themes); and the dashboards, which refer to their panels by
reference.

The objects are written for Kibana 8.19 (the Elasticsearch the project runs is 8.19, and
Kibana must match its cluster's version); they import into 8.19 or any later 8.x, and 9.x.
`python -m dashboards` rewrites the checked-in file from this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboards.catalogue import DASHBOARDS
from dashboards.model import Chart, Dashboard, Source
from dashboards.vega import kibana_spec
from store.es_templates import IndexNames

KIBANA_VERSION = "8.19.0"
CHECKED_IN = Path(__file__).parent / "kibana" / "houserules.ndjson"
DEFAULT_PREFIX = "houserules"
DEFAULT_REVIEW_URL = "http://127.0.0.1:8000"

# The versions each type's attributes are written in (Kibana migrates anything older).
_CORE_MIGRATION_VERSION = "8.8.0"
_TYPE_MIGRATION_VERSION = {
    "index-pattern": "8.0.0",
    "search": "8.0.0",
    "visualization": "8.5.0",
    "dashboard": "8.9.0",
}
_EMPTY_SEARCH = json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})
_INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
_TIME_FIELDS = {Source.COMMENTS: "created_at", Source.QUEUE: "created_at", Source.AUDIT: "at"}
_LABELS = {Source.COMMENTS: "comments", Source.QUEUE: "queue items", Source.AUDIT: "audit log"}


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A document list in Kibana (Discover), for a dashboard's table panel."""

    name: str
    title: str
    description: str
    source: Source
    query: str
    columns: tuple[str, ...]
    sort: str


SAVED_SEARCHES = {
    "open_decisions": SavedSearch(
        "open_decisions",
        "Open hides and escalations",
        "Every item waiting for a person's decision, oldest comment first; each comment "
        "links to its page in the review app.",
        Source.QUEUE,
        "status:open and queue:(review or escalations)",
        ("queue", "comment_key", "platform", "categories", "urgent", "comment_created_at"),
        "comment_created_at",
    ),
    "hidden_comments": SavedSearch(
        "hidden_comments",
        "Comments the house rules hid",
        "Each hidden or escalated comment with its rule, model version and platform state.",
        Source.COMMENTS,
        "action:(hide or escalate)",
        ("key", "categories", "classifier_version", "platform_state", "text"),
        "created_at",
    ),
    "decisions_and_alerts": SavedSearch(
        "decisions_and_alerts",
        "Decisions and alerts in the audit log",
        "Who confirmed, restored, escalated or answered what, and the spike alerts.",
        Source.AUDIT,
        "event:(confirm or restore or escalate or done or service_spike or repeated_abuse)",
        ("event", "actor", "comment_key", "detail"),
        "at",
    ),
}


@dataclass(frozen=True, slots=True)
class Note:
    """A Markdown panel, for what a dashboard shows that Elasticsearch does not hold."""

    name: str
    title: str
    markdown: str  # `{review_url}` stands for the review app's address


# The weekly report's themes are clustered from the comments by its tone model and kept in
# its state folder, not in an index, so Kibana cannot chart them: the Reputation dashboard
# says where they are.
NOTES: dict[str, tuple[Note, ...]] = {
    "reputation": (
        Note(
            "themes",
            "Themes from the weekly report",
            "**Themes: what people are talking about.** The weekly report groups each week's"
            " comments into themes and keeps them with its own state, not in Elasticsearch, so"
            " they are not charted here. This week's themes, and how each has grown or faded"
            " over the last weeks, are on the review app's"
            " [Reputation dashboard]({review_url}/dashboards/reputation#themes) and in the"
            " weekly report.",
        ),
    ),
}

# Which saved searches each dashboard shows after its charts.
_DASHBOARD_SEARCHES = {
    "triage": ("open_decisions",),
    "comms": (),
    "reputation": (),
    "accountability": ("hidden_comments", "decisions_and_alerts"),
}


# Ids start with the index prefix, so two councils' objects can share one Kibana.


def data_view_id(prefix: str, source: Source) -> str:
    return f"{prefix}-data-view-{source.value}"


def visualization_id(prefix: str, chart: Chart) -> str:
    return f"{prefix}-chart-{chart.name}"


def note_id(prefix: str, note: Note) -> str:
    return f"{prefix}-note-{note.name}"


def search_id(prefix: str, search: SavedSearch) -> str:
    return f"{prefix}-search-{search.name}"


def dashboard_id(prefix: str, dashboard: Dashboard) -> str:
    return f"{prefix}-dashboard-{dashboard.name}"


def _index(names: IndexNames, source: Source) -> str:
    return {
        Source.COMMENTS: names.comments,
        Source.QUEUE: names.queue,
        Source.AUDIT: names.audit,
    }[source]


def _object(
    kind: str, object_id: str, attributes: dict[str, Any], refs: list[Any]
) -> dict[str, Any]:
    return {
        "type": kind,
        "id": object_id,
        "attributes": attributes,
        "references": refs,
        "managed": False,
        "coreMigrationVersion": _CORE_MIGRATION_VERSION,
        "typeMigrationVersion": _TYPE_MIGRATION_VERSION[kind],
    }


def _data_view(names: IndexNames, source: Source, review_url: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "title": _index(names, source),
        "name": f"houserules {_LABELS[source]}",
        "timeFieldName": _TIME_FIELDS[source],
    }
    link = "key" if source is Source.COMMENTS else "comment_key"
    if source is not Source.AUDIT:
        # A comment's key opens its page in the review app, from any table on this view.
        attributes["fieldFormatMap"] = json.dumps(
            {
                link: {
                    "id": "url",
                    "params": {
                        "urlTemplate": review_url + "/comments/{{value}}",
                        "labelTemplate": "{{value}}",
                    },
                }
            }
        )
    return _object("index-pattern", data_view_id(names.prefix, source), attributes, [])


def _saved_search(search: SavedSearch, prefix: str) -> dict[str, Any]:
    source_json = {
        "query": {"query": search.query, "language": "kuery"},
        "filter": [],
        "indexRefName": _INDEX_REF,
    }
    attributes = {
        "title": search.title,
        "description": search.description,
        "columns": list(search.columns),
        "sort": [[search.sort, "asc" if search.source is Source.QUEUE else "desc"]],
        "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(source_json)},
    }
    refs = [
        {"name": _INDEX_REF, "type": "index-pattern", "id": data_view_id(prefix, search.source)}
    ]
    return _object("search", search_id(prefix, search), attributes, refs)


def _visualization(chart: Chart, names: IndexNames, review_url: str) -> dict[str, Any]:
    spec = kibana_spec(chart, _index(names, chart.source), review_url)
    vis_state = {
        "title": chart.title,
        "type": "vega",
        "aggs": [],
        "params": {"spec": json.dumps(spec, indent=2)},
    }
    attributes = {
        "title": chart.title,
        "description": chart.question,
        "visState": json.dumps(vis_state),
        "uiStateJSON": "{}",
        "version": 1,
        "kibanaSavedObjectMeta": {"searchSourceJSON": _EMPTY_SEARCH},
    }
    return _object("visualization", visualization_id(names.prefix, chart), attributes, [])


def _note(note: Note, prefix: str, review_url: str) -> dict[str, Any]:
    vis_state = {
        "title": note.title,
        "type": "markdown",
        "aggs": [],
        "params": {
            "markdown": note.markdown.replace("{review_url}", review_url),
            "fontSize": 12,
            "openLinksInNewTab": False,
        },
    }
    attributes = {
        "title": note.title,
        "description": "",
        "visState": json.dumps(vis_state),
        "uiStateJSON": "{}",
        "version": 1,
        "kibanaSavedObjectMeta": {"searchSourceJSON": _EMPTY_SEARCH},
    }
    return _object("visualization", note_id(prefix, note), attributes, [])


def _dashboard(dashboard: Dashboard, prefix: str) -> dict[str, Any]:
    charts: list[tuple[str, str]] = [
        ("visualization", visualization_id(prefix, c)) for c in dashboard.charts
    ] + [("visualization", note_id(prefix, n)) for n in NOTES.get(dashboard.name, ())]
    panels_in_order = charts + [
        ("search", search_id(prefix, SAVED_SEARCHES[s]))
        for s in _DASHBOARD_SEARCHES[dashboard.name]
    ]
    panels, refs = [], []
    chart_rows = (len(charts) + 1) // 2
    for n, (kind, target) in enumerate(panels_in_order, start=1):
        # Charts (and notes) two abreast; each document list below them takes a full-width row.
        slot = n - 1
        if kind == "search":
            row = chart_rows + slot - len(charts)
            grid = {"x": 0, "y": row * 15, "w": 48, "h": 15, "i": str(n)}
        else:
            grid = {"x": (slot % 2) * 24, "y": (slot // 2) * 15, "w": 24, "h": 15, "i": str(n)}
        panels.append(
            {
                "version": KIBANA_VERSION,
                "type": kind,
                "gridData": grid,
                "panelIndex": str(n),
                "embeddableConfig": {},
                "panelRefName": f"panel_{n}",
            }
        )
        refs.append({"name": f"{n}:panel_{n}", "type": kind, "id": target})
    attributes = {
        "title": f"houserules: {dashboard.title}",
        "description": dashboard.purpose,
        "panelsJSON": json.dumps(panels),
        "optionsJSON": json.dumps(
            {"useMargins": True, "syncColors": False, "hidePanelTitles": False}
        ),
        "timeRestore": False,
        "version": 1,
        "kibanaSavedObjectMeta": {"searchSourceJSON": _EMPTY_SEARCH},
    }
    return _object("dashboard", dashboard_id(prefix, dashboard), attributes, refs)


def saved_objects(
    index_prefix: str = DEFAULT_PREFIX, review_url: str = DEFAULT_REVIEW_URL
) -> list[dict[str, Any]]:
    """Every object, referenced ones before those that refer to them."""
    names = IndexNames(index_prefix)
    review_url = review_url.rstrip("/")
    objects = [_data_view(names, s, review_url) for s in Source]
    objects += [_saved_search(s, names.prefix) for s in SAVED_SEARCHES.values()]
    objects += [_visualization(c, names, review_url) for d in DASHBOARDS for c in d.charts]
    objects += [
        _note(n, names.prefix, review_url) for d in DASHBOARDS for n in NOTES.get(d.name, ())
    ]
    objects += [_dashboard(d, names.prefix) for d in DASHBOARDS]
    return objects


def ndjson(objects: list[dict[str, Any]]) -> str:
    """One object per line, keys sorted, so the file changes only when an object does."""
    return "".join(json.dumps(o, sort_keys=True, ensure_ascii=False) + "\n" for o in objects)


def write_checked_in() -> Path:
    CHECKED_IN.parent.mkdir(parents=True, exist_ok=True)
    CHECKED_IN.write_text(ndjson(saved_objects()), encoding="utf-8")
    return CHECKED_IN
