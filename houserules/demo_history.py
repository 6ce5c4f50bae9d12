"""The demo's earlier weeks and its comms team, so `houserules demo` then `houserules report
weekly --week 2026-W47` shows trends and a team at work, not one lonely week.

The labelled week (Monday 16 to Sunday 22 November 2026, houserules/demo_data) is the only
written data. The seven weeks before it are replays of that week's comments, each week a
seeded share of them moved back by whole weeks under new ids: fewer comments in earlier
weeks, and topics that begin when their story does (the food-waste caddies from the
service's start on 2 November, the Winter Fair once it was cancelled). The replays are not
judged again: each takes the verdict the pipeline gave its original (the classifier is
deterministic per text) and goes through the same act and route stages, with times from
its own week.

Then a simulated comms team decides the queue items, at seeded delays after each comment
was posted: it restores a hide where the labels say the comment was lawful (so the
over-moderation rate measures the classifier's real mistakes on this data), escalates a
hidden comment the labels call a threat, confirms the rest, and marks most comms items
answered. Items from the last day and a half of the labelled week are left open, as a
Monday-morning queue would be. Everything is keyed and seeded, so running the demo again
adds nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ingest.files import ImportedRow
from moderation.comment import Comment
from moderation.review import Decision, DecisionKind, ReviewStatus
from moderation.verdict import ClassifiedComment, Route
from store.base import ProcessedComment, Store
from stream.clock import FixedClock
from stream.decisions import ReviewError, apply_decision
from stream.stages import act, route

WEEKS_BEFORE = 7
# The share of the labelled week's comments replayed into each earlier week, oldest first.
SHARES = (0.42, 0.47, 0.52, 0.58, 0.66, 0.74, 0.84)
# Stories that start part-way: (words in the comment, first Monday they are talked about).
STARTS = (
    (re.compile(r"caddy|caddies|food.waste|food-waste", re.IGNORECASE), datetime(2026, 11, 2)),
    (re.compile(r"winter fair", re.IGNORECASE), datetime(2026, 11, 9)),
)
LEAVE_OPEN_FROM = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TEAM = "demo comms team (simulated)"
ANSWERED_SHARE = 0.85


@dataclass(frozen=True, slots=True)
class History:
    added: int
    unchanged: int
    decisions: int


def _chance(*parts: object) -> float:
    """A number in [0, 1) fixed by its parts: the demo's only source of randomness."""
    digest = hashlib.blake2b("\n".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _starts(text: str) -> datetime | None:
    starts = [when.replace(tzinfo=UTC) for pattern, when in STARTS if pattern.search(text)]
    return max(starts) if starts else None


def replayed(rows: Sequence[ImportedRow]) -> list[tuple[Comment, Comment]]:
    """(original, replay) for every comment of the earlier weeks, oldest week first."""
    pairs = []
    for weeks_back, share in zip(range(WEEKS_BEFORE, 0, -1), SHARES, strict=True):
        for row in rows:
            original = row.comment
            moved = original.created_at - timedelta(weeks=weeks_back)
            start = _starts(original.text)
            if start is not None and moved < start:
                continue
            if _chance("replay", original.comment_id, weeks_back) >= share:
                continue
            replay = replace(
                original,
                comment_id=f"{original.comment_id}-{weeks_back}w",
                created_at=moved,
                parent_id=f"{original.parent_id}-{weeks_back}w" if original.parent_id else "",
            )
            pairs.append((original, replay))
    return pairs


def add_history(store: Store, rows: Sequence[ImportedRow]) -> History:
    """Store the earlier weeks (those not stored yet) and let the team decide; the labelled
    week must already be stored."""
    pairs = replayed(rows)
    already = store.seen([replay.key for _, replay in pairs])
    batch = []
    for original, replay in pairs:
        if replay.key in already:
            continue
        stored = store.get(original.key)
        if stored is None:
            continue
        verdict = replace(stored.classified.verdict, comment_key=replay.key)
        cc = ClassifiedComment(replay, verdict)
        state, events = act(cc, {}, FixedClock(replay.created_at + timedelta(seconds=4)))
        batch.append(ProcessedComment(cc, state, route(verdict, state), tuple(events)))
    for start in range(0, len(batch), 500):
        store.save(batch[start : start + 500])
    gold = {row.comment.comment_id: str(row.extra.get("gold_action", "")) for row in rows}
    comments = [row.comment for row in rows] + [replay for _, replay in pairs]
    decisions = _team(store, comments, gold)
    return History(len(batch), len(pairs) - len(batch), decisions)


def _original_id(comment: Comment) -> str:
    return re.sub(r"-\dw$", "", comment.comment_id)


def _team(store: Store, comments: Sequence[Comment], gold: dict[str, str]) -> int:
    now = datetime.now(UTC)
    decided = 0
    for comment in comments:
        if comment.created_at >= LEAVE_OPEN_FROM:
            continue
        label = gold.get(_original_id(comment), "")
        for row in store.items_for(comment.key):
            item = row.item
            if item.status is not ReviewStatus.OPEN:
                continue
            kind, minutes = _decision(item.queue, label, comment.key)
            if kind is None:
                continue
            at = comment.created_at + timedelta(minutes=minutes)
            if at >= now:
                continue
            reason = {
                DecisionKind.RESTORE: "demo: lawful comment, hidden in error",
                DecisionKind.ESCALATE: "demo: a threat, for the duty officer",
                DecisionKind.CONFIRM: "demo: breaks the house rules",
                DecisionKind.DONE: "demo: replied with the official line",
            }[kind]
            try:
                apply_decision(
                    Decision(item.item_id, kind, TEAM, reason, at), store, {}, FixedClock(at)
                )
            except ReviewError:
                continue
            decided += 1
            if kind is DecisionKind.ESCALATE:
                decided += _confirm_escalation(store, comment, at)
    return decided


def _decision(queue: Route, gold_action: str, key: str) -> tuple[DecisionKind | None, float]:
    """What the simulated team does with an item, and how many minutes after posting."""
    luck = _chance("delay", key, queue.value)
    if queue is Route.COMMS:
        if _chance("answered", key) >= ANSWERED_SHARE:
            return None, 0
        return DecisionKind.DONE, 45 + luck * 26 * 60
    if queue is Route.ESCALATIONS:
        return DecisionKind.CONFIRM, 6 + luck * 80
    if gold_action in ("allow", "comms"):
        return DecisionKind.RESTORE, 30 + luck * 20 * 60
    if gold_action == "escalate":
        return DecisionKind.ESCALATE, 20 + luck * 6 * 60
    return DecisionKind.CONFIRM, 20 + luck * 16 * 60


def _confirm_escalation(store: Store, comment: Comment, escalated_at: datetime) -> int:
    for row in store.items_for(comment.key):
        if row.item.queue is Route.ESCALATIONS and row.item.status is ReviewStatus.OPEN:
            at = escalated_at + timedelta(minutes=10 + 50 * _chance("duty", comment.key))
            if at >= datetime.now(UTC):
                return 0
            apply_decision(
                Decision(row.item.item_id, DecisionKind.CONFIRM, TEAM, "demo: reported", at),
                store,
                {},
                FixedClock(at),
            )
            return 1
    return 0
