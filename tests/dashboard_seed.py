"""A small council's month, written through the Store interface so SQLite and Elasticsearch
hold the same comments, queue items, decisions and alerts: what the dashboard tests count by
hand. Times are relative to `now`: comments whose day matters are posted at noon (UK) some
days ago, those whose age matters some minutes or hours ago."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from moderation.comment import Comment, Platform, Surface
from moderation.review import AuditEvent, PlatformState, ReviewStatus
from moderation.verdict import (
    Action,
    Category,
    ClassifiedComment,
    CommsNote,
    Finding,
    Route,
    Verdict,
)
from store.base import ProcessedComment, QueueEntry, Store

LONDON = ZoneInfo("Europe/London")
SYSTEM = "houserules"


def noon_days_ago(now: datetime, days: int) -> datetime:
    day = now.astimezone(LONDON).date() - timedelta(days=days)
    return datetime.combine(day, time(12), LONDON).astimezone(UTC)


def uk_day(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Seeded:
    """One comment of the seed, with what happened to it."""

    name: str
    text: str
    created_at: datetime
    action: Action
    categories: tuple[Category, ...]
    platform: Platform = Platform.FACEBOOK
    surface: Surface = Surface.OWN_PAGE
    post_id: str = "p1"
    model: str = "m1"
    state: PlatformState = PlatformState.NONE
    hidden_after: timedelta | None = None
    queues: tuple[Route, ...] = ()
    service: str = ""
    fact_id: str = ""
    # queue -> (status, decided this long after posting)
    decisions: dict[Route, tuple[ReviewStatus, timedelta]] = field(default_factory=dict)
    # hidden on the platform only after a person confirmed it (review before hide)
    hidden_on_confirm: bool = False

    @property
    def key(self) -> str:
        return f"{self.platform.value}:{self.name}"


def seed_comments(now: datetime) -> list[Seeded]:
    d1, d2, d3 = (noon_days_ago(now, n) for n in (1, 2, 3))
    hidden, review, escalations, comms = (
        PlatformState.HIDDEN,
        Route.REVIEW,
        Route.ESCALATIONS,
        Route.COMMS,
    )
    h = Category
    return [
        Seeded(
            "c1", "you absolute muppet", now - timedelta(minutes=30), Action.HIDE,
            (h.HARASSMENT,), state=hidden, hidden_after=timedelta(minutes=5), queues=(review,),
        ),
        Seeded(
            "c2", "I know where you live, idiot", now - timedelta(hours=2), Action.ESCALATE,
            (h.THREAT, h.HARASSMENT), state=hidden, hidden_after=timedelta(minutes=2),
            queues=(escalations,),
        ),
        Seeded(
            "c3", "Cllr Smith takes backhanders", d2, Action.HIDE, (h.DEFAMATION,), model="m2",
            state=hidden, hidden_after=timedelta(minutes=10), queues=(review,),
            decisions={review: (ReviewStatus.CONFIRMED, timedelta(hours=3))},
        ),
        Seeded(
            "c4", "what a clown show this council is", d2, Action.HIDE, (h.HARASSMENT,),
            model="m2", state=hidden, hidden_after=timedelta(minutes=20), queues=(review,),
            decisions={review: (ReviewStatus.RESTORED, timedelta(hours=1))},
        ),
        Seeded(
            "c5", "the tip is closing for good, liars", d3, Action.HIDE,
            (h.MISINFORMATION, h.HARASSMENT), state=hidden, hidden_after=timedelta(minutes=5),
            queues=(review, comms), fact_id="tip",
            decisions={comms: (ReviewStatus.DONE, timedelta(hours=4))},
        ),
        Seeded(
            "c6", "bins on Elm Road missed again", d1, Action.COMMS, (h.SERVICE_COMPLAINT,),
            queues=(comms,), service="waste",
        ),
        Seeded(
            "c7", "bins missed again at Oak Street", d1, Action.COMMS, (h.SERVICE_COMPLAINT,),
            platform=Platform.INSTAGRAM, post_id="p3", queues=(comms,), service="waste",
            decisions={comms: (ReviewStatus.DONE, timedelta(hours=2))},
        ),
        Seeded(
            "c8", "the streetlight is out on Elm Road", d2, Action.COMMS,
            (h.SERVICE_COMPLAINT,), queues=(comms,), service="streetlights",
        ),
        Seeded(
            "c9", "the council's new logo is a waste of money", d1, Action.ALLOW,
            (h.CRITICISM,), platform=Platform.X, surface=Surface.MENTION, post_id="",
        ),
        Seeded("c10", "lovely new library", d1, Action.ALLOW, ()),
        Seeded(
            "c11", "great video", d2, Action.ALLOW, (), platform=Platform.YOUTUBE, post_id="p2"
        ),
        Seeded(
            "c12", "heard the tip is closing for good", d1, Action.COMMS, (h.MISINFORMATION,),
            platform=Platform.X, surface=Surface.MENTION, post_id="", queues=(comms,),
            fact_id="tip",
        ),
        Seeded(
            "c13", "rude word here", d3, Action.HIDE, (h.OBSCENITY,), post_id="p2",
            state=PlatformState.PENDING_REVIEW, queues=(review,), hidden_on_confirm=True,
            decisions={review: (ReviewStatus.CONFIRMED, timedelta(hours=6))},
        ),
    ]  # fmt: skip


def spike_alert_times(now: datetime) -> list[datetime]:
    d1, d2 = noon_days_ago(now, 1), noon_days_ago(now, 2)
    return [d1, d1 + timedelta(minutes=15), d2]


def _processed(s: Seeded) -> ProcessedComment:
    comment = Comment(
        s.platform, s.surface, s.name, s.text, s.created_at, author_handle=f"a-{s.name}",
        post_id=s.post_id,
    )  # fmt: skip
    findings = tuple(Finding(c, 0.9, "seed") for c in s.categories)
    notes: tuple[CommsNote, ...] = ()
    if s.service:
        notes = (CommsNote("service complaint", service=s.service),)
    elif s.fact_id:
        notes = (CommsNote("misinformation", fact_id=s.fact_id, official_line="It stays open."),)
    hides = s.action in (Action.HIDE, Action.ESCALATE)
    verdict = Verdict(
        comment.key, s.action, findings, s.queues, hides and not s.hidden_on_confirm,
        hides and s.surface is Surface.MENTION, "r1", s.model, comms=notes,
    )  # fmt: skip
    events = [AuditEvent(s.created_at, SYSTEM, "classified", comment.key, verdict.explain())]
    if s.hidden_after is not None:
        at = s.created_at + s.hidden_after
        events.append(AuditEvent(at, SYSTEM, "hidden", comment.key, "hidden on facebook"))
    entries = tuple(QueueEntry(r, "seeded", urgent=r is Route.ESCALATIONS) for r in s.queues)
    return ProcessedComment(ClassifiedComment(comment, verdict), s.state, entries, tuple(events))


_EVENT = {
    ReviewStatus.CONFIRMED: "confirm",
    ReviewStatus.RESTORED: "restore",
    ReviewStatus.DONE: "done",
}


def seed(store: Store, now: datetime) -> list[Seeded]:
    """Write the seed to `store`: comments, queue items, the decisions and the alerts."""
    seeded = seed_comments(now)
    store.save([_processed(s) for s in seeded])
    for s in seeded:
        items = {row.item.queue: row.item.item_id for row in store.items_for(s.key)}
        for route, (status, after) in s.decisions.items():
            at = s.created_at + after
            if s.hidden_on_confirm:
                store.set_platform_state(
                    s.key,
                    PlatformState.HIDDEN,
                    AuditEvent(at, "mo", "hidden", s.key, "hidden after review", items[route]),
                )
            if status is ReviewStatus.RESTORED:
                store.set_platform_state(
                    s.key,
                    PlatformState.RESTORED,
                    AuditEvent(at, "mo", "unhidden", s.key, "unhidden", items[route]),
                )
            event = AuditEvent(at, "mo", _EVENT[status], s.key, "seeded decision", items[route])
            store.close_item(items[route], status, event)
    for at in spike_alert_times(now):
        store.append_audit(AuditEvent(at, SYSTEM, "service_spike", "facebook:c6", "spike: waste"))
    return seeded
