"""Index names and the index templates with their explicit mappings.

Comments go to one index per month of `created_at` (UTC), e.g. `houserules-comments-2026.11`,
all behind the alias `houserules-comments` that every read uses; retention deletes whole
months. Queue items, audit events and dead letters each have one index. Every mapping is
`dynamic: strict`, so a field nobody declared is a loud error rather than a guess, and the
fields dashboards aggregate on are `keyword`, `date`, `boolean` or numeric.

Only what the core server offers is used (no analysis-common, no scripts, no ILM).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moderation.verdict import Category

MAPPING_VERSION = 2

_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "auto_expand_replicas": "0-1",
    "refresh_interval": "500ms",
}

_KEYWORD = {"type": "keyword"}
_DATE = {"type": "date"}
_NOT_INDEXED = {"type": "keyword", "index": False, "doc_values": False}

_EVIDENCE = {
    "properties": {
        "detector": _KEYWORD,
        "description": {"type": "text"},
        "span": {"type": "text"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "register_entry": _KEYWORD,
    }
}

_FINDING = {
    "type": "nested",
    "properties": {
        "category": _KEYWORD,
        "score": {"type": "float"},
        "detector": _KEYWORD,
        "evidence": _EVIDENCE,
    },
}

COMMENT_PROPERTIES: dict[str, Any] = {
    "key": _KEYWORD,
    "platform": _KEYWORD,
    "surface": _KEYWORD,
    "comment_id": _KEYWORD,
    "post_id": _KEYWORD,
    "parent_id": _KEYWORD,
    "author_handle": _KEYWORD,
    "author_id": _KEYWORD,
    "text": {"type": "text"},
    "post_context": {"type": "text"},
    "permalink": _NOT_INDEXED,
    "created_at": _DATE,
    "indexed_at": _DATE,
    "action": _KEYWORD,
    "categories": _KEYWORD,
    "routes": _KEYWORD,
    "services": _KEYWORD,
    "fact_ids": _KEYWORD,
    # Where a service complaint says the fault is (see `es_documents.complaint_places`).
    "places": _KEYWORD,
    "hide_on_platform": {"type": "boolean"},
    "not_hideable": {"type": "boolean"},
    "platform_state": _KEYWORD,
    "rules_version": _KEYWORD,
    "classifier_version": _KEYWORD,
    "referral": _KEYWORD,
    "max_score": {"type": "float"},
    # Seconds from the comment being posted to its hide on the platform, once hidden.
    "hide_seconds": {"type": "double"},
    "scores": {"properties": {c.value: {"type": "float"} for c in Category}},
    "findings": _FINDING,
    "comms": {
        "properties": {
            "reason": {"type": "text"},
            "service": _KEYWORD,
            "fact_id": _KEYWORD,
        }
    },
    # The comment and verdict in the versioned wire format: what `get` decodes.
    "wire": {"type": "object", "enabled": False},
}

QUEUE_PROPERTIES: dict[str, Any] = {
    "item_id": {"type": "long"},
    "queue": _KEYWORD,
    "comment_key": _KEYWORD,
    "reason": {"type": "text"},
    "urgent": {"type": "boolean"},
    "status": _KEYWORD,
    "created_at": _DATE,
    "position": {"type": "long"},
    "closed_at": _DATE,
    "closed_by": _KEYWORD,
    "closed_reason": {"type": "text"},
    "close_id": _KEYWORD,
    # Copied from the comment when queued, so a queue page filters without a join.
    "platform": _KEYWORD,
    "surface": _KEYWORD,
    "categories": _KEYWORD,
    "comment_created_at": _DATE,
    "assigned_to": _KEYWORD,
    "assigned_at": _DATE,
    "assign_id": _KEYWORD,
    # A decision's hold on the item while it acts on the platform (store.es_decisions).
    "decision_token": _KEYWORD,
    "decision_kind": _KEYWORD,
    "decision_by": _KEYWORD,
    "decision_until": _DATE,
    # The verdict's versions when queued, so decisions can be counted by model version.
    "rules_version": _KEYWORD,
    "classifier_version": _KEYWORD,
    # Seconds from the comment being posted to a person closing the item.
    "review_seconds": {"type": "double"},
}

AUDIT_PROPERTIES: dict[str, Any] = {
    "at": _DATE,
    "actor": _KEYWORD,
    "event": _KEYWORD,
    "comment_key": _KEYWORD,
    "item_id": {"type": "long"},
    "detail": {"type": "text"},
    "position": {"type": "long"},
}

DEAD_LETTER_PROPERTIES: dict[str, Any] = {
    "at": _DATE,
    "source": _KEYWORD,
    "reason": {"type": "text"},
    "payload": _NOT_INDEXED,
    "position": {"type": "long"},
}

_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_MONTH = re.compile(r"^(\d{4})\.(\d{2})$")


@dataclass(frozen=True, slots=True)
class IndexNames:
    """Every index and alias name for one council's prefix."""

    prefix: str

    def __post_init__(self) -> None:
        if not _PREFIX.match(self.prefix):
            raise ValueError(
                f"index prefix {self.prefix!r} must be lowercase letters, digits, '-', '_' or '.'"
            )

    @property
    def comments(self) -> str:
        """The alias over every monthly comments index: read through this."""
        return f"{self.prefix}-comments"

    @property
    def comments_pattern(self) -> str:
        return f"{self.prefix}-comments-*"

    def comments_for(self, created_at: datetime) -> str:
        """The monthly index a comment belongs in; the same for every replay of it."""
        utc = created_at.astimezone(UTC)
        return f"{self.prefix}-comments-{utc.year:04d}.{utc.month:02d}"

    def month_of(self, index: str) -> datetime | None:
        """The first instant of the month a comments index holds, or None if not one."""
        head = f"{self.prefix}-comments-"
        if not index.startswith(head):
            return None
        found = _MONTH.match(index[len(head) :])
        if found is None:
            return None
        return datetime(int(found[1]), int(found[2]), 1, tzinfo=UTC)

    @property
    def queue(self) -> str:
        return f"{self.prefix}-queue"

    @property
    def audit(self) -> str:
        return f"{self.prefix}-audit"

    @property
    def dead_letters(self) -> str:
        return f"{self.prefix}-deadletters"

    @property
    def single_indices(self) -> tuple[str, ...]:
        return (self.queue, self.audit, self.dead_letters)


def _template(
    patterns: list[str], properties: dict[str, Any], aliases: dict[str, Any] | None = None
) -> dict[str, Any]:
    template: dict[str, Any] = {
        "settings": _SETTINGS,
        "mappings": {
            "dynamic": "strict",
            "_meta": {"houserules_mapping_version": MAPPING_VERSION},
            "properties": properties,
        },
    }
    if aliases:
        template["aliases"] = aliases
    return {
        "index_patterns": patterns,
        "priority": 500,
        "template": template,
        "_meta": {"owner": "houserules", "mapping_version": MAPPING_VERSION},
    }


def index_templates(names: IndexNames) -> dict[str, dict[str, Any]]:
    """Template name -> body for `indices.put_index_template(name=..., **body)`.

    Dashboards read the same mappings from here to check their fields exist.
    """
    return {
        f"{names.prefix}-comments": _template(
            [names.comments_pattern], COMMENT_PROPERTIES, {names.comments: {}}
        ),
        f"{names.prefix}-queue": _template([names.queue], QUEUE_PROPERTIES),
        f"{names.prefix}-audit": _template([names.audit], AUDIT_PROPERTIES),
        f"{names.prefix}-deadletters": _template([names.dead_letters], DEAD_LETTER_PROPERTIES),
    }
