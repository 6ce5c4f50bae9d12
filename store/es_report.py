"""The weekly report's reads on the Elasticsearch store (see `store.report_reads`).

A week's comments are paged with `search_after` on a total order (time, then key), so a
week of any size is read without the 10,000-hit window.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from store import es_aggregations as aggs
from store import es_documents as docs
from store.base import StoredComment
from store.elasticsearch import ElasticsearchStore
from store.report_reads import CommentText

_PAGE = 2000


class ElasticsearchReportReads:
    def __init__(self, store: ElasticsearchStore) -> None:
        self.store = store

    def _comments(
        self, since: datetime, until: datetime, source: list[str]
    ) -> Iterator[dict[str, Any]]:
        body: dict[str, Any] = {
            "query": aggs.created_between(since, until),
            "sort": [{"created_at": "asc"}, {"key": "asc"}],
            "size": _PAGE,
            "source": source,
        }
        while True:
            found = self.store._search("read a week of comments", self.store.names.comments, **body)
            hits = found["hits"]["hits"]
            yield from hits
            if len(hits) < _PAGE:
                return
            body["search_after"] = hits[-1]["sort"]

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

    def authors_between(self, since: datetime, until: datetime) -> list[tuple[str, str]]:
        found = []
        for hit in self._comments(since, until, ["platform", "author_id", "author_handle"]):
            source = hit["_source"]
            author = source.get("author_id") or source.get("author_handle") or ""
            if author:
                found.append((str(source["platform"]), str(author)))
        return found
