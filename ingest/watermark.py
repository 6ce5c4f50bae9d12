"""Handing comments to the sink oldest first, moving a durable watermark after each batch.

Platforms list comments newest first and paginate with cursors that expire, so a page
cursor is not a safe thing to resume from. Instead a connector reads everything newer
than its watermark, then `deliver` sorts it oldest first and sends it in batches; after
each batch the sink has accepted, the watermark moves past that batch and is saved. If the
process dies (or the sink fails) mid-way, the next poll re-reads from the saved watermark:
the batches already accepted are older than it and are skipped, the rest are sent. Ties on
the timestamp are told apart by the ids already delivered at that instant.

What this does not catch: a comment that appears on the platform with a timestamp older
than the watermark (for example one released from a platform's own spam filter). The
webhook receiver and the sink's idempotence by key cover those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ingest.connector_settings import PollingSettings
from ingest.cursor import CursorStore
from ingest.sink import CommentSink
from moderation.comment import Comment


@dataclass(frozen=True)
class Watermark:
    """Everything created before `at`, and the ids listed at exactly `at`, was delivered."""

    at: datetime | None = None
    ids_at: frozenset[str] = frozenset()

    def is_new(self, comment: Comment) -> bool:
        if self.at is None or comment.created_at > self.at:
            return True
        return comment.created_at == self.at and comment.comment_id not in self.ids_at

    def past(self, batch: Sequence[Comment]) -> Watermark:
        """The watermark once `batch` (sorted oldest first) has been delivered."""
        if not batch:
            return self
        last = batch[-1].created_at
        if self.at is not None and last < self.at:
            return self
        same = {c.comment_id for c in batch if c.created_at == last}
        if self.at == last:
            same |= self.ids_at
        return Watermark(at=last, ids_at=frozenset(same))

    def to_json(self) -> dict[str, Any]:
        return {
            "at": None if self.at is None else self.at.isoformat(),
            "ids_at": sorted(self.ids_at),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Watermark:
        if not data or not data.get("at"):
            return cls()
        return cls(at=datetime.fromisoformat(data["at"]), ids_at=frozenset(data["ids_at"]))


def deliver(
    comments: Iterable[Comment],
    sink: CommentSink,
    mark: Watermark,
    save: Callable[[Watermark], None],
    batch_size: int,
) -> int:
    """Send the comments newer than `mark`, oldest first; returns how many were sent.

    `save` is called after every batch the sink accepted. If `sink.send` raises, the
    exception propagates and the saved watermark still stands before that batch.
    """
    fresh: dict[str, Comment] = {}
    for comment in comments:
        if mark.is_new(comment):
            fresh[comment.comment_id] = comment
    ordered = sorted(fresh.values(), key=lambda c: (c.created_at, c.comment_id))
    for start in range(0, len(ordered), batch_size):
        batch = ordered[start : start + batch_size]
        sink.send(batch)
        mark = mark.past(batch)
        save(mark)
    return len(ordered)


def poll_round(
    name: str,
    cursors: CursorStore,
    polling: PollingSettings,
    now: datetime,
    read: Callable[[datetime, Watermark], Iterable[Comment]],
    sink: CommentSink,
) -> int:
    """One poll of connector `name`: `read(horizon, mark)` lists the comments on posts
    published since `horizon` (the backfill on the first run, then a few days before the
    watermark, for late comments and replies), and `deliver` sends the new ones, saving
    the watermark after each batch. Returns how many comments the sink accepted."""
    mark = Watermark.from_json(cursors.load(name))
    if mark.at is None:
        horizon = now - timedelta(days=polling.backfill_days)
    else:
        horizon = min(mark.at, now) - timedelta(days=polling.lookback_days)
    return deliver(
        read(horizon, mark),
        sink,
        mark,
        lambda m: cursors.save(name, m.to_json()),
        polling.batch_size,
    )


class WatermarkConnector:
    """What the polling connectors share: a name for the cursor, the sink, the cursor
    store and a clock; `poll_once` runs a `poll_round` over the subclass's `_read`. Safe to
    repeat and to kill at any point."""

    def __init__(
        self,
        name: str,
        polling: PollingSettings,
        sink: CommentSink,
        cursors: CursorStore,
        clock: Callable[[], datetime],
    ) -> None:
        self.name = name
        self._polling = polling
        self._sink = sink
        self._cursors = cursors
        self._clock = clock

    def poll_once(self) -> int:
        """Read what is new since the saved watermark and hand it to the sink, oldest
        first. Returns how many comments the sink accepted."""
        return poll_round(
            self.name, self._cursors, self._polling, self._clock(), self._read, self._sink
        )

    def _read(self, horizon: datetime, mark: Watermark) -> Iterable[Comment]:
        """The comments on posts published since `horizon` (newer than `mark` or not)."""
        raise NotImplementedError
