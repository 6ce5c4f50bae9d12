"""A small council's fortnight, counted by hand, for the weekly report's tests.

The report's week is 2026-W47 (Monday 16 to Sunday 22 November 2026; November is GMT, so UK
time is UTC). Every comment, decision and alert is written here, through the store and the
real decision code, and `EXPECTED` holds what a person counting them gets. The same world is
seeded into SQLite (tests/unit) and a real Elasticsearch node (tests/integration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from moderation.comment import Comment, Platform, Surface
from moderation.platform import InMemoryModerator
from moderation.review import AuditEvent, Decision, DecisionKind, PlatformState
from moderation.verdict import (
    Action,
    Category,
    ClassifiedComment,
    CommsNote,
    Evidence,
    Finding,
    Route,
    Verdict,
)
from store.base import ProcessedComment, Store
from stream.clock import FixedClock
from stream.decisions import apply_decision

WEEK = "2026-W47"
MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
LAST_MONDAY = MONDAY - timedelta(weeks=1)
OFFICER = "Sam Patel"
REFERRAL = "Police: the duty officer calls 101"
CADDY_LINE = "Nobody is fined for not using the caddy."
CADDY_LINK = "https://www.example.gov.uk/caddy"
PHONE = "07700 900456"
FOOD_WASTE_POST = "Council post: weekly food-waste collections start on Monday."
LIGHTS_POST = "Council post: the Christmas lights are switched on this Friday."
FACT_TOPICS = {"fr-caddy": "Food-waste caddies", "fr-tip": "The tip"}
# Every author of every comment: none of these may appear in a report.
AUTHORS = (
    "Paula Dransfield",
    "Jo Binley",
    "@webfail_dave",
    "Kath Ormerod",
    "@lights_hater",
    "Rumour Rita",
    "@herald_reader",
    "Nosy Neil",
    "@floodwatch_fred",
    "Pat Cavendish",
    "Tom Hebden",
    "Gerry Gorton",
    "@sx_vigilante",
    "Lyn Parsons",
    "Mo Akhtar",
    "Viv Ashdown",
    "Early Ed",
    "Next Week Nora",
)


def at(
    day: int, hour: int, minute: int = 0, second: int = 0, *, monday: datetime = MONDAY
) -> datetime:
    return monday + timedelta(days=day, hours=hour, minutes=minute, seconds=second)


@dataclass
class Seeded:
    """One comment to store, and what happens to it afterwards."""

    comment: Comment
    verdict: Verdict
    state: PlatformState = PlatformState.NONE
    hidden_after_min: float | None = None
    decisions: list[tuple[Route, DecisionKind, float]] = field(default_factory=list)

    def processed(self) -> ProcessedComment:
        from stream.stages import route

        events = [
            AuditEvent(self.comment.created_at, "houserules", "classified", self.comment.key, "")
        ]
        if self.hidden_after_min is not None:
            events.append(
                AuditEvent(
                    self.comment.created_at + timedelta(minutes=self.hidden_after_min),
                    "houserules",
                    "hidden",
                    self.comment.key,
                    f"hidden on {self.comment.platform.value}",
                )
            )
        return ProcessedComment(
            ClassifiedComment(self.comment, self.verdict),
            self.state,
            route(self.verdict, self.state),
            tuple(events),
        )


def _comment(
    n: str,
    when: datetime,
    text: str,
    author: str,
    platform: Platform = Platform.FACEBOOK,
    surface: Surface = Surface.OWN_PAGE,
    post: str = "",
) -> Comment:
    return Comment(platform, surface, n, text, when, author_handle=author, post_context=post)


def _verdict(
    c: Comment,
    action: Action,
    findings: tuple[Finding, ...] = (),
    *,
    comms: tuple[CommsNote, ...] = (),
    below: tuple[Finding, ...] = (),
    referral: str = "",
) -> Verdict:
    routes: list[Route] = []
    if action in (Action.HIDE, Action.ESCALATE):
        routes.append(Route.REVIEW)
    if action is Action.ESCALATE:
        routes.append(Route.ESCALATIONS)
    if comms:
        routes.append(Route.COMMS)
    hides = action in (Action.HIDE, Action.ESCALATE)
    return Verdict(
        c.key,
        action,
        findings,
        tuple(routes),
        hides and c.hideable,
        hides and not c.hideable,
        "rules-test",
        "model-test",
        comms=comms,
        referral=referral,
        below_threshold=below,
    )


def _complaint(
    n: str, when: datetime, text: str, author: str, service: str, place: str = "", **kw: Any
) -> tuple[Comment, Verdict]:
    c = _comment(n, when, text, author, **kw)
    reason = f"service complaint: {service}" + (f" at {place}" if place else "")
    return c, _verdict(
        c,
        Action.COMMS,
        (Finding(Category.SERVICE_COMPLAINT, 0.8, "model"),),
        comms=(CommsNote(reason, service=service),),
    )


def _insult(n: str, when: datetime, text: str, author: str, **kw: Any) -> tuple[Comment, Verdict]:
    c = _comment(n, when, text, author, **kw)
    return c, _verdict(c, Action.HIDE, (Finding(Category.HARASSMENT, 0.9, "model"),))


def this_week() -> list[Seeded]:
    c1 = _comment(
        "c1",
        at(0, 9),
        "Thank you to the crew on Marsh Lane, brilliant work as always.",
        "Paula Dransfield",
        post=FOOD_WASTE_POST,
    )
    c2, v2 = _complaint(
        "c2",
        at(0, 9, 5),
        "Bins on Elm Road missed again this week.",
        "Jo Binley",
        "waste",
        "Elm Road",
        post=FOOD_WASTE_POST,
    )
    c3, v3 = _complaint(
        "c3",
        at(0, 9, 10),
        # The place is found in the text as the comms note finds it (after on, in, at...).
        "Bins on Elm Road still not emptied, third time.",
        "Jo Binley",
        "waste",
        "Elm Road",
        post=FOOD_WASTE_POST,
    )
    c4, v4 = _complaint(
        "c4",
        at(1, 10),
        "The payments page keeps logging me out.",
        "@webfail_dave",
        "website and payments",
        platform=Platform.X,
    )
    c5, v5 = _insult(
        "c5", at(1, 12), "Cllr Smith is a useless muppet.", "Kath Ormerod", post=LIGHTS_POST
    )
    c6 = _comment(
        "c6",
        at(2, 8),
        f"The lights are a waste of money and Cllr Smith is a muppet, ring him on {PHONE}.",
        "@lights_hater",
        post=LIGHTS_POST,
    )
    start = c6.text.index(PHONE)
    v6 = _verdict(
        c6,
        Action.HIDE,
        (
            Finding(Category.HARASSMENT, 0.8, "model"),
            Finding(
                Category.PERSONAL_DATA,
                0.95,
                "personal_data",
                (Evidence("personal_data", "phone number", PHONE, start, start + len(PHONE)),),
            ),
        ),
        below=(Finding(Category.CRITICISM, 0.7, "model"),),
    )
    caddy = CommsNote(
        "misinformation", fact_id="fr-caddy", official_line=CADDY_LINE, link=CADDY_LINK
    )
    c7 = _comment(
        "c7",
        at(2, 20),
        "They fine you £80 if you don't use the caddy.",
        "Rumour Rita",
        platform=Platform.INSTAGRAM,
    )
    v7 = _verdict(
        c7, Action.HIDE, (Finding(Category.MISINFORMATION, 0.9, "facts"),), comms=(caddy,)
    )
    c8 = _comment(
        "c8",
        at(3, 9),
        "Heard the caddies have chips to fine you.",
        "@herald_reader",
        platform=Platform.NEWS_COMMENT,
        surface=Surface.MENTION,
    )
    v8 = _verdict(
        c8, Action.COMMS, (Finding(Category.MISINFORMATION, 0.85, "facts"),), comms=(caddy,)
    )
    c9 = _comment("c9", at(3, 10), "Is it true the tip is closing?", "Nosy Neil")
    v9 = _verdict(c9, Action.COMMS, comms=(CommsNote("rumour question", fact_id="fr-tip"),))
    c10 = _comment(
        "c10",
        at(4, 18),
        "Open the sluice again and I'll burn the depot down.",
        "@floodwatch_fred",
        platform=Platform.YOUTUBE,
    )
    v10 = _verdict(
        c10, Action.ESCALATE, (Finding(Category.THREAT, 0.9, "model"),), referral=REFERRAL
    )
    c11 = _comment(
        "c11", at(5, 11), f"Ring me on {PHONE}, the bin service is useless.", "Pat Cavendish"
    )
    start11 = c11.text.index(PHONE)
    v11 = _verdict(
        c11,
        Action.HIDE,
        (
            Finding(
                Category.PERSONAL_DATA,
                0.95,
                "personal_data",
                (Evidence("personal_data", "phone number", PHONE, start11, start11 + len(PHONE)),),
            ),
        ),
        below=(Finding(Category.CRITICISM, 0.4, "model"),),
    )
    c12 = _comment(
        "c12",
        at(6, 23, 59, 59),
        "@sx_vigilante you are wrong, Paula Dransfield was right about the crews.",
        "Tom Hebden",
        post=FOOD_WASTE_POST,
    )
    c14, v14 = _insult(
        "c14", at(5, 15), "You lot are scum and I know where you park.", "Gerry Gorton"
    )
    return [
        Seeded(c1, _verdict(c1, Action.ALLOW)),
        Seeded(c2, v2, decisions=[(Route.COMMS, DecisionKind.DONE, 120)]),
        Seeded(c3, v3),
        Seeded(c4, v4, decisions=[(Route.COMMS, DecisionKind.DONE, 30)]),
        Seeded(c5, v5, PlatformState.HIDDEN, 1, [(Route.REVIEW, DecisionKind.CONFIRM, 120)]),
        Seeded(c6, v6, PlatformState.HIDDEN, 2, [(Route.REVIEW, DecisionKind.RESTORE, 60)]),
        Seeded(
            c7,
            v7,
            PlatformState.HIDDEN,
            10,
            [(Route.REVIEW, DecisionKind.CONFIRM, 720), (Route.COMMS, DecisionKind.DONE, 780)],
        ),
        Seeded(c8, v8, PlatformState.NOT_HIDEABLE),
        Seeded(c9, v9, decisions=[(Route.COMMS, DecisionKind.DONE, 360)]),
        Seeded(
            c10, v10, PlatformState.HIDDEN, 0.5, [(Route.ESCALATIONS, DecisionKind.CONFIRM, 30)]
        ),
        Seeded(
            c11, v11, PlatformState.NOT_CONNECTED, None, [(Route.REVIEW, DecisionKind.CONFIRM, 120)]
        ),
        Seeded(c12, _verdict(c12, Action.ALLOW)),
        Seeded(c14, v14, PlatformState.HIDDEN, 1, [(Route.REVIEW, DecisionKind.ESCALATE, 60)]),
    ]


def other_weeks() -> list[Seeded]:
    p1 = _comment(
        "p1", at(0, 10, monday=LAST_MONDAY), "Great to see the market back.", "@sx_vigilante"
    )
    p2, v2 = _complaint(
        "p2",
        at(1, 10, monday=LAST_MONDAY),
        "Bins missed on Hill Street.",
        "Lyn Parsons",
        "waste",
        "Hill Street",
    )
    p3, v3 = _insult(
        "p3",
        at(2, 10, monday=LAST_MONDAY),
        "The leader is a clown.",
        "Mo Akhtar",
        platform=Platform.X,
    )
    p4, v4 = _insult("p4", at(3, 10, monday=LAST_MONDAY), "Shut up you idiot.", "Viv Ashdown")
    p5 = _comment(
        "p5",
        at(4, 10, monday=LAST_MONDAY),
        "The caddies weigh your food, it's a tax.",
        "Rumour Rita",
        platform=Platform.NEXTDOOR,
        surface=Surface.MENTION,
    )
    caddy = CommsNote("misinformation", fact_id="fr-caddy", official_line=CADDY_LINE)
    v5 = _verdict(
        p5, Action.COMMS, (Finding(Category.MISINFORMATION, 0.85, "facts"),), comms=(caddy,)
    )
    q1 = _comment("q1", at(2, 10, monday=MONDAY - timedelta(weeks=2)), "Lovely park.", "Early Ed")
    n1 = _comment("n1", at(7, 0), "First comment of the next week.", "Next Week Nora")
    return [
        Seeded(p1, _verdict(p1, Action.ALLOW)),
        Seeded(p2, v2),
        Seeded(p3, v3, PlatformState.HIDDEN, 1, [(Route.REVIEW, DecisionKind.RESTORE, 90)]),
        Seeded(p4, v4, PlatformState.HIDDEN, 1, [(Route.REVIEW, DecisionKind.CONFIRM, 90)]),
        Seeded(p5, v5, PlatformState.NOT_HIDEABLE),
        Seeded(q1, _verdict(q1, Action.ALLOW)),
        Seeded(n1, _verdict(n1, Action.ALLOW)),
    ]


def seed(store: Store) -> None:
    """Store the fortnight, make its decisions through the real decision code, and record
    the week's two alerts."""
    world = this_week() + other_weeks()
    store.save([s.processed() for s in world])
    moderators = {p: InMemoryModerator() for p in Platform}
    for s in world:
        for queue, kind, minutes in s.decisions:
            items = [r.item for r in store.items_for(s.comment.key) if r.item.queue is queue]
            assert items, (s.comment.key, queue)
            when = s.comment.created_at + timedelta(minutes=minutes)
            decision = Decision(items[0].item_id, kind, OFFICER, "checked", when)
            apply_decision(decision, store, moderators, FixedClock(when))
    store.append_audit(
        AuditEvent(
            at(0, 9, 20),
            "houserules",
            "service_spike",
            "facebook:c3",
            "spike: 10 complaints about waste between 2026-11-16 09:00 and 09:15 UTC",
        )
    )
    store.append_audit(
        AuditEvent(
            at(3, 12),
            "houserules",
            "repeated_abuse",
            "facebook:c5",
            "repeated abuse: 3 hidden comments from facebook:Kath Ormerod between 2026-11-18 "
            "00:00 and 2026-11-19 00:00 UTC",
        )
    )


