"""Every chart and the four dashboards, as a table. Kibana's saved objects, the review app's
Dashboards pages and the weekly report all read their charts from here.

Each panel is one row of `PANELS`: the dashboard it is on, its name (the Kibana object's id
and the page's anchor: keep it stable), its title, the question it answers, the records it
counts, the conditions they meet, how they are grouped (or listed), what is measured, and
how it is drawn. The conditions, groups and measures several panels share are named once
below, so a row reads as a sentence. `_chart` makes a row into a `Chart`; the dashboards
show their rows' charts in the order of the table.
"""

from __future__ import annotations

from dashboards import model
from dashboards.model import (
    AgeBand,
    Average,
    ByAge,
    ByDay,
    ByKind,
    ByValue,
    Chart,
    Count,
    CountWhere,
    Dashboard,
    InLastDays,
    Is,
    IsNot,
    Kind,
    Listing,
    Percent,
    Plot,
    Present,
    Source,
)

HIDING_ACTIONS = ("hide", "escalate")
DECISION_QUEUES = ("review", "escalations")
DECIDED = ("confirmed", "restored")
CRITICAL = ("criticism", "service_complaint")
RECENT_DAYS = 30
LONG_DAYS = 90

COMMENTS, QUEUE, AUDIT = Source.COMMENTS, Source.QUEUE, Source.AUDIT

# Conditions ---------------------------------------------------------------------------

HIDDEN = Is("action", HIDING_ACTIONS)
LEFT_UP = IsNot("action", HIDING_ACTIONS)
OPEN = Is("status", ("open",))
IN_DECISION_QUEUES = Is("queue", DECISION_QUEUES)
IN_COMMS_QUEUE = Is("queue", ("comms",))
COMPLAINT = Is("categories", ("service_complaint",))
POSTED_RECENTLY = InLastDays("created_at", RECENT_DAYS)
ITEM_POSTED_RECENTLY = InLastDays("comment_created_at", RECENT_DAYS)

# Groups -------------------------------------------------------------------------------

DAY_POSTED = ByDay("created_at")
DAY_ITEM_POSTED = ByDay("comment_created_at")
BY_RULE = ByValue("categories", "rule", "House rule")
BY_MODEL = ByValue("classifier_version", "model", "Model version")
BY_STATUS = ByValue("status", "status", "Status")
BY_SERVICE = ByValue("services", "service", "Service")
BY_PLATFORM = ByValue("platform", "platform", "Platform")
BY_AGE = ByAge(
    "comment_created_at",
    "age",
    "Posted",
    (
        AgeBand("under 1 hour", None, 1),
        AgeBand("1 to 4 hours", 1, 4),
        AgeBand("4 to 24 hours", 4, 24),
        AgeBand("over a day", 24, None),
    ),
)
BY_TONE = ByKind(
    "tone",
    "Tone",
    (
        Kind("hostile", (HIDDEN,)),
        Kind("critical", (LEFT_UP, Is("categories", CRITICAL))),
        Kind("neither", (LEFT_UP, IsNot("categories", CRITICAL))),
    ),
)
OLDEST_WAITING = Listing(
    sort_field="comment_created_at",
    size=10,
    columns=(
        ("item_id", "item", "Item"),
        ("queue", "queue", "Queue"),
        ("platform", "platform", "Platform"),
        ("categories", "rules", "House rules"),
        ("comment_key", "comment", "Comment"),
        ("comment_created_at", "posted", "Posted (UTC)"),
    ),
    waiting_since="posted",
)

# Measures -----------------------------------------------------------------------------

COMMENTS_COUNTED = (Count("comments", "Comments"),)
COMPLAINTS_COUNTED = (Count("comments", "Complaints"),)
DECISIONS = (
    Count("decided", "Hides decided"),
    CountWhere("restored", "Restored", Is("status", ("restored",))),
    Percent("restored_percent", "Restored (%)", part="restored", whole="decided"),
)
HIDES_TIMED = (
    Count("hidden", "Comments hidden"),
    Average("hide_seconds", "minutes", "Average minutes to hide", scale=1 / 60),
)
REVIEWS_TIMED = (
    Count("decided", "Items decided"),
    Average("review_seconds", "hours", "Average hours to a decision", scale=1 / 3600),
)

# The panels ---------------------------------------------------------------------------

PanelRow = tuple[
    str,  # dashboard
    str,  # name
    str,  # title
    str,  # question
    Source,
    tuple[model.Condition, ...],  # where
    tuple[model.Group, ...] | Listing,  # groups, or the records listed
    tuple[model.Measure, ...],
    Plot,
]

_HIDDEN_TIMED = (Present("hide_seconds"), InLastDays("created_at", LONG_DAYS))
_REVIEW_TIMED = (
    IN_DECISION_QUEUES,
    Present("review_seconds"),
    InLastDays("comment_created_at", LONG_DAYS),
)

