"""Personal data over time: the retention limit, and erasure of one author's comments.

Both stores keep the same promises (`Store.apply_retention`, `Store.erase_author`):
- a removed comment goes with its full-text row and its queue items;
- the audit log keeps every event's time, actor, event name and comment key, so who did
  what and when stays on record, but the `detail` of the removed comments' events (which
  can quote the comment: a phone number, an accusation) is replaced by an erasure marker;
- the run itself is recorded by one more audit event that holds counts, never the author.

Replacing a detail by a marker is the one change the append-only audit log allows; the
marker's exact shape is what the SQLite trigger checks, so it lives here, next to the check
both stores use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from moderation.comment import Platform
from moderation.review import AuditEvent

ACTOR = "houserules"
RETENTION_EVENT = "retention"
ERASURE_EVENT = "erasure"

_MARKER = re.compile(r"\[erased (at request|by retention): \d{4}-\d{2}-\d{2}\]")


def request_marker(at: datetime) -> str:
    """What an erased author's audit details become."""
    return f"[erased at request: {at.astimezone(UTC):%Y-%m-%d}]"


def retention_marker(at: datetime) -> str:
    """What the audit details of comments past the retention limit become."""
    return f"[erased by retention: {at.astimezone(UTC):%Y-%m-%d}]"


def is_marker(detail: str) -> bool:
    return _MARKER.fullmatch(detail) is not None


def retention_cutoff(days: int, now: datetime) -> datetime:
    """Comments created before this instant are past the limit."""
    if days < 1:
        raise ValueError(f"retention must be at least one day, not {days}")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC) - timedelta(days=days)


@dataclass(frozen=True, slots=True)
class ErasureRequest:
    """A person's request to erase everything stored about them as one platform's author.

    `author` is what the person gave: the platform's id for them, or their handle or display
    name as stored with their comments. It matches either, ignoring case and a leading `@`,
    so one request can match more than one author (namesakes): `Removed.authors` lists who
    matched, for a person to check before the erasure is carried out.
    """

    platform: Platform
    author: str
    by: str
    reason: str
    at: datetime

    def __post_init__(self) -> None:
        if not self.author.strip():
            raise ValueError("an erasure needs the author's id")
        if not self.by.strip():
            raise ValueError("an erasure must say who carried it out")
        if not self.reason.strip():
            raise ValueError("an erasure must give a reason (a case reference will do)")
        if re.search(rf"(?<!\w){re.escape(self.author.strip())}(?!\w)", self.reason, re.I):
            raise ValueError(
                "the reason goes into the audit log, so it must not contain the author's id;"
                " give a case reference instead"
            )
        if self.at.tzinfo is None:
            raise ValueError("at must be timezone-aware")

    def is_author(self, platform: str, author_id: str, author_handle: str) -> bool:
        if platform != self.platform.value:
            return False
        wanted = same_name(self.author)
        return wanted in {same_name(author_id), same_name(author_handle)}

    @property
    def names(self) -> tuple[str, ...]:
        """The spellings a store looks up, case aside: as given, without and with its `@`."""
        bare = self.author.strip().lstrip("@")
        return tuple(dict.fromkeys((self.author.strip(), bare, f"@{bare}")))


def same_name(name: str) -> str:
    """How an author's id, handle or display name is compared: case and a leading `@` aside."""
    return name.strip().lstrip("@").casefold()


@dataclass(frozen=True, slots=True)
class MatchedAuthor:
    """One distinct author an erasure request matched: their platform id (or "" for
    comments stored without one), the handles or names their comments carry, and how
    many comments."""

    author_id: str
    names: tuple[str, ...]
    comments: int


