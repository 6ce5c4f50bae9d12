"""What each Kafka agent does with a batch of messages, independent of Faust.

Each step takes the raw messages of one batch and returns what to publish and what to
dead-letter; the Faust agents (`stream.faust_app`) only move bytes in and out, and the
same steps can be driven by any consumer. They run the stage functions of
`stream.stages` and `stream.decisions`, exactly as the embedded runner does.

Promises, per batch:
- bad input never stops the stream: a message that cannot be decoded, whose
  classification raises, or whose processing raises becomes a `DeadLetterRecord` with
  its reason and original payload; the rest of the batch carries on;
- effects are done before the step returns: the store write (and the platform hide
  before it) has returned, retried through store outages (`stream.outages`), so the
  caller may acknowledge the batch when the step returns;
- replays change nothing: a comment already stored with the same text is not
  classified, hidden or written again, and a decision already applied is skipped.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from moderation import wire
from moderation.classifier import Classifier
from moderation.comment import Comment, Platform
from moderation.platform import PlatformModerator
from moderation.review import DecisionKind, ReviewStatus
from moderation.verdict import Action, ClassifiedComment, Route
from store.base import ProcessedComment, Store
from stream import stages
from stream.clock import Clock
from stream.decisions import ReviewError, apply_decision
from stream.outages import keep_trying
from stream.records import (
    DeadLetterRecord,
    author_of,
    encode_action,
    encode_queue_entry,
    service_complaints,
)
from stream.topics import (
    COMMENTS_CLASSIFIED,
    COMMS_QUEUE,
    COMPLAINTS_BY_SERVICE,
    HIDDEN_BY_AUTHOR,
    MODERATION_ACTIONS,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

_DECISION_CLOSES_AS = {
    DecisionKind.CONFIRM: ReviewStatus.CONFIRMED,
    DecisionKind.RESTORE: ReviewStatus.RESTORED,
    DecisionKind.DONE: ReviewStatus.DONE,
    DecisionKind.ESCALATE: ReviewStatus.ESCALATED,
}


class PipelineParts(Protocol):
    """What the steps need; `houserules.bootstrap.App` provides it."""

    @property
    def classifier(self) -> Classifier: ...

    @property
    def store(self) -> Store: ...

    @property
    def moderators(self) -> Mapping[Platform, PlatformModerator]: ...

    @property
    def clock(self) -> Clock: ...


@dataclass(frozen=True, slots=True)
class Incoming:
    """One consumed message, with where it came from (for the dead-letter record)."""

    value: bytes
    key: bytes | None = None
    topic: str = ""
    partition: int = -1
    offset: int = -1


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to publish: `topic` is the base name (without the council's prefix)."""

    topic: str
    key: bytes
    value: bytes


@dataclass
class StepResult:
    outgoing: list[Outgoing] = field(default_factory=list)
    dead: list[DeadLetterRecord] = field(default_factory=list)
    done: int = 0