PANELS: tuple[PanelRow, ...] = (
    (
        "triage",
        "open_items_by_age",
        "Open items by queue and age",
        "How much is waiting in each queue, and how long since those comments were posted?",
        QUEUE,
        (OPEN,),
        (ByValue("queue", "queue", "Queue"), BY_AGE),
        (Count("items", "Open items"),),
        Plot(x="queue", y="items", colour="age"),
    ),
    (
        "triage",
        "oldest_unreviewed",
        "Oldest items waiting for a decision",
        "Which hidden or escalated comments have waited longest for a person?",
        QUEUE,
        (OPEN, IN_DECISION_QUEUES),
        OLDEST_WAITING,
        (),
        Plot(x="hours_waiting", y="item", horizontal=True, link="item"),
    ),
    (
        "triage",
        "escalations_by_day",
        "Escalations in the last 14 days",
        "How many comments were escalated (threats, safeguarding, legal) each day, "
        "and are any still open?",
        QUEUE,
        (Is("queue", ("escalations",)), InLastDays("comment_created_at", 14)),
        (DAY_ITEM_POSTED, BY_STATUS),
        (Count("items", "Escalations"),),
        Plot(x="day", y="items", colour="status"),
    ),
    (
        "triage",
        "hides_by_rule",
        "Hides by house rule, last 30 days",
        "Which house rules are hiding comments, and is any rising?",
        COMMENTS,
        (HIDDEN, POSTED_RECENTLY),
        (DAY_POSTED, BY_RULE),
        (Count("comments", "Comments hidden"),),
        Plot(x="day", y="comments", colour="rule"),
    ),
    (
        "comms",
        "complaints_by_service",
        "Service complaints by service, last 30 days",
        "Which services are people complaining about, day by day?",
        COMMENTS,
        (COMPLAINT, POSTED_RECENTLY),
        (DAY_POSTED, BY_SERVICE),
        COMPLAINTS_COUNTED,
        Plot(x="day", y="comments", colour="service"),
    ),
    (
        "comms",
        "spike_alerts",
        "Complaint spike alerts, last 30 days",
        "On which days did complaints about one service spike enough to alert the team?",
        AUDIT,
        (Is("event", ("service_spike",)), InLastDays("at", RECENT_DAYS)),
        (ByDay("at"),),
        (Count("alerts", "Spike alerts"),),
        Plot(x="day", y="alerts"),
    ),
    (
        "comms",
        "complaints_by_place",
        "Where complaints are about, last 30 days",
        "Which streets, estates and buildings do complaints name, and about what?",
        COMMENTS,
        (COMPLAINT, Present("places"), POSTED_RECENTLY),
        (ByValue("places", "place", "Place", size=15), BY_SERVICE),
        COMPLAINTS_COUNTED,
        Plot(x="comments", y="place", colour="service", horizontal=True),
    ),
    (
        "comms",
        "misinformation_by_fact",
        "Misinformation by fact-register entry, last 30 days",
        "Which false claims are going round, and how many were hidden?",
        COMMENTS,
        (Present("fact_ids"), POSTED_RECENTLY),
        (ByValue("fact_ids", "fact", "Fact-register entry", size=20),),
        (*COMMENTS_COUNTED, CountWhere("hidden", "Hidden", HIDDEN)),
        Plot(x="comments", y="fact", horizontal=True),
    ),
    (
        "comms",
        "comms_answered",
        "Comms items answered, last 30 days",
        "How many complaints and claims reached the comms team each day, and how many "
        "are answered?",
        QUEUE,
        (IN_COMMS_QUEUE, ITEM_POSTED_RECENTLY),
        (DAY_ITEM_POSTED, BY_STATUS),
        (Count("items", "Comms items"),),
        Plot(x="day", y="items", colour="status"),
    ),
    (
        "comms",
        "comms_response_time",
        "Comms response time, last 30 days",
        "How long after posting were comms items answered, on average?",
        QUEUE,
        (IN_COMMS_QUEUE, Is("status", ("done",)), Present("review_seconds"), ITEM_POSTED_RECENTLY),
        (DAY_ITEM_POSTED,),
        (
            Count("answered", "Answered"),
            Average("review_seconds", "hours", "Average hours to answer", scale=1 / 3600),
        ),
        Plot(mark="line", x="day", y="hours"),
    ),
    (
        "reputation",
        "volume_by_platform",
        "Comments by platform and surface, last 30 days",
        "Where are people talking: on the council's own pages or mentioning it elsewhere?",
        COMMENTS,
        (POSTED_RECENTLY,),
        (BY_PLATFORM, ByValue("surface", "surface", "Surface")),
        COMMENTS_COUNTED,
        Plot(x="platform", y="comments", colour="surface"),
    ),
    (
        "reputation",
        "tone_by_day",
        "Tone by day, last 30 days",
        "What share of comments each day were hostile (hidden by a rule), critical "
        "(criticism or complaints, left up) or neither?",
        COMMENTS,
        (POSTED_RECENTLY,),
        (DAY_POSTED, BY_TONE),
        COMMENTS_COUNTED,
        Plot(x="day", y="comments", colour="tone", stack="normalize"),
    ),
    (
        "reputation",
        "most_discussed_posts",
        "Most discussed posts, last 30 days",
        "Which of the council's posts drew the most comments?",
        COMMENTS,
        (IsNot("post_id", ("",)), Present("post_id"), POSTED_RECENTLY),
        (ByValue("post_id", "post", "Post", size=10), BY_PLATFORM),
        COMMENTS_COUNTED,
        Plot(x="comments", y="post", colour="platform", horizontal=True),
    ),
    (
        "accountability",
        "restores_by_rule",
        "Hides restored by a person, by house rule",
        "Of the hides a person has decided, what share did they restore (over-moderation)?",
        QUEUE,
        (IN_DECISION_QUEUES, Is("status", DECIDED)),
        (BY_RULE,),
        DECISIONS,
        Plot(x="rule", y="restored_percent"),
    ),
    (
        "accountability",
        "restores_by_model",
        "Hides restored by a person, by model version",
        "Did a new model version hide more comments that people then restored?",
        QUEUE,
        (IN_DECISION_QUEUES, Is("status", DECIDED)),
        (BY_MODEL,),
        DECISIONS,
        Plot(x="model", y="restored_percent"),
    ),
    (
        "accountability",
        "time_to_hide_by_rule",
        "Time to hide by house rule, last 90 days",
        "How long were comments up before they were hidden, rule by rule?",
        COMMENTS,
        _HIDDEN_TIMED,
        (BY_RULE,),
        HIDES_TIMED,
        Plot(x="rule", y="minutes"),
    ),
    (
        "accountability",
        "time_to_hide_by_model",
        "Time to hide by model version, last 90 days",
        "Did a model version change how fast comments were hidden?",
        COMMENTS,
        _HIDDEN_TIMED,
        (BY_MODEL,),
        HIDES_TIMED,
        Plot(x="model", y="minutes"),
    ),
    (
        "accountability",
        "time_to_review_by_rule",
        "Time to review by house rule, last 90 days",
        "How long after posting did a person decide on a hidden or escalated comment?",
        QUEUE,
        _REVIEW_TIMED,
        (BY_RULE,),
        REVIEWS_TIMED,
        Plot(x="rule", y="hours"),
    ),
    (
        "accountability",
        "time_to_review_by_model",
        "Time to review by model version, last 90 days",
        "Are a model version's hides taking people longer to decide?",
        QUEUE,
        _REVIEW_TIMED,
        (BY_MODEL,),
        REVIEWS_TIMED,
        Plot(x="model", y="hours"),
    ),
)

