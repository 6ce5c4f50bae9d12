"""Decision locks on the Elasticsearch store: optimistic concurrency on the queue item.

A lock is four fields on the item's own document (`decision_token`, `decision_kind`,
`decision_by`, `decision_until`). Taking it reads the item, checks it is open and free
(or its holder's time has passed), and writes it back with `if_seq_no` and
`if_primary_term`: if anyone wrote the item in between (another decision, a claim, a
close), Elasticsearch refuses the write and the caller is told someone is deciding it.
Closing the item clears the fields in the same conditional write (`close_item`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from elasticsearch import ConflictError, NotFoundError

from moderation.review import ReviewStatus
from store.base import DecisionInProgress, DecisionLock

if TYPE_CHECKING:
    from store.elasticsearch import ElasticsearchStore

CLEARED: dict[str, Any] = {
    "decision_token": None,
    "decision_kind": None,
    "decision_by": None,
    "decision_until": None,
}


def in_progress(item_id: int, source: dict[str, Any]) -> str:
    until = datetime.fromisoformat(source["decision_until"]).astimezone(UTC)
    return (
        f"queue item {item_id} is being decided right now ({source.get('decision_kind')} by"
        f" {source.get('decision_by')}); look again in a moment (the hold ends by"
        f" {until:%H:%M:%S} UTC at the latest)"
    )


def held_by_other(source: dict[str, Any], token: str) -> bool:
    """Whether a decision other than `token`'s holds the item (expired or not: only a new
    `begin` takes over an expired hold, so a close never races one)."""
    holder = source.get("decision_token")
    return bool(holder) and holder != token


def begin(store: ElasticsearchStore, lock: DecisionLock, now: datetime) -> str:
    """See `Store.begin_decision`."""
    replaced = ""

    def run() -> str:
        nonlocal replaced
        try:
            found = store.client.get(index=store.names.queue, id=str(lock.item_id))
        except NotFoundError:
            raise LookupError(f"there is no queue item {lock.item_id}") from None
        source = found["_source"]
        if source.get("decision_token") == lock.token:
            return replaced  # an earlier attempt took it and its answer was lost
        if source["status"] != ReviewStatus.OPEN.value:
            raise LookupError(f"queue item {lock.item_id} is already {source['status']}")
        if held_by_other(source, lock.token):
            if datetime.fromisoformat(source["decision_until"]) > now:
                raise DecisionInProgress(in_progress(lock.item_id, source))
            replaced = str(source.get("decision_kind") or "")
        holding = {
            "decision_token": lock.token,
            "decision_kind": lock.kind,
            "decision_by": lock.by,
            "decision_until": lock.until.astimezone(UTC).isoformat(),
        }
        try:
            store.client.index(
                index=store.names.queue,
                id=str(lock.item_id),
                document={**source, **holding},
                if_seq_no=found["_seq_no"],
                if_primary_term=found["_primary_term"],
                refresh=store.refresh_policy,
            )
        except ConflictError:
            raise DecisionInProgress(
                f"queue item {lock.item_id} changed just now (another officer is deciding"
                " or claiming it); look again before deciding"
            ) from None
        return replaced

    result: str = store._retry("take a queue item's decision lock", run)
    return result


def end(store: ElasticsearchStore, item_id: int, token: str) -> None:
    """See `Store.end_decision`."""

    def run() -> None:
        try:
            found = store.client.get(index=store.names.queue, id=str(item_id))
        except NotFoundError:
            return
        source = found["_source"]
        if source.get("decision_token") != token:
            return
        try:
            store.client.index(
                index=store.names.queue,
                id=str(item_id),
                document={**source, **CLEARED},
                if_seq_no=found["_seq_no"],
                if_primary_term=found["_primary_term"],
                refresh=store.refresh_policy,
            )
        except ConflictError:
            run()  # changed in between: read again; it is released only if still ours

    store._retry("release a queue item's decision lock", run)