def _failure(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"


class Steps:
    """The batch steps of one worker, sharing its classifier, store, platforms and clock."""

    def __init__(
        self,
        parts: PipelineParts,
        *,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.parts = parts
        self._sleep_kw = {} if sleep is None else {"sleep": sleep}

    @property
    def store(self) -> Store:
        return self.parts.store

    def _decoded(
        self,
        messages: Sequence[Incoming],
        decode: Callable[[bytes], T],
        what: str,
        result: StepResult,
    ) -> Iterator[tuple[T, Incoming]]:
        """Each message that decodes, in order, as it is read; one that does not is
        dead-lettered in `result` with why, and the rest go on."""
        for m in messages:
            try:
                value = decode(m.value)
            except wire.WireError as exc:
                result.dead.append(self._dead("decode", f"undecodable {what}: {exc}", m))
                continue
            yield value, m

    def _dead(self, stage: str, reason: str, message: Incoming) -> DeadLetterRecord:
        return DeadLetterRecord(
            stage=stage,
            reason=reason,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            payload=message.value,
            at=self.parts.clock.now(),
        )

    def _unchanged(self, comments: Sequence[Comment]) -> set[str]:
        """Keys already stored with exactly this text (a replay, or a repeat)."""
        keys = [c.key for c in comments]
        stored = keep_trying(lambda: self.store.seen(keys), "store: looking up comments")
        return {c.key for c in comments if stored.get(c.key) == c.text}

    def record_dead_letters(self, dead: Sequence[DeadLetterRecord]) -> None:
        """Keep dead letters in the store too, where the CLI and review app show them."""
        for d in dead:
            keep_trying(
                lambda d=d: self.store.dead_letter(  # type: ignore[misc]
                    d.stage, d.reason, d.payload_text, d.at
                ),
                "store: writing a dead letter",
            )

    def classify(self, messages: Sequence[Incoming]) -> StepResult:
        """comments.raw → comments.classified."""
        result = StepResult()
        decoded = self._decoded(messages, wire.decode_comment, "comment", result)
        latest: dict[str, tuple[Comment, Incoming]] = {c.key: (c, m) for c, m in decoded}
        unchanged = self._unchanged([c for c, _ in latest.values()])
        fresh = [(c, m) for c, m in latest.values() if c.key not in unchanged]
        result.done = len(messages) - len(fresh) - len(result.dead)
        for outcome, message in self._classify_all(fresh):
            if isinstance(outcome, str):
                result.dead.append(self._dead("classify", outcome, message))
                continue
            result.outgoing.append(
                Outgoing(
                    COMMENTS_CLASSIFIED,
                    outcome.comment.key.encode(),
                    wire.encode_classified(outcome),
                )
            )
            result.done += 1
        return result

    def _classify_all(
        self, batch: list[tuple[Comment, Incoming]]
    ) -> list[tuple[ClassifiedComment | str, Incoming]]:
        if not batch:
            return []
        classifier = self.parts.classifier
        try:
            classified = stages.classify(classifier, [c for c, _ in batch])
            return [(cc, m) for cc, (_, m) in zip(classified, batch, strict=True)]
        except Exception:
            results: list[tuple[ClassifiedComment | str, Incoming]] = []
            for c, m in batch:  # find the comment that broke the batch; keep the rest
                try:
                    results.append((stages.classify(classifier, [c])[0], m))
                except Exception as exc:
                    reason = f"classification failed: {_failure(exc)}"
                    results.append((reason + "\n" + traceback.format_exc(limit=3), m))
            return results

    def index(self, messages: Sequence[Incoming]) -> StepResult:
        """comments.classified → act (hide), route (queues), index (store.save), then
        moderation.actions, comms.queue and the rekeyed topics for the windowed counts."""
        result = StepResult()
        decoded: dict[str, tuple[ClassifiedComment, Incoming]] = {
            cc.comment.key: (cc, m)
            for cc, m in self._decoded(messages, wire.decode_classified, "classified", result)
        }
        unchanged = self._unchanged([cc.comment for cc, _ in decoded.values()])
        processed: list[tuple[ProcessedComment, Incoming]] = []
        for key, (cc, m) in decoded.items():
            if key in unchanged:
                result.done += 1
                continue
            try:
                processed.append((stages.process(cc, self.parts.moderators, self.parts.clock), m))
            except Exception as exc:
                result.dead.append(self._dead("act", f"acting failed: {_failure(exc)}", m))
        saved = self._save(processed, result)
        for p in saved:
            result.outgoing.extend(self._announcements(p))
        result.done += len(saved)
        return result

    def _save(
        self, processed: list[tuple[ProcessedComment, Incoming]], result: StepResult
    ) -> list[ProcessedComment]:
        """Write the batch; on a non-transient failure, write one by one and dead-letter
        the comments the store refuses."""
        if not processed:
            return []
        items = [p for p, _ in processed]
        try:
            keep_trying(lambda: self.store.save(items), f"store: indexing {len(items)} comments")
            return items
        except Exception as exc:
            log.warning("store refused a batch (%s); writing one by one", _failure(exc))
        saved: list[ProcessedComment] = []
        for p, m in processed:
            try:
                keep_trying(lambda p=p: self.store.save([p]), f"store: indexing {p.key}")  # type: ignore[misc]
            except Exception as exc:
                result.dead.append(self._dead("index", f"the store refused it: {_failure(exc)}", m))
                continue
            saved.append(p)
        return saved

    def _announcements(self, p: ProcessedComment) -> list[Outgoing]:
        key = p.key.encode()
        out = [Outgoing(MODERATION_ACTIONS, key, encode_action(p))]
        out.extend(
            Outgoing(COMMS_QUEUE, key, encode_queue_entry(p, entry))
            for entry in p.queue_entries
            if entry.queue is Route.COMMS
        )
        out.extend(
            Outgoing(COMPLAINTS_BY_SERVICE, s.service.encode(), s.encode())
            for s in service_complaints(p)
        )
        if p.classified.verdict.action.weight >= Action.HIDE.weight:
            out.append(Outgoing(HIDDEN_BY_AUTHOR, author_of(p).encode(), encode_action(p)))
        return out

    def apply_decisions(self, messages: Sequence[Incoming]) -> StepResult:
        """moderation.decisions → `apply_decision` (platform restore/hide, queue, audit).

        A decision the queue already reflects (a replay) is skipped; one that cannot apply
        (no such item, the platform refused) is dead-lettered with the reviewer-facing
        reason, and the item stays as it was."""
        result = StepResult()
        for decision, m in self._decoded(messages, wire.decode_decision, "decision", result):
            item = keep_trying(
                lambda d=decision: self.store.item(d.item_id),  # type: ignore[misc]
                "store: reading a queue item",
            )
            if item is not None and item.status is _DECISION_CLOSES_AS.get(decision.kind):
                result.done += 1
                continue
            try:
                keep_trying(
                    lambda d=decision: apply_decision(  # type: ignore[misc]
                        d, self.store, self.parts.moderators, self.parts.clock
                    ),
                    f"store: applying decision on item {decision.item_id}",
                )
            except ReviewError as exc:
                result.dead.append(self._dead("decision", f"decision not applied: {exc}", m))
                continue
            except Exception as exc:
                result.dead.append(self._dead("decision", f"decision failed: {_failure(exc)}", m))
                continue
            result.done += 1
        return result