# name, title, purpose
BOARDS: tuple[tuple[str, str, str], ...] = (
    (
        "triage",
        "Triage",
        "What is waiting for a person, how old it is, and what the rules are hiding.",
    ),
    (
        "comms",
        "Comms",
        "Service complaints and misinformation for the comms team, and how fast they are answered.",
    ),
    (
        "reputation",
        "Reputation",
        "How much people say about the council, where, in what tone, and about which posts.",
    ),
    (
        "accountability",
        "Accountability",
        "The house rules at work: what was hidden under which rule, how often a person "
        "restored it, and how fast, by rule and by model version.",
    ),
)


def _chart(row: PanelRow) -> Chart:
    """One row of the table as the chart every store and drawing reads."""
    _, name, title, question, source, where, grouping, measures, plot = row
    if isinstance(grouping, Listing):
        return Chart(name, title, question, source, plot, where, listing=grouping)
    return Chart(name, title, question, source, plot, where, grouping, measures)


def _dashboards() -> tuple[Dashboard, ...]:
    charts = [(row[0], _chart(row)) for row in PANELS]
    unknown = {board for board, _ in charts} - {name for name, _, _ in BOARDS}
    if unknown:
        raise ValueError(f"panels on dashboards that do not exist: {sorted(unknown)}")
    return tuple(
        Dashboard(name, title, purpose, tuple(c for board, c in charts if board == name))
        for name, title, purpose in BOARDS
    )


DASHBOARDS: tuple[Dashboard, ...] = _dashboards()
CHARTS: dict[str, Chart] = {c.name: c for d in DASHBOARDS for c in d.charts}
if len(CHARTS) != len(PANELS):
    raise ValueError("two panels share a name")


def dashboard(name: str) -> Dashboard | None:
    return next((d for d in DASHBOARDS if d.name == name), None)