def matched_authors(found: Iterable[tuple[str, str]]) -> tuple[MatchedAuthor, ...]:
    """Group the matched comments' (author_id, author_handle) pairs by author: by id where
    there is one (a renamed account is one author), else by name; most comments first."""
    groups: dict[tuple[str, str], tuple[list[str], list[int]]] = {}
    for author_id, handle in found:
        key = ("id", author_id) if author_id else ("name", same_name(handle))
        names, count = groups.setdefault(key, ([], [0]))
        if handle and handle not in names:
            names.append(handle)
        count[0] += 1
    authors = [
        MatchedAuthor(key[1] if key[0] == "id" else "", tuple(names), count[0])
        for key, (names, count) in groups.items()
    ]
    return tuple(sorted(authors, key=lambda a: (-a.comments, a.author_id, a.names)))


@dataclass(frozen=True, slots=True)
class Removed:
    """What a retention run or an erasure removed, or in a dry run would remove."""

    comments: int = 0
    queue_items: int = 0
    dead_letters: int = 0
    audit_details: int = 0  # audit events whose detail was replaced by a marker
    # Keys of removed comments houserules had hidden on the platform: they stay hidden
    # there, because nothing here talks to the platform.
    still_hidden: tuple[str, ...] = ()
    # Elasticsearch only: the monthly comment indices dropped.
    indices: tuple[str, ...] = ()
    # An erasure only: the distinct authors whose comments matched the request.
    authors: tuple[MatchedAuthor, ...] = ()

    @property
    def nothing(self) -> bool:
        return not (self.comments or self.queue_items or self.dead_letters or self.audit_details)


def retention_event(days: int, now: datetime, removed: Removed) -> AuditEvent:
    cutoff = retention_cutoff(days, now)
    detail = (
        f"retention of {days} days: removed {removed.comments} comment(s) created before"
        f" {cutoff:%Y-%m-%d %H:%M} UTC, {removed.queue_items} queue item(s),"
        f" {removed.dead_letters} dead letter(s); erased {removed.audit_details} audit"
        f" detail(s); still hidden on their platform: {len(removed.still_hidden)}"
    )
    if removed.indices:
        detail += "; dropped " + ", ".join(removed.indices)
    return AuditEvent(now, ACTOR, RETENTION_EVENT, "", detail)


def erasure_event(request: ErasureRequest, removed: Removed) -> AuditEvent:
    detail = (
        f"erased at request: {removed.comments} comment(s) by one {request.platform.value}"
        f" author, {removed.queue_items} queue item(s), {removed.dead_letters} dead"
        f" letter(s), {removed.audit_details} audit detail(s);"
        f" {len(removed.still_hidden)} still hidden on {request.platform.value};"
        f" reason: {request.reason}"
    )
    return AuditEvent(request.at, request.by, ERASURE_EVENT, "", detail)


def mentions_author(payload: str, request: ErasureRequest) -> bool:
    """Whether a dead letter's payload carries a comment or action by the author.

    Only JSON payloads are read: any object in them with the author's `author_id` (or,
    without one, `author_handle`) on the platform, or an action record's `author`
    (`platform:id`). A payload that is not JSON cannot be read reliably, so it is left
    for the retention limit to remove.
    """
    try:
        found = json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return _mentions(found, request, None)


def _mentions(node: Any, request: ErasureRequest, platform: str | None) -> bool:
    if isinstance(node, list):
        return any(_mentions(n, request, platform) for n in node)
    if not isinstance(node, dict):
        return False
    here = node.get("platform")
    platform = here if isinstance(here, str) else platform
    action_author = node.get("author")
    if isinstance(action_author, str) and ":" in action_author:
        on, _, action_author_id = action_author.partition(":")
        if request.is_author(on, action_author_id, ""):
            return True
    if platform is not None and ("author_id" in node or "author_handle" in node):
        author_id, handle = node.get("author_id"), node.get("author_handle")
        if request.is_author(
            platform,
            author_id if isinstance(author_id, str) else "",
            handle if isinstance(handle, str) else "",
        ):
            return True
    return any(_mentions(v, request, platform) for v in node.values())
