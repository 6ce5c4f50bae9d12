"""A comment sink that stores by key, as the real ones do, and can be told to fail."""

from __future__ import annotations

import threading

from moderation.comment import Comment


class SinkDown(Exception):
    """The sink refused a batch (the pipeline or broker is down)."""


class StoringSink:
    """Keeps every accepted comment by key, in order of acceptance.

    `fail_on_batch=N` refuses the N-th batch (1-based) and every batch after it until
    `fail_on_batch` is cleared, the way a crashed pipeline would. A refused batch is not
    stored at all: acceptance is all-or-nothing, like a transaction.
    """

    def __init__(self, *, fail_on_batch: int | None = None) -> None:
        self.fail_on_batch = fail_on_batch
        self.batches = 0
        self.accepted: list[Comment] = []
        self.by_key: dict[str, Comment] = {}
        self._lock = threading.Lock()

    def send(self, comments: list[Comment]) -> None:
        with self._lock:
            self.batches += 1
            if self.fail_on_batch is not None and self.batches >= self.fail_on_batch:
                raise SinkDown(f"sink down at batch {self.batches}")
            for comment in comments:
                self.accepted.append(comment)
                self.by_key[comment.key] = comment

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.accepted]
