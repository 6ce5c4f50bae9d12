"""Where the app hands an officer's decision: applied here (embedded mode) or produced to
the decisions topic for the worker (scale-out mode). Either way the app never writes a
queue item or the audit log itself; `stream.decisions.apply_decision` does, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from moderation import wire
from moderation.comment import Platform
from moderation.platform import PlatformModerator
from moderation.review import Decision, DecisionKind, PlatformState
from store.base import Store
from stream.clock import Clock
from stream.decisions import apply_decision
from stream.kafka_settings import KafkaSettings
from stream.topics import topic_names


class DecisionSink(Protocol):
    """Takes a decision and says what happened, in words for the officer; raises
    `stream.decisions.ReviewError` with the reason when it cannot be applied."""

    applies_later: bool

    def submit(self, decision: Decision) -> str: ...

    def close(self) -> None: ...


class AppliedHere:
    """Embedded mode: the decision is applied in this process, platform call included."""

    applies_later = False

    def __init__(
        self, store: Store, moderators: Mapping[Platform, PlatformModerator], clock: Clock
    ) -> None:
        self.store = store
        self.moderators = moderators
        self.clock = clock

    def submit(self, decision: Decision) -> str:
        before = self.store.item(decision.item_id)
        closed = apply_decision(decision, self.store, self.moderators, self.clock)
        stored = self.store.get(closed.comment_key)
        platform = stored.classified.comment.platform.value if stored else "the platform"
        if decision.kind is DecisionKind.RESTORE:
            if before is not None and before.platform_state is PlatformState.HIDDEN:
                return f"Restored: the comment is visible again on {platform}."
            return (
                f"Restored in houserules. It was not hidden on {platform} "
                f"({before.platform_state.value if before else 'unknown'}), so nothing "
                "changed there."
            )
        if decision.kind is DecisionKind.CONFIRM:
            return "Hide confirmed: the comment stays hidden."
        if decision.kind is DecisionKind.ESCALATE:
            return "Escalated: the comment is now in the escalations queue."
        return "Marked answered."

    def close(self) -> None:
        return None


class SentToWorker:
    """Scale-out mode: the decision goes to the decisions topic, keyed by item, and the
    worker applies it (restoring on the platform first). `submit` returns once the broker
    has acknowledged it."""

    applies_later = True

    def __init__(self, settings: KafkaSettings, producer: Any | None = None) -> None:
        if producer is None:
            from kafka import KafkaProducer

            producer = KafkaProducer(
                bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=0
            )
        self.producer = producer
        self.topic = topic_names(settings).moderation_decisions

    def submit(self, decision: Decision) -> str:
        future = self.producer.send(
            self.topic, key=str(decision.item_id).encode(), value=wire.encode_decision(decision)
        )
        future.get(timeout=30)
        return (
            f"Decision sent ({decision.kind.value}). The worker applies it in a moment; "
            "this page shows the result when it has."
        )

    def close(self) -> None:
        self.producer.close()
