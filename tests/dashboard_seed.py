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
from reports.themes import BookTheme, ThemeBook
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


def _band(now: datetime, posted: datetime) -> str:
    hours = (now - posted).total_seconds() / 3600
    if hours < 1:
        return "under 1 hour"
    if hours < 4:
        return "1 to 4 hours"
    return "4 to 24 hours" if hours < 24 else "over a day"


def _rows(columns: str, *values: tuple[object, ...]) -> list[dict[str, object]]:
    names = columns.split()
    return [dict(zip(names, v, strict=True)) for v in values]


def expected_rows(now: datetime) -> dict[str, list[dict[str, object]]]:
    """Each chart's rows for the seed, counted by hand from `seed_comments` (the listing
    without its item numbers, which each store chooses). Compare them in any order."""
    by_name = {s.name: s for s in seed_comments(now)}
    d1, d2, d3 = (uk_day(noon_days_ago(now, n)) for n in (1, 2, 3))
    t1, t2 = uk_day(by_name["c1"].created_at), uk_day(by_name["c2"].created_at)
    comms_d1 = _band(now, by_name["c6"].created_at)
    recent_hides = [(t1, "harassment", 2), (t1, "threat", 1)]
    recent_tone = [(t1, "hostile", 2)]
    if t1 != t2:  # just after midnight c2 (two hours old) was posted the day before
        recent_hides = [(t1, "harassment", 1), (t2, "harassment", 1), (t2, "threat", 1)]
        recent_tone = [(t1, "hostile", 1), (t2, "hostile", 1)]
    comms_open = (
        [("comms", "over a day", 3)]
        if comms_d1 == "over a day"
        else [("comms", comms_d1, 2), ("comms", "over a day", 1)]
    )

    def posted(name: str) -> str:
        return by_name[name].created_at.astimezone(UTC).isoformat()

    return {
        "open_items_by_age": _rows(
            "queue age items",
            *comms_open,
            ("review", "under 1 hour", 1),
            ("review", "over a day", 1),
            ("escalations", "1 to 4 hours", 1),
        ),
        "oldest_unreviewed": _rows(
            "queue platform rules comment posted",
            ("review", "facebook", "misinformation, harassment", "facebook:c5", posted("c5")),
            ("escalations", "facebook", "threat, harassment", "facebook:c2", posted("c2")),
            ("review", "facebook", "harassment", "facebook:c1", posted("c1")),
        ),
        "escalations_by_day": _rows("day status items", (t2, "open", 1)),
        "hides_by_rule": _rows(
            "day rule comments",
            (d3, "harassment", 1),
            (d3, "misinformation", 1),
            (d3, "obscenity", 1),
            (d2, "defamation", 1),
            (d2, "harassment", 1),
            *recent_hides,
        ),
        "complaints_by_service": _rows(
            "day service comments", (d1, "waste", 2), (d2, "streetlights", 1)
        ),
        "spike_alerts": _rows("day alerts", (d1, 2), (d2, 1)),
        "complaints_by_place": _rows(
            "place service comments",
            ("Elm Road", "streetlights", 1),
            ("Elm Road", "waste", 1),
            ("Oak Street", "waste", 1),
        ),
        "misinformation_by_fact": _rows("fact comments hidden", ("tip", 2, 1)),
        "comms_answered": _rows(
            "day status items", (d3, "done", 1), (d2, "open", 1), (d1, "open", 2), (d1, "done", 1)
        ),
        "comms_response_time": _rows("day answered hours", (d3, 1, 4.0), (d1, 1, 2.0)),
        "volume_by_platform": _rows(
            "platform surface comments",
            ("facebook", "own_page", 9),
            ("x", "mention", 2),
            ("instagram", "own_page", 1),
            ("youtube", "own_page", 1),
        ),
        "tone_by_day": _rows(
            "day tone comments",
            (d3, "hostile", 2),
            (d2, "hostile", 2),
            (d2, "critical", 1),
            (d2, "neither", 1),
            (d1, "critical", 3),
            (d1, "neither", 2),
            *recent_tone,
        ),
        "most_discussed_posts": _rows(
            "post platform comments",
            ("p1", "facebook", 8),
            ("p2", "facebook", 1),
            ("p2", "youtube", 1),
            ("p3", "instagram", 1),
        ),
        "restores_by_rule": _rows(
            "rule decided restored restored_percent",
            ("defamation", 1, 0, 0.0),
            ("harassment", 1, 1, 100.0),
            ("obscenity", 1, 0, 0.0),
        ),
        "restores_by_model": _rows(
            "model decided restored restored_percent", ("m2", 2, 1, 50.0), ("m1", 1, 0, 0.0)
        ),
        "time_to_hide_by_rule": _rows(
            "rule hidden minutes",
            ("harassment", 4, 8.0),
            ("defamation", 1, 10.0),
            ("misinformation", 1, 5.0),
            ("obscenity", 1, 360.0),
            ("threat", 1, 2.0),
        ),
        "time_to_hide_by_model": _rows("model hidden minutes", ("m1", 4, 93.0), ("m2", 2, 15.0)),
        "time_to_review_by_rule": _rows(
            "rule decided hours",
            ("defamation", 1, 3.0),
            ("harassment", 1, 1.0),
            ("obscenity", 1, 6.0),
        ),
        "time_to_review_by_model": _rows("model decided hours", ("m2", 2, 2.0), ("m1", 1, 6.0)),
    }


def without_item_numbers(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in row.items() if k != "item"} for row in rows]


def unordered(rows: list[dict[str, object]]) -> list[str]:
    return sorted(repr(sorted(row.items())) for row in rows)


# The weekly report's themes as its theme book keeps them (what the Reputation board reads):
# this week's largest theme is new, one carries on from last week, one has no words.
THEME_BOOK = ThemeBook(
    "tone-v1",
    next_id=4,
    weeks={
        "2026-W46": [BookTheme(1, "bins, collection", (1.0,), 0.45)],
        "2026-W47": [
            BookTheme(1, "bins, collection", (1.0,), 0.35),
            BookTheme(2, "<b>library</b>, opening hours", (0.0,), 0.4),
            BookTheme(3, "", (0.5,), 0.25),
        ],
    },
)
