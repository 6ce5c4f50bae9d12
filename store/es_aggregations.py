"""The aggregations reports and dashboards need, as request bodies and parsed results.

Counts are of comments (documents): a comment with two categories counts once in each,
and once per distinct service it reports, the same as the SQLite store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Generous bucket limits: categories, actions and platforms are short closed lists;
# services are a council's own list of a few dozen.
_TERMS_SIZE = 500

CALENDAR_INTERVALS = frozenset({"minute", "hour", "day", "week", "month", "quarter", "year"})


@dataclass(frozen=True, slots=True)
class TimeBucket:
    """Comments created in [start, start + interval), by action."""

    start: datetime
    total: int
    by_action: dict[str, int] = field(default_factory=dict)


def created_between(since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """A filter on created_at: since inclusive, until exclusive; all comments if both None."""
    bounds: dict[str, str] = {}
    if since is not None:
        bounds["gte"] = since.astimezone(UTC).isoformat()
    if until is not None:
        bounds["lt"] = until.astimezone(UTC).isoformat()
    return {"range": {"created_at": bounds}} if bounds else {"match_all": {}}


def counts_aggregations() -> dict[str, Any]:
    return {
        name: {"terms": {"field": fieldname, "size": _TERMS_SIZE}}
        for name, fieldname in (
            ("by_action", "action"),
            ("by_category", "categories"),
            ("by_platform", "platform"),
            ("by_service", "services"),
        )
    }


def buckets(aggregations: dict[str, Any], name: str) -> dict[str, int]:
    return {str(b["key"]): int(b["doc_count"]) for b in aggregations[name]["buckets"]}


def histogram_aggregation(interval: str) -> dict[str, Any]:
    """A date_histogram on created_at, buckets in UTC, each split by action.

    `interval` is a calendar unit ("hour", "day", "week", "month"...) or a fixed length
    ("15m", "6h", "1d"); a bad one is rejected by Elasticsearch with a 400.
    """
    key = "calendar_interval" if interval in CALENDAR_INTERVALS else "fixed_interval"
    return {
        "over_time": {
            "date_histogram": {"field": "created_at", key: interval, "time_zone": "UTC"},
            "aggs": {"by_action": {"terms": {"field": "action", "size": _TERMS_SIZE}}},
        }
    }


def time_buckets(aggregations: dict[str, Any]) -> list[TimeBucket]:
    return [
        TimeBucket(
            start=datetime.fromtimestamp(int(b["key"]) / 1000, tz=UTC),
            total=int(b["doc_count"]),
            by_action=buckets(b, "by_action"),
        )
        for b in aggregations["over_time"]["buckets"]
    ]


def top_services_aggregation(limit: int) -> dict[str, Any]:
    return {"by_service": {"terms": {"field": "services", "size": limit}}}
