"""Retention and erasure on Elasticsearch, with what the core server offers.

The core server has no scripts and no reindex module (where `update_by_query` and
`delete_by_query` live), so every change is a bulk action by document id: an `update` with
a partial `doc` that replaces an audit event's detail by an erasure marker, a `delete` for
a queue item, a dead letter or a comment; retention drops whole monthly comment indices.

Without transactions, order is what makes a run safe to cut short: the comments are found
first and removed last, so a run that stops halfway (an outage) finds the same comments
next time and finishes the job. Every step can be repeated: a marker is written only over
a detail that is not already one, and a delete that finds nothing counts as done. The
audit event recording the run is appended at the end.

Unlike SQLite's trigger, nothing in the cluster itself stops a client that can write to
the audit index from updating an event; through this code the only update ever sent is a
marker (checked before sending). In production, give only this job's role write access
to the audit index (the workers need `create_doc` only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from elasticsearch import helpers

from moderation.review import PlatformState
from store import personal_data
from store.personal_data import ErasureRequest, Removed

if TYPE_CHECKING:
    from store.elasticsearch import ElasticsearchStore

_TERMS_PER_QUERY = 1000


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _TERMS_PER_QUERY):
        yield values[start : start + _TERMS_PER_QUERY]


def _all_hits(
    store: ElasticsearchStore,
    what: str,
    index: str | list[str],
    query: dict[str, Any],
    source: list[str] | bool,
) -> list[dict[str, Any]]:
    """Every matching document (scrolling), or none if the index does not exist yet."""

    def run() -> list[dict[str, Any]]:
        return list(
            helpers.scan(
                store.client,
                query={"query": query, "source": source},
                index=index,
                size=1000,
                scroll="2m",
                ignore_unavailable=True,
                allow_no_indices=True,
            )
        )

    found: list[dict[str, Any]] = store._retry(what, run)
    return found


def expired_indices(store: ElasticsearchStore, cutoff: datetime) -> list[str]:
    """The monthly comment indices whose whole month ended at or before `cutoff`."""
    expired = []
    for name in store.comment_indices():
        month = store.names.month_of(name)
        assert month is not None
        ends = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
        if ends <= cutoff:
            expired.append(name)
    return expired


def drop_indices(store: ElasticsearchStore, names: list[str]) -> None:
    if names:
        store._retry(
            "delete expired comment indices",
            lambda: store.client.options(ignore_status=404).indices.delete(index=names),
        )


def _forget(
    store: ElasticsearchStore, comments: list[dict[str, Any]], marker: str, dry_run: bool
) -> Removed:
    """Mark the audit details and delete the queue items of these comment hits (the
    comments themselves are left to the caller, to go last)."""
    keys = [hit["_id"] for hit in comments]
    audit: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for chunk in _chunks(keys):
        audit += _all_hits(
            store,
            "find the audit events of the comments",
            store.names.audit,
            {"terms": {"comment_key": chunk}},
            ["detail"],
        )
        items += _all_hits(
            store,
            "find the queue items of the comments",
            store.names.queue,
            {"terms": {"comment_key": chunk}},
            False,
        )
    unmarked = [hit for hit in audit if not personal_data.is_marker(hit["_source"]["detail"])]
    if not personal_data.is_marker(marker):
        raise ValueError(f"only an erasure marker may replace an audit detail, not {marker!r}")
    changes = [
        {
            "_op_type": "update",
            "_index": hit["_index"],
            "_id": hit["_id"],
            "doc": {"detail": marker},
        }
        for hit in unmarked
    ]
    changes += [{"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in items]
    if changes and not dry_run:
        store._write(changes)
    still_hidden = sorted(
        hit["_id"]
        for hit in comments
        if hit["_source"].get("platform_state") == PlatformState.HIDDEN.value
    )
    return Removed(len(comments), len(items), 0, len(unmarked), tuple(still_hidden))


def _delete_dead_letters(
    store: ElasticsearchStore,
    query: dict[str, Any],
    doomed: Callable[[dict[str, Any]], bool],
    dry_run: bool,
) -> int:
    hits = _all_hits(store, "find dead letters", store.names.dead_letters, query, ["at", "payload"])
    gone = [hit for hit in hits if doomed(hit["_source"])]
    if gone and not dry_run:
        store._write([{"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in gone])
    return len(gone)


def apply_retention(
    store: ElasticsearchStore, days: int, now: datetime, *, dry_run: bool = False
) -> Removed:
    cutoff = personal_data.retention_cutoff(days, now)
    expired = expired_indices(store, cutoff)
    comments = (
        _all_hits(store, "read expiring comments", expired, {"match_all": {}}, ["platform_state"])
        if expired
        else []
    )
    removed = _forget(store, comments, personal_data.retention_marker(now), dry_run)
    dead = _delete_dead_letters(
        store, {"range": {"at": {"lt": cutoff.isoformat()}}}, lambda _source: True, dry_run
    )
    removed = replace(removed, dead_letters=dead, indices=tuple(expired))
    if dry_run:
        return removed
    drop_indices(store, expired)
    store.append_audit(personal_data.retention_event(days, now, removed))
    return removed


def erase_author(
    store: ElasticsearchStore, request: ErasureRequest, *, dry_run: bool = False
) -> Removed:
    # The cluster finds candidates by id or handle, case aside; the final say is the rule
    # in `personal_data`, so both stores match exactly the same authors.
    platform = request.platform.value
    by_author = {
        "bool": {
            "filter": [{"term": {"platform": platform}}],
            "should": [
                {"term": {field: {"value": name, "case_insensitive": True}}}
                for field in ("author_id", "author_handle")
                for name in request.names
            ],
            "minimum_should_match": 1,
        }
    }
    candidates = _all_hits(
        store,
        "find the author's comments",
        store.names.comments,
        by_author,
        ["platform_state", "author_id", "author_handle"],
    )
    comments = [
        hit
        for hit in candidates
        if request.is_author(
            platform,
            hit["_source"].get("author_id") or "",
            hit["_source"].get("author_handle") or "",
        )
    ]
    removed = _forget(store, comments, personal_data.request_marker(request.at), dry_run)
    dead = _delete_dead_letters(
        store,
        {"match_all": {}},
        lambda source: personal_data.mentions_author(source["payload"], request),
        dry_run,
    )
    authors = personal_data.matched_authors(
        (hit["_source"].get("author_id") or "", hit["_source"].get("author_handle") or "")
        for hit in comments
    )
    removed = replace(removed, dead_letters=dead, authors=authors)
    if dry_run:
        return removed
    if comments:
        store._write(
            [{"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in comments]
        )
    store.append_audit(personal_data.erasure_event(request, removed))
    return removed
