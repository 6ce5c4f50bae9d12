"""The pipeline's stages as plain functions: classify, act, route.

The embedded runner and the Faust agents call exactly these, so both modes judge and act
alike. `act` is where the platform is touched: a transient failure is retried a few times
here, and a hide that still fails is recorded as `hide_failed` so a person sees it in the
review queue; nothing is dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import tenacity

from moderation.classifier import Classifier
from moderation.comment import Comment, Platform
from moderation.platform import NotHideable, PlatformError, PlatformModerator, is_transient
from moderation.review import AuditEvent, PlatformState
from moderation.verdict import Action, ClassifiedComment, Route, Verdict
from store.base import ProcessedComment, QueueEntry, Store
from stream.clock import Clock
from stream.outages import keep_trying
from stream.records import Alert

SYSTEM = "houserules"
HIDE_ATTEMPTS = 3
HIDE_FIRST_WAIT_S = 0.5


def classify(classifier: Classifier, comments: Sequence[Comment]) -> list[ClassifiedComment]:
    verdicts = classifier.classify(comments)
    return [ClassifiedComment(c, v) for c, v in zip(comments, verdicts, strict=True)]


def act(
    cc: ClassifiedComment,
    moderators: Mapping[Platform, PlatformModerator],
    clock: Clock,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[PlatformState, list[AuditEvent]]:
    """Hide on the platform if the verdict says so. Returns the platform state and audit."""
    comment, verdict = cc.comment, cc.verdict
    events = [
        AuditEvent(
            clock.now(),
            SYSTEM,
            "classified",
            comment.key,
            f"{verdict.explain()} [rules {verdict.rules_version}, "
            f"classifier {verdict.classifier_version}]",
        )
    ]
    if verdict.action.weight < Action.HIDE.weight:
        return PlatformState.NONE, events
    if verdict.not_hideable:
        events.append(
            AuditEvent(
                clock.now(),
                SYSTEM,
                "not_hideable",
                comment.key,
                f"{comment.surface.value} on {comment.platform.value}: "
                "the council cannot hide it; queued for review",
            )
        )
        return PlatformState.NOT_HIDEABLE, events
    if not verdict.hide_on_platform:
        events.append(
            AuditEvent(
                clock.now(),
                SYSTEM,
                "pending_review",
                comment.key,
                "review before hide: waiting for a person",
            )
        )
        return PlatformState.PENDING_REVIEW, events
    moderator = moderators.get(comment.platform)
    if moderator is None:
        events.append(
            AuditEvent(
                clock.now(),
                SYSTEM,
                "not_connected",
                comment.key,
                f"no {comment.platform.value} connector: hide it by hand",
            )
        )
        return PlatformState.NOT_CONNECTED, events
    attempts = 0

    def hide() -> None:
        nonlocal attempts
        attempts += 1
        moderator.hide(comment)

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient),
        stop=tenacity.stop_after_attempt(HIDE_ATTEMPTS),
        wait=tenacity.wait_exponential(multiplier=HIDE_FIRST_WAIT_S),
        sleep=sleep,
        reraise=True,
    )
    try:
        retrying(hide)
    except NotHideable as exc:
        events.append(AuditEvent(clock.now(), SYSTEM, "not_hideable", comment.key, str(exc)))
        return PlatformState.NOT_HIDEABLE, events
    except PlatformError as exc:
        events.append(
            AuditEvent(
                clock.now(),
                SYSTEM,
                "hide_failed",
                comment.key,
                f"after {attempts} attempt(s): {exc}",
            )
        )
        return PlatformState.HIDE_FAILED, events
    events.append(
        AuditEvent(
            clock.now(), SYSTEM, "hidden", comment.key, f"hidden on {comment.platform.value}"
        )
    )
    return PlatformState.HIDDEN, events


def route(verdict: Verdict, platform_state: PlatformState) -> tuple[QueueEntry, ...]:
    """The queue entries a verdict asks for, with the reason a person will read.

    A comment gets one decision item: in escalations if it is escalated (carrying every
    category it was hidden for, so confirming it there closes it), otherwise in review.
    Comms items are separate because answering is a different job from judging a hide."""
    entries = []
    categories = ", ".join(c.value for c in verdict.categories)
    platform_note = ""
    if platform_state is PlatformState.HIDE_FAILED:
        platform_note = " (hide FAILED on the platform: hide by hand)"
    elif platform_state is PlatformState.NOT_HIDEABLE:
        platform_note = " (not_hideable)"
    escalated = Route.ESCALATIONS in verdict.routes
    for r in verdict.routes:
        if r is Route.REVIEW and not escalated:
            entries.append(
                QueueEntry(
                    Route.REVIEW,
                    categories + platform_note,
                    urgent=platform_state is PlatformState.HIDE_FAILED,
                )
            )
        elif r is Route.ESCALATIONS:
            reason = f"{categories}: {verdict.referral}" if verdict.referral else categories
            entries.append(QueueEntry(Route.ESCALATIONS, reason + platform_note, urgent=True))
        elif r is Route.COMMS:
            reason = (
                "; ".join(
                    n.reason + (f" [{n.fact_id}]" if n.fact_id else "") for n in verdict.comms
                )
                or "comms"
            )
            entries.append(QueueEntry(Route.COMMS, reason))
    return tuple(entries)


def process(
    cc: ClassifiedComment,
    moderators: Mapping[Platform, PlatformModerator],
    clock: Clock,
) -> ProcessedComment:
    """Act and route one classified comment, ready to be indexed."""
    state, events = act(cc, moderators, clock)
    return ProcessedComment(cc, state, route(cc.verdict, state), tuple(events))


def record_alert(store: Store, found: Alert, sleep: Callable[[float], None] = time.sleep) -> None:
    """Write an alert to the audit trail. A store that is busy for a moment (SQLite while
    the review app writes) is waited for, as indexing waits, so the worker does not stop."""
    event = AuditEvent(
        found.raised_at, SYSTEM, found.kind, found.comment_keys[-1], found.describe()
    )
    keep_trying(
        lambda: store.append_audit(event), f"store: recording the {found.kind} alert", sleep=sleep
    )
