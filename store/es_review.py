"""The review app's reads and its one write (assignment) on the Elasticsearch store.

Queue items carry their comment's platform, surface, categories and creation time (copied
when queued), so a filtered queue page is one query on the queue index; the comments are
then read by id for the text a reviewer sees. Items queued before those fields existed
match only an unfiltered page.

Assignment uses optimistic concurrency on the item's sequence number, as closing does: of
two officers claiming the same item at once, one wins and the other gets LookupError.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from elastic_transport import ObjectApiResponse
from elasticsearch import ConflictError, NotFoundError

from moderation.review import AuditEvent, ReviewStatus
from moderation.verdict import Route
from store import es_documents as docs
from store.base import AuditFilter, CommentFilter, QueueRow

if TYPE_CHECKING:
    from store.elasticsearch import ElasticsearchStore

_ROW_VIEW = [
    "platform_state",
    "text",
    "author_handle",
    "action",
    "platform",
    "surface",
    "categories",
    "created_at",
]


def replace_item(
    store: ElasticsearchStore,
    item_id: int,
    found: ObjectApiResponse[Any],
    document: dict[str, Any],
    conflict: str,
) -> None:
    """Write a queue item's new `document` only if nobody changed the item since `found`
    was read (optimistic concurrency on its sequence number); LookupError(`conflict`) if
    somebody did."""
    try:
        store.client.index(
            index=store.names.queue,
            id=str(item_id),
            document=document,
            if_seq_no=found["_seq_no"],
            if_primary_term=found["_primary_term"],
            refresh=store.refresh_policy,
        )
    except ConflictError:
        raise LookupError(conflict) from None


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def comment_filters(filters: CommentFilter | None, created_field: str) -> list[dict[str, Any]]:
    """Filter clauses for a queue (created_field `comment_created_at`) or comments search
    (`created_at`)."""
    if filters is None:
        return []
    terms = (
        ("platform", filters.platform),
        ("surface", filters.surface),
        ("categories", filters.category),
    )
    return _clauses(terms, created_field, filters.since, filters.until)


def _clauses(
    terms: Iterable[tuple[str, str | None]],
    time_field: str,
    since: datetime | None,
    until: datetime | None,
) -> list[dict[str, Any]]:
    """A term clause for each value given, and a range on `time_field` from `since`
    (inclusive) to `until` (exclusive) where either is given."""
    clauses: list[dict[str, Any]] = [{"term": {field: value}} for field, value in terms if value]
    window: dict[str, str] = {}
    if since is not None:
        window["gte"] = _utc(since)
    if until is not None:
        window["lt"] = _utc(until)
    if window:
        clauses.append({"range": {time_field: window}})
    return clauses


def open_counts(store: ElasticsearchStore) -> dict[Route, int]:
    result = store._search(
        "count open items",
        store.names.queue,
        query={"term": {"status": ReviewStatus.OPEN.value}},
        aggs={"by_queue": {"terms": {"field": "queue", "size": len(Route)}}},
        size=0,
    )
    counts = dict.fromkeys(Route, 0)
    for bucket in result.get("aggregations", {}).get("by_queue", {}).get("buckets", []):
        counts[Route(bucket["key"])] = int(bucket["doc_count"])
    return counts


def _rows(store: ElasticsearchStore, hits: list[dict[str, Any]]) -> list[QueueRow]:
    """Items joined to their comments; an item whose comment has gone is left out."""
    comments = store._comments_by_key([h["_source"]["comment_key"] for h in hits], _ROW_VIEW)
    rows = []
    for hit in hits:
        source = hit["_source"]
        found = comments.get(source["comment_key"])
        if found is None:
            continue
        comment = found["_source"]
        rows.append(
            QueueRow(
                item=docs.queue_item(source, comment),
                assigned_to=source.get("assigned_to") or "",
                platform=comment["platform"],
                surface=comment["surface"],
                categories=tuple(comment.get("categories", ())),
                comment_created_at=datetime.fromisoformat(comment["created_at"]),
            )
        )
    return rows


def queue_page(
    store: ElasticsearchStore,
    queue: Route,
    filters: CommentFilter | None,
    status: ReviewStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[QueueRow], int]:
    clauses: list[dict[str, Any]] = [{"term": {"queue": queue.value}}]
    if status is not None:
        clauses.append({"term": {"status": status.value}})
    clauses += comment_filters(filters, "comment_created_at")
    result = store._search(
        "read a queue page",
        store.names.queue,
        query={"bool": {"filter": clauses}},
        sort=[{"urgent": "desc"}, {"position": "asc"}],
        from_=offset,
        size=limit,
        track_total_hits=True,
    )
    return _rows(store, result["hits"]["hits"]), int(result["hits"]["total"]["value"])


def items_for(store: ElasticsearchStore, comment_key: str) -> list[QueueRow]:
    result = store._search(
        "read a comment's items",
        store.names.queue,
        query={"term": {"comment_key": comment_key}},
        sort=[{"position": "asc"}],
        size=len(Route),
    )
    return _rows(store, result["hits"]["hits"])


def assign(
    store: ElasticsearchStore,
    item_id: int,
    assignee: str,
    event: AuditEvent,
    *,
    only_if_free: bool,
) -> None:
    change = {
        "assigned_to": assignee or None,
        "assigned_at": _utc(event.at),
        # Marks this call's write, so a retry after a lost answer knows it succeeded.
        "assign_id": uuid.uuid4().hex,
    }

    def run() -> None:
        try:
            found = store.client.get(index=store.names.queue, id=str(item_id))
        except NotFoundError:
            raise LookupError(f"there is no queue item {item_id}") from None
        source = found["_source"]
        if source.get("assign_id") == change["assign_id"]:
            return
        if source["status"] != ReviewStatus.OPEN.value:
            raise LookupError(f"queue item {item_id} is not open: it is {source['status']}")
        holder = source.get("assigned_to") or ""
        if only_if_free and holder not in ("", assignee):
            raise LookupError(f"queue item {item_id} is already claimed by {holder}")
        replace_item(
            store,
            item_id,
            found,
            {**source, **change},
            f"queue item {item_id} changed just now; look again before claiming it",
        )

    store._retry("assign a queue item", run)
    store._write([store._audit_action(event, f"assign-{change['assign_id']}")])


def audit_page(
    store: ElasticsearchStore, filters: AuditFilter | None, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    f = filters or AuditFilter()
    terms = (("actor", f.actor), ("event", f.event), ("comment_key", f.comment_key))
    clauses = _clauses(terms, "at", f.since, f.until)
    result = store._search(
        "read the audit log",
        store.names.audit,
        query={"bool": {"filter": clauses}},
        sort=[{"position": "desc"}],
        from_=offset,
        size=limit,
        track_total_hits=True,
    )
    events = [docs.audit_event(h["_source"]) for h in result["hits"]["hits"]]
    return events, int(result["hits"]["total"]["value"])
