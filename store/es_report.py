"""The weekly report's reads on the Elasticsearch store (see `store.report_reads`).

Whole weeks are paged with `search_after` on a total order (time, then key or position),
so a week of any size is read without the 10,000-hit window and without scripts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from moderation.review import AuditEvent, ReviewStatus
from moderation.verdict import Route
from store import es_aggregations as aggs
from store import es_documents as docs
from store.base import Counts, StoredComment
from store.elasticsearch import ElasticsearchStore
from store.report_reads import CommentText, QueueState

_PAGE = 2000
_TERMS = 1000


class ElasticsearchReportReads:
    def __init__(self, store: ElasticsearchStore) -> None:
        self.store = store

    def _all(
        self,
        what: str,
        index: str,
        query: dict[str, Any],
        sort: list[dict[str, str]],
        source: list[str],
    ) -> Iterator[dict[str, Any]]:
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"query": query, "sort": sort, "size": _PAGE, "source": source}
            if after is not None:
                body["search_after"] = after
            hits = self.store._search(what, index, **body)["hits"]["hits"]
            yield from hits
            if len(hits) < _PAGE:
                return
            after = hits[-1]["sort"]

    def _comments(self, since: datetime, until: datetime, source: list[str]) -> Iterator[Any]:
        return self._all(
            "read a week of comments",
            self.store.names.comments,
            aggs.created_between(since, until),
            [{"created_at": "asc"}, {"key": "asc"}],
            source,
        )

    def comments_between(self, since: datetime, until: datetime) -> list[StoredComment]:
        found = [
            docs.stored_comment(hit["_source"])
            for hit in self._comments(since, until, ["wire", "platform_state", "indexed_at"])
        ]
        found.sort(key=lambda s: (s.classified.comment.created_at, s.classified.comment.key))
        return found

    def texts_between(self, since: datetime, until: datetime) -> list[CommentText]:
        texts = [
            CommentText(
                hit["_source"]["key"],
                datetime.fromisoformat(hit["_source"]["created_at"]),
                hit["_source"]["text"],
            )
            for hit in self._comments(since, until, ["key", "created_at", "text"])
        ]
        texts.sort(key=lambda c: (c.created_at, c.key))
        return texts

    def counts_between(self, since: datetime, until: datetime) -> Counts:
        return self.store.counts(since, until)

    def surfaces_between(self, since: datetime, until: datetime) -> dict[str, int]:
        result = self.store._search(
            "count comments by surface",
            self.store.names.comments,
            query=aggs.created_between(since, until),
            aggs={"by_surface": {"terms": {"field": "surface", "size": 10}}},
            size=0,
        )
        found = result.get("aggregations")
        return aggs.buckets(found, "by_surface") if found else {}

    def events_for(self, keys: Sequence[str]) -> list[AuditEvent]:
        events: list[tuple[int, AuditEvent]] = []
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _TERMS):
            chunk = unique[start : start + _TERMS]
            for hit in self._all(
                "read audit events",
                self.store.names.audit,
                {"terms": {"comment_key": chunk}},
                [{"position": "asc"}],
                ["at", "actor", "event", "comment_key", "detail", "item_id", "position"],
            ):
                events.append((int(hit["_source"]["position"]), docs.audit_event(hit["_source"])))
        events.sort(key=lambda e: e[0])
        return [e for _, e in events]

    def events_between(
        self, since: datetime, until: datetime, names: Sequence[str]
    ) -> list[AuditEvent]:
        if not names:
            return []
        query = {
            "bool": {
                "filter": [
                    {"terms": {"event": list(names)}},
                    {"range": {"at": {"gte": since.isoformat(), "lt": until.isoformat()}}},
                ]
            }
        }
        return [
            docs.audit_event(hit["_source"])
            for hit in self._all(
                "read audit events",
                self.store.names.audit,
                query,
                [{"position": "asc"}],
                ["at", "actor", "event", "comment_key", "detail", "item_id"],
            )
        ]

    def queue_states_for(self, keys: Sequence[str]) -> list[QueueState]:
        states: list[tuple[int, QueueState]] = []
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _TERMS):
            chunk = unique[start : start + _TERMS]
            for hit in self._all(
                "read queue items",
                self.store.names.queue,
                {"terms": {"comment_key": chunk}},
                [{"position": "asc"}],
                ["comment_key", "queue", "status", "position"],
            ):
                source = hit["_source"]
                states.append(
                    (
                        int(source["position"]),
                        QueueState(
                            source["comment_key"],
                            Route(source["queue"]),
                            ReviewStatus(source["status"]),
                        ),
                    )
                )
        states.sort(key=lambda s: s[0])
        return [s for _, s in states]
