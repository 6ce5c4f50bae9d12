"""The scale-out store: Elasticsearch 8, through the official client.

What it promises, and how without transactions or scripts:
- `save` is idempotent: a comment's document id is its key, and it lives in the monthly
  index of its `created_at` (or wherever it already is), so a replay overwrites it.
  A queue item's id is derived from (queue, comment key) and created with `op_type=create`,
  so a replay finds it already there and leaves its status alone.
- Writes are bulk requests retried with backoff on 429, 5xx and connection failures; when
  the budget runs out they raise `ElasticsearchUnavailable` and nothing is half-reported as
  done. A batch cut short may have written some documents; saving it again completes it
  (its audit events have ids derived from their content, so they are not doubled either).
- Writes wait for a refresh by default (`refresh="wait_for"`), so what was saved is
  searchable when `save` returns; a bulk loader can pass `refresh="false"` and call
  `refresh()` at the end.
- `close_item` closes only an open item, using optimistic concurrency on the item's
  sequence number: of two reviewers closing the same item, one wins and the other gets
  LookupError. A decision first takes the item's decision lock the same way
  (`es_decisions`), before it acts on the platform.
- The audit index is append-only through this class: events are created (never indexed
  over) and none is ever deleted; the one update is retention or erasure replacing the
  detail of a removed comment's event with an erasure marker (`es_personal_data`).
- Retention deletes whole monthly comment indices: a month goes once all of it is past the
  limit, so comments stay up to a month longer than on SQLite (`apply_retention`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from elasticsearch import Elasticsearch, NotFoundError

from moderation.review import AuditEvent, PlatformState, QueueItem, ReviewStatus
from moderation.verdict import Route
from store import es_aggregations as aggs
from store import es_decisions, es_personal_data, es_review
from store import es_documents as docs
from store.base import (
    AuditFilter,
    CommentFilter,
    Counts,
    DeadLetter,
    DecisionInProgress,
    DecisionLock,
    ProcessedComment,
    QueueRow,
    StoredComment,
)
from store.elasticsearch_settings import ElasticsearchSettings
from store.es_bulk import Refresh, write_all
from store.es_retry import Backoff, ElasticsearchUnavailable, call_with_retry, without_credentials
from store.es_templates import (
    COMMENT_PROPERTIES,
    QUEUE_PROPERTIES,
    IndexNames,
    index_templates,
)
from store.personal_data import ErasureRequest, Removed

T = TypeVar("T")

_IDS_PER_REQUEST = 1000
_QUEUE_VIEW = ["platform_state", "text", "author_handle", "action"]


class ElasticsearchStore:
    """The Store interface on Elasticsearch; see the module docstring for its promises."""

    def __init__(
        self,
        client: Elasticsearch,
        index_prefix: str,
        *,
        backoff: Backoff | None = None,
        refresh: Refresh = "wait_for",
        where: str = "the configured address",
    ) -> None:
        self.client = client
        self.names = IndexNames(index_prefix)
        self.backoff = backoff or Backoff()
        self.refresh_policy: Refresh = refresh
        self.where = where
        self._positions = docs.Positions()

    @classmethod
    def connect(
        cls,
        settings: ElasticsearchSettings,
        *,
        backoff: Backoff | None = None,
        refresh: Refresh = "wait_for",
        request_timeout_s: float = 30.0,
    ) -> ElasticsearchStore:
        """A store on the cluster at `settings.url`, with templates and indices installed.

        Raises ElasticsearchUnavailable if the cluster does not answer within the backoff.
        """
        client = Elasticsearch(
            settings.url,
            max_retries=0,
            retry_on_timeout=False,
            request_timeout=request_timeout_s,
        )
        store = cls(
            client,
            settings.index_prefix,
            backoff=backoff or Backoff(attempts=settings.retry_attempts),
            refresh=refresh,
            where=without_credentials(settings.url),
        )
        try:
            store.install()
        except BaseException:
            client.close()
            raise
        return store

    def _retry(self, what: str, fn: Callable[[], T]) -> T:
        return call_with_retry(self.backoff, self.where, what, fn)

    def install(self) -> None:
        """Put the index templates and create the single indices; safe to run every start."""

        def run() -> None:
            for name, body in index_templates(self.names).items():
                self.client.indices.put_index_template(name=name, **body)
            for index in self.names.single_indices:
                if not self.client.indices.exists(index=index):
                    self.client.options(ignore_status=400).indices.create(index=index)
            # A queue index made before the review app's fields existed gains them (adding
            # fields to a mapping is allowed; changing one is not, and none is changed).
            self.client.indices.put_mapping(index=self.names.queue, properties=QUEUE_PROPERTIES)
            # Monthly comment indices made before the dashboards' fields gain them too.
            self.client.indices.put_mapping(
                index=self.names.comments_pattern,
                properties=COMMENT_PROPERTIES,
                allow_no_indices=True,
                ignore_unavailable=True,
            )

        self._retry("install the index templates", run)

    def close(self) -> None:
        self.client.close()

    def refresh(self) -> None:
        """Make everything written so far visible to searches."""
        indices = [self.names.comments, *self.names.single_indices]
        self._retry(
            "refresh",
            lambda: self.client.indices.refresh(
                index=indices, ignore_unavailable=True, allow_no_indices=True
            ),
        )

    def _write(self, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return write_all(
            self.client,
            actions,
            backoff=self.backoff,
            where=self.where,
            refresh=self.refresh_policy,
        )

    def _search(self, what: str, index: str, **body: Any) -> dict[str, Any]:
        # Reads tolerate a missing comments alias: before the first comment there is no index.
        def run() -> dict[str, Any]:
            response = self.client.search(
                index=index, ignore_unavailable=True, allow_no_indices=True, **body
            )
            found: dict[str, Any] = response.body
            return found

        result: dict[str, Any] = self._retry(what, run)
        return result

    def _comments_by_key(
        self, keys: Sequence[str], fields: list[str] | bool = True
    ) -> dict[str, dict[str, Any]]:
        """key -> hit (with `_index` and `_source`) for the keys that are stored."""
        found: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _IDS_PER_REQUEST):
            chunk = unique[start : start + _IDS_PER_REQUEST]
            result = self._search(
                "read comments",
                self.names.comments,
                query={"ids": {"values": chunk}},
                size=len(chunk),
                source=fields,
            )
            for hit in result["hits"]["hits"]:
                found[hit["_id"]] = hit
        return found

    def save(self, items: Sequence[ProcessedComment]) -> int:
        if not items:
            return 0
        latest = {item.key: item for item in items}
        existing = self._comments_by_key(list(latest), fields=["hide_seconds"])
        now = datetime.now(UTC)
        actions: list[dict[str, Any]] = []
        for key, item in latest.items():
            stored = existing.get(key)
            document = docs.comment_document(item, now)
            if stored is not None and document["hide_seconds"] is None:
                # A later save (a reviewer's escalation) carries no `hidden` event of its own:
                # the time it took to hide was measured the first time and stays.
                document["hide_seconds"] = stored.get("_source", {}).get("hide_seconds")
            actions.append(
                {
                    "_op_type": "index",
                    "_index": stored["_index"]
                    if stored
                    else self.names.comments_for(item.classified.comment.created_at),
                    "_id": key,
                    "_source": document,
                }
            )
        for item in items:
            for entry in item.queue_entries:
                actions.append(
                    {
                        "_op_type": "create",
                        "_index": self.names.queue,
                        "_id": str(docs.item_id_for(entry.queue, item.key)),
                        "_source": docs.queue_document(entry, item, now, self._positions.next()),
                    }
                )
            for n, event in enumerate(item.audit):
                actions.append(self._audit_action(event, docs.audit_id_for(item.key, n, event)))
        results = self._write(actions)
        self._check_item_ids(actions, results)
        return sum(1 for key in latest if key not in existing)

    def _check_item_ids(self, actions: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
        """An item id already taken must belong to the same (queue, comment): a different
        one would be a hash collision, and losing a queue item silently is not allowed."""
        taken = [
            a
            for a, r in zip(actions, results, strict=True)
            if a["_index"] == self.names.queue and r.get("status") == 409
        ]
        if not taken:
            return
        body = self._retry(
            "read queue items",
            lambda: self.client.mget(index=self.names.queue, ids=[a["_id"] for a in taken]).body,
        )
        for action, found in zip(taken, body["docs"], strict=True):
            mine, theirs = action["_source"], found.get("_source", {})
            if (theirs.get("queue"), theirs.get("comment_key")) != (
                mine["queue"],
                mine["comment_key"],
            ):
                raise RuntimeError(
                    f"queue item id {action['_id']} is taken by {theirs.get('comment_key')!r}"
                    f" in {theirs.get('queue')!r}; cannot queue {mine['comment_key']!r}"
                )

    def _audit_action(self, event: AuditEvent, doc_id: str | None = None) -> dict[str, Any]:
        # The id is fixed before the first attempt, so retrying the request cannot double
        # the event, and created (never indexed), so no event can overwrite another.
        return {
            "_op_type": "create",
            "_index": self.names.audit,
            "_id": doc_id or uuid.uuid4().hex,
            "_source": docs.audit_document(event, self._positions.next()),
        }

    def seen(self, keys: Sequence[str]) -> dict[str, str]:
        hits = self._comments_by_key(keys, fields=["text"])
        return {key: hit["_source"]["text"] for key, hit in hits.items()}

    def get(self, key: str) -> StoredComment | None:
        hit = self._comments_by_key([key]).get(key)
        return docs.stored_comment(hit["_source"]) if hit else None

    def count(self) -> int:
        result = self._retry(
            "count comments",
            lambda: (
                self.client.count(
                    index=self.names.comments, ignore_unavailable=True, allow_no_indices=True
                ).body
            ),
        )
        return int(result["count"])

    def _with_comments(self, hits: list[dict[str, Any]]) -> list[QueueItem]:
        """Queue items joined to their comments; an item whose comment has gone (retention)
        is left out, as the SQLite store's join would."""
        comments = self._comments_by_key(
            [h["_source"]["comment_key"] for h in hits], fields=_QUEUE_VIEW
        )
        return [
            docs.queue_item(h["_source"], comments[h["_source"]["comment_key"]]["_source"])
            for h in hits
            if h["_source"]["comment_key"] in comments
        ]

    def queue(
        self, queue: Route, status: ReviewStatus | None = ReviewStatus.OPEN, limit: int = 50
    ) -> list[QueueItem]:
        filters: list[dict[str, Any]] = [{"term": {"queue": queue.value}}]
        if status is not None:
            filters.append({"term": {"status": status.value}})
        result = self._search(
            "read a queue",
            self.names.queue,
            query={"bool": {"filter": filters}},
            sort=[{"urgent": "desc"}, {"position": "asc"}],
            size=limit,
        )
        return self._with_comments(result["hits"]["hits"])

    def _get_item(self, item_id: int) -> dict[str, Any] | None:
        def run() -> dict[str, Any] | None:
            try:
                found: dict[str, Any] = self.client.get(
                    index=self.names.queue, id=str(item_id)
                ).body
                return found
            except NotFoundError:
                return None

        found: dict[str, Any] | None = self._retry("read a queue item", run)
        return found

    def item(self, item_id: int) -> QueueItem | None:
        found = self._get_item(item_id)
        if found is None:
            return None
        items = self._with_comments([found])
        return items[0] if items else None

    def begin_decision(self, lock: DecisionLock, now: datetime) -> str:
        return es_decisions.begin(self, lock, now)

    def end_decision(self, item_id: int, token: str) -> None:
        es_decisions.end(self, item_id, token)

    def close_item(
        self, item_id: int, status: ReviewStatus, event: AuditEvent, *, token: str = ""
    ) -> None:
        """Close the item if it is open, recording who closed it and why on the item itself,
        then append the audit event. LookupError if there is no such item or it is not open;
        DecisionInProgress while a decision other than `token`'s holds it.

        Not one transaction: if the audit write fails after the item closed, this raises
        ElasticsearchUnavailable saying so, and the item still records the decision."""
        closing = {
            "status": status.value,
            "closed_at": event.at.isoformat(),
            "closed_by": event.actor,
            "closed_reason": event.detail,
            # Marks this call's write, so a retry after a lost answer knows it succeeded.
            "close_id": uuid.uuid4().hex,
        }

        def run() -> None:
            try:
                found = self.client.get(index=self.names.queue, id=str(item_id))
            except NotFoundError:
                raise LookupError(
                    f"queue item {item_id} is not open: there is no such item"
                ) from None
            source = found["_source"]
            if source.get("close_id") == closing["close_id"]:
                return  # an earlier attempt closed it and its answer was lost
            if source["status"] != ReviewStatus.OPEN.value:
                raise LookupError(f"queue item {item_id} is not open: it is {source['status']}")
            if es_decisions.held_by_other(source, token):
                raise DecisionInProgress(es_decisions.in_progress(item_id, source))
            timing = {}
            if source.get("comment_created_at"):
                posted = datetime.fromisoformat(source["comment_created_at"])
                timing["review_seconds"] = docs.seconds_between(posted, event.at)
            es_review.replace_item(
                self,
                item_id,
                found,
                {**source, **closing, **timing, **es_decisions.CLEARED},
                f"queue item {item_id} is not open: someone else closed it or is deciding it"
                " just now",
            )

        self._retry("close a queue item", run)
        try:
            self._write([self._audit_action(event, f"close-{closing['close_id']}")])
        except ElasticsearchUnavailable as away:
            raise ElasticsearchUnavailable(
                f"queue item {item_id} is closed, and who closed it and why is kept on the"
                f" item, but its audit event could not be written: {away}"
            ) from away

    def set_platform_state(self, key: str, state: PlatformState, event: AuditEvent) -> None:
        """Record what was done on the platform, then audit it. A key that is not stored
        changes nothing but is still audited, as in the SQLite store."""
        hit = self._comments_by_key([key], fields=["created_at", "hide_seconds"]).get(key)
        actions: list[dict[str, Any]] = []
        if hit is not None:
            change: dict[str, Any] = {"platform_state": state.value}
            source = hit["_source"]
            if state is PlatformState.HIDDEN and source.get("hide_seconds") is None:
                posted = datetime.fromisoformat(source["created_at"])
                change["hide_seconds"] = docs.seconds_between(posted, event.at)
            actions.append(
                {"_op_type": "update", "_index": hit["_index"], "_id": key, "doc": change}
            )
        actions.append(self._audit_action(event))
        self._write(actions)

    def append_audit(self, event: AuditEvent) -> None:
        self._write([self._audit_action(event)])

    def audit(self, key: str | None = None, limit: int = 100) -> list[AuditEvent]:
        query = {"term": {"comment_key": key}} if key is not None else {"match_all": {}}
        result = self._search(
            "read the audit log",
            self.names.audit,
            query=query,
            sort=[{"position": "asc"}],
            size=limit,
        )
        return [docs.audit_event(h["_source"]) for h in result["hits"]["hits"]]

    def search(
        self, query: str, limit: int = 20, filters: CommentFilter | None = None
    ) -> list[StoredComment]:
        """Comments containing every word of `query`, best match first."""
        if not query.split():
            return []
        result = self._search(
            "search comments",
            self.names.comments,
            query={
                "bool": {
                    "must": [{"match": {"text": {"query": query, "operator": "and"}}}],
                    "filter": es_review.comment_filters(filters, "created_at"),
                }
            },
            size=limit,
        )
        return [docs.stored_comment(h["_source"]) for h in result["hits"]["hits"]]

    def open_counts(self) -> dict[Route, int]:
        return es_review.open_counts(self)

    def queue_page(
        self,
        queue: Route,
        filters: CommentFilter | None = None,
        *,
        status: ReviewStatus | None = ReviewStatus.OPEN,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[QueueRow], int]:
        return es_review.queue_page(self, queue, filters, status, limit, offset)

    def items_for(self, comment_key: str) -> list[QueueRow]:
        return es_review.items_for(self, comment_key)

    def assign(self, item_id: int, assignee: str, event: AuditEvent, *, only_if_free: bool) -> None:
        es_review.assign(self, item_id, assignee, event, only_if_free=only_if_free)

    def audit_page(
        self, filters: AuditFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[AuditEvent], int]:
        return es_review.audit_page(self, filters, limit, offset)

    def _aggregate(
        self,
        what: str,
        aggregations: dict[str, Any],
        since: datetime | None,
        until: datetime | None,
        **more: Any,
    ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """`aggregations` over the comments created in [since, until), and the whole answer;
        None for them before the first comment is stored (there is no index yet)."""
        result = self._search(
            what,
            self.names.comments,
            query=aggs.created_between(since, until),
            aggs=aggregations,
            size=0,
            **more,
        )
        return result.get("aggregations"), result

    def counts(self, since: datetime | None = None, until: datetime | None = None) -> Counts:
        found, result = self._aggregate(
            "count comments", aggs.counts_aggregations(), since, until, track_total_hits=True
        )
        if found is None:  # no comments index yet
            return Counts(0)
        return Counts(
            total=int(result["hits"]["total"]["value"]),
            by_action=aggs.buckets(found, "by_action"),
            by_category=aggs.buckets(found, "by_category"),
            by_platform=aggs.buckets(found, "by_platform"),
            by_service=aggs.buckets(found, "by_service"),
        )

    def counts_over_time(
        self, interval: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[aggs.TimeBucket]:
        """Comments per period of `interval` (e.g. "day", "hour", "15m"), by action."""
        histogram = aggs.histogram_aggregation(interval)
        found, _ = self._aggregate("count comments over time", histogram, since, until)
        return aggs.time_buckets(found) if found else []

    def top_services(
        self, since: datetime | None = None, until: datetime | None = None, limit: int = 10
    ) -> list[tuple[str, int]]:
        """The services most reported as failing in the period, most reports first."""
        top = aggs.top_services_aggregation(limit)
        found, _ = self._aggregate("count service reports", top, since, until)
        return list(aggs.buckets(found, "by_service").items()) if found else []

    def dead_letter(self, source: str, reason: str, payload: str, at: datetime) -> None:
        self._write(
            [
                {
                    "_op_type": "create",
                    "_index": self.names.dead_letters,
                    "_id": uuid.uuid4().hex,
                    "_source": docs.dead_letter_document(
                        source, reason, payload, at, self._positions.next()
                    ),
                }
            ]
        )

    def dead_letters(self, limit: int = 50) -> list[DeadLetter]:
        result = self._search(
            "read dead letters",
            self.names.dead_letters,
            query={"match_all": {}},
            sort=[{"position": "asc"}],
            size=limit,
        )
        return [docs.dead_letter(h["_source"]) for h in result["hits"]["hits"]]

    def comment_indices(self) -> list[str]:
        """The monthly comment indices that exist, oldest first."""
        found = self._retry(
            "list comment indices",
            lambda: (
                self.client.indices.get(
                    index=self.names.comments_pattern, allow_no_indices=True
                ).body
            ),
        )
        return sorted(name for name in found if self.names.month_of(name) is not None)

    def drop_indices_older_than(self, days: int, now: datetime | None = None) -> list[str]:
        """Delete every monthly comments index whose whole month ended more than `days`
        days before `now`; returns the names deleted. Idempotent. Only the indices: their
        queue items stop showing in queues but stay, as do their audit details;
        `apply_retention` is the whole job."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
        expired = es_personal_data.expired_indices(self, cutoff)
        es_personal_data.drop_indices(self, expired)
        return expired

    def apply_retention(self, days: int, now: datetime, *, dry_run: bool = False) -> Removed:
        """See `Store.apply_retention`: whole months only, and the queue items, audit details
        and dead letters that go with them; safe to run again after an outage cut it short."""
        return es_personal_data.apply_retention(self, days, now, dry_run=dry_run)

    def erase_author(self, request: ErasureRequest, *, dry_run: bool = False) -> Removed:
        """See `Store.erase_author`; safe to run again after an outage cut it short."""
        return es_personal_data.erase_author(self, request, dry_run=dry_run)