# What a person counts in the world above.
EXPECTED: dict[str, Any] = {
    "comments": 13,
    "last_week": 5,
    "by_platform": {
        "facebook": (9, 3),
        "x": (1, 1),
        "instagram": (1, 0),
        "news_comment": (1, 0),
        "youtube": (1, 0),
        "nextdoor": (0, 1),
    },
    "by_surface": {"own_page": (12, 4), "mention": (1, 1)},
    "trend": {"2026-W45": 1, "2026-W46": 5, "2026-W47": 13},
    "voices": (12, 5),
    "complaints": {"total": 3, "last_week": 1, "waste": (2, 1), "website and payments": (1, 0)},
    "places": [("waste", "Elm Road", 2)],
    "alerts": 1,
    "repeated_abuse_alerts": 1,
    "misinformation": {
        "total": 3,
        "last_week": 1,
        "fr-caddy": {
            "claims": 2,
            "questions": 0,
            "hidden": 1,
            "in_mentions": 1,
            "answered": 1,
            "unanswered": 1,
            "last_week": 1,
        },
        "fr-tip": {
            "claims": 0,
            "questions": 1,
            "hidden": 0,
            "in_mentions": 0,
            "answered": 1,
            "unanswered": 0,
            "last_week": 0,
        },
    },
    "judged_to_hide": 6,
    "confirmed": 4,
    "restored": 1,
    "undecided": 1,
    "over_moderation": 0.2,
    "over_moderation_last_week": 0.5,
    "by_rule": {
        "harassment": {
            "judged": 3,
            "hidden": 3,
            "not_hidden": 0,
            "confirmed": 1,
            "restored": 1,
            "undecided": 1,
        },
        "threat": {
            "judged": 1,
            "hidden": 1,
            "not_hidden": 0,
            "confirmed": 1,
            "restored": 0,
            "undecided": 0,
        },
        "misinformation": {
            "judged": 1,
            "hidden": 1,
            "not_hidden": 0,
            "confirmed": 1,
            "restored": 0,
            "undecided": 0,
        },
        "personal_data": {
            "judged": 2,
            "hidden": 2,
            "not_hidden": 0,
            "confirmed": 1,
            "restored": 1,
            "undecided": 0,
        },
    },
    # minutes: [0.5, 1, 1, 2, 10, 120] / [30, 60, 60, 120, 120, 720] / [30, 120, 360, 780]
    "time_to_hide": (6, 1.5, 120.0),
    "time_to_review": (6, 90.0, 720.0),
    "comms": {"items": 6, "answered": 4, "response": (4, 240.0, 780.0)},
    "escalations": {
        "total": 2,
        "by_classifier": 1,
        "by_people": 1,
        "confirmed": 1,
        "restored": 0,
        "undecided": 1,
    },
    "fairness": 1,
    "top_posts": [(FOOD_WASTE_POST, 4), (LIGHTS_POST, 2)],
}


