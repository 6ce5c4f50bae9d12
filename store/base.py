"""The Store interface: where processed comments, queues and the audit log live.

SQLite implements it for one machine; Elasticsearch for scale-out. Both promise:
- `save` is idempotent by comment key: saving the same comment twice leaves one record;
- a comment has at most one item per queue, so replays never double a queue;
- the audit log is append-only, with one exception: `apply_retention` and `erase_author`
  replace the `detail` of a removed comment's events with an erasure marker (see
  `store.personal_data`); nothing else in an event can change and none can be deleted;
- a decision on an item holds the item's decision lock (`begin_decision`) from before it
  acts on the platform until the item is closed, so two officers deciding the same item
  at once cannot both act: the second is told someone is deciding it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from moderation.review import AuditEvent, PlatformState, QueueItem, ReviewStatus
from moderation.verdict import ClassifiedComment, Route
from store.personal_data import ErasureRequest, Removed


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A request to put a comment in a queue."""

    queue: Route
    reason: str
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class ProcessedComment:
    """Everything the pipeline learned about one comment, written in one go."""

    classified: ClassifiedComment
    platform_state: PlatformState
    queue_entries: tuple[QueueEntry, ...] = ()
    audit: tuple[AuditEvent, ...] = ()

    @property
    def key(self) -> str:
        return self.classified.comment.key


@dataclass(frozen=True, slots=True)
class StoredComment:
    classified: ClassifiedComment
    platform_state: PlatformState
    indexed_at: datetime


@dataclass(frozen=True, slots=True)
class Counts:
    """What a report needs for one period."""

    total: int
    by_action: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    by_service: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommentFilter:
    """What a queue page or a search narrows to, by the comment behind it. Empty means any;
    `since` and `until` bound the comment's own `created_at` (until is exclusive)."""

    platform: str = ""
    category: str = ""
    surface: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A queue item as a queue page lists it: who has it, and what it can be filtered by."""

    item: QueueItem
    assigned_to: str
    platform: str
    surface: str
    categories: tuple[str, ...]
    comment_created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Narrows the audit log: by time (until exclusive), officer, event name and comment."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str = ""
    event: str = ""
    comment_key: str = ""


@dataclass(frozen=True, slots=True)
class DecisionLock:
    """One decision's hold on one queue item while it acts on the platform.

    `until` bounds the hold: a process that dies holding it does not block the item for
    ever; a later decision takes over once it has passed (and learns what kind of decision
    was cut short, so it can make the platform agree)."""

    item_id: int
    token: str
    kind: str
    by: str
    until: datetime


class DecisionInProgress(LookupError):
    """Another decision holds the item's lock; the message says who and until when."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    at: datetime
    source: str
    reason: str
    payload: str


class Store(Protocol):
    def save(self, items: Sequence[ProcessedComment]) -> int:
        """Write comments, their queue items and audit events; returns how many were new."""
        ...

    def seen(self, keys: Sequence[str]) -> dict[str, str]:
        """For keys already stored: key -> the text stored for it."""
        ...

    def get(self, key: str) -> StoredComment | None: ...

    def count(self) -> int: ...

    def queue(
        self, queue: Route, status: ReviewStatus | None = ReviewStatus.OPEN, limit: int = 50
    ) -> list[QueueItem]: ...

    def item(self, item_id: int) -> QueueItem | None: ...

    def begin_decision(self, lock: DecisionLock, now: datetime) -> str:
        """Take the item's decision lock, atomically (a conditional update): only if the
        item is open and no other decision holds an unexpired lock on it.

        Returns the kind of an expired lock it replaced ("" if there was none): a decision
        cut short, whose platform call may or may not have happened. LookupError if the
        item is missing or not open; DecisionInProgress if another decision holds it."""
        ...

    def end_decision(self, item_id: int, token: str) -> None:
        """Release the lock taken with `token` without closing the item (its platform call
        failed); nothing happens if that lock is no longer held."""
        ...

    def close_item(
        self, item_id: int, status: ReviewStatus, event: AuditEvent, *, token: str = ""
    ) -> None:
        """Close an open item, release its decision lock and append its audit event,
        atomically. Refused (DecisionInProgress) while a decision other than `token`'s
        holds the item; LookupError if the item is missing or not open."""
        ...

    def set_platform_state(self, key: str, state: PlatformState, event: AuditEvent) -> None: ...

    def append_audit(self, event: AuditEvent) -> None: ...

    def audit(self, key: str | None = None, limit: int = 100) -> list[AuditEvent]: ...

    def search(
        self, query: str, limit: int = 20, filters: CommentFilter | None = None
    ) -> list[StoredComment]: ...

    def open_counts(self) -> dict[Route, int]:
        """How many items are open in each queue (every queue is present, 0 if empty)."""
        ...

    def queue_page(
        self,
        queue: Route,
        filters: CommentFilter | None = None,
        *,
        status: ReviewStatus | None = ReviewStatus.OPEN,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[QueueRow], int]:
        """One page of a queue in the order `queue` gives (urgent first, then as queued),
        and how many items match in all."""
        ...

    def items_for(self, comment_key: str) -> list[QueueRow]:
        """Every queue item of one comment, open or closed, in the order queued."""
        ...

    def assign(self, item_id: int, assignee: str, event: AuditEvent, *, only_if_free: bool) -> None:
        """Give an open item to `assignee` ("" releases it) and append `event`.

        With `only_if_free` (a claim) it succeeds only if nobody else has the item, so two
        officers cannot both claim it: LookupError says who has it. LookupError also if the
        item is missing or closed."""
        ...

    def audit_page(
        self, filters: AuditFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[AuditEvent], int]:
        """The newest events first, narrowed by `filters`, and how many match in all."""
        ...

    def counts(self, since: datetime | None = None, until: datetime | None = None) -> Counts: ...

    def dead_letter(self, source: str, reason: str, payload: str, at: datetime) -> None: ...

    def dead_letters(self, limit: int = 50) -> list[DeadLetter]: ...

    def apply_retention(self, days: int, now: datetime, *, dry_run: bool = False) -> Removed:
        """Remove the comments created more than `days` before `now`, with their full-text
        rows and queue items, and the dead letters older than that; erase the details of
        the removed comments' audit events; append one `retention` audit event.

        SQLite removes exactly the comments past the limit; Elasticsearch drops a monthly
        index only once the whole month is past it. A dry run changes nothing (and appends
        no event) and reports what would be removed. Running it again removes nothing more.
        """
        ...

    def erase_author(self, request: ErasureRequest, *, dry_run: bool = False) -> Removed:
        """Remove every stored comment by the request's author on its platform, with their
        full-text rows and queue items and the dead letters that carry them; erase the
        details of their audit events; append one `erasure` event naming who and why but
        not the author. Nothing happens on the platform. Safe to repeat.

        The author is matched by id, handle or display name, case aside (see
        `ErasureRequest`), and `Removed.authors` says who matched. A dry run changes
        nothing (and appends no event) and reports what a run would remove."""
        ...

    def close(self) -> None: ...