def assert_counts_by_hand(report: Any) -> None:
    """Every figure of `report` (a reports.data.WeeklyReport) equals the hand count."""
    e = EXPECTED
    assert report.week == WEEK
    assert report.comments == e["comments"]
    v = report.volume
    assert (v.total, v.last_week) == (e["comments"], e["last_week"])
    assert {c.name: (c.this_week, c.last_week) for c in v.by_platform} == e["by_platform"]
    assert {c.name: (c.this_week, c.last_week) for c in v.by_surface} == e["by_surface"]
    trend = {w.week: w.total for w in v.trend}
    assert len(trend) == 8 and {k: n for k, n in trend.items() if n} == e["trend"]
    assert (v.voices, v.voices_last_week) == e["voices"]
    assert [n for _, n in v.daily] == [3, 2, 2, 2, 1, 2, 1]

    c = report.complaints
    assert (c.total, c.last_week) == (e["complaints"]["total"], e["complaints"]["last_week"])
    assert {r.name: (r.this_week, r.last_week) for r in c.by_service} == {
        k: v for k, v in e["complaints"].items() if isinstance(v, tuple)
    }
    assert [(p.service, p.place, p.comments) for p in c.by_place] == e["places"]
    assert (c.alerts, c.repeated_abuse_alerts) == (e["alerts"], e["repeated_abuse_alerts"])
    assert [(s.service, s.complaints, s.alerted) for s in c.spikes] == [("waste", 10, True)]

    m = report.misinformation
    assert (m.total, m.last_week) == (
        e["misinformation"]["total"],
        e["misinformation"]["last_week"],
    )
    assert [x.fact_id for x in m.entries] == ["fr-caddy", "fr-tip"]
    for entry in m.entries:
        wanted = e["misinformation"][entry.fact_id]
        assert {k: getattr(entry, k) for k in wanted} == wanted, entry.fact_id
    caddy = m.entries[0]
    assert (caddy.topic, caddy.official_line, caddy.link) == (
        FACT_TOPICS["fr-caddy"],
        CADDY_LINE,
        CADDY_LINK,
    )

    mod = report.moderation
    assert (mod.judged_to_hide, mod.confirmed, mod.restored, mod.undecided) == (
        e["judged_to_hide"],
        e["confirmed"],
        e["restored"],
        e["undecided"],
    )
    assert (mod.over_moderation, mod.over_moderation_last_week) == (
        e["over_moderation"],
        e["over_moderation_last_week"],
    )
    rows = {
        r.category: {
            k: getattr(r, k)
            for k in ("judged", "hidden", "not_hidden", "confirmed", "restored", "undecided")
        }
        for r in mod.by_rule
    }
    assert rows == e["by_rule"]
    for name in ("time_to_hide", "time_to_review"):
        t = getattr(mod, name)
        assert (t.count, t.median_minutes, t.p90_minutes) == e[name], name
    t = mod.comms_response
    assert (mod.comms_items, mod.comms_answered) == (e["comms"]["items"], e["comms"]["answered"])
    assert (t.count, t.median_minutes, t.p90_minutes) == e["comms"]["response"]
    esc = mod.escalations
    assert {k: getattr(esc, k) for k in e["escalations"]} == e["escalations"]
    assert esc.by_referral == (("threat", REFERRAL, 1),)
    assert len(mod.fairness) == e["fairness"]
    fair = mod.fairness[0]
    assert fair.hidden_for == ("harassment", "personal_data")
    assert (fair.criticism_score, fair.outcome, fair.state) == (0.7, "restored", "restored")
    assert PHONE not in fair.text and "[personal data removed]" in fair.text

    assert [(p.title, p.comments) for p in report.posts[:2]] == e["top_posts"]
    assert report.tone.this_week.read == report.tone.this_week.of == e["comments"]
    t = report.tone.this_week
    assert t.negative + t.neutral + t.positive == e["comments"]
    assert report.tone.last_week.read == e["last_week"]
