"""Every chart and the four dashboards, as data. Kibana's saved objects, the review app's
Dashboards pages and the weekly report all read their charts from here."""

from __future__ import annotations

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

# Triage -------------------------------------------------------------------------------

OPEN_ITEMS_BY_AGE = Chart(
    name="open_items_by_age",
    title="Open items by queue and age",
    question="How much is waiting in each queue, and how long since those comments were posted?",
    source=Source.QUEUE,
    where=(Is("status", ("open",)),),
    groups=(
        ByValue("queue", "queue", "Queue"),
        ByAge(
            "comment_created_at",
            "age",
            "Posted",
            (
                AgeBand("under 1 hour", None, 1),
                AgeBand("1 to 4 hours", 1, 4),
                AgeBand("4 to 24 hours", 4, 24),
                AgeBand("over a day", 24, None),
            ),
        ),
    ),
    measures=(Count("items", "Open items"),),
    plot=Plot(x="queue", y="items", colour="age"),
)

ESCALATIONS_BY_DAY = Chart(
    name="escalations_by_day",
    title="Escalations in the last 14 days",
    question="How many comments were escalated (threats, safeguarding, legal) each day, "
    "and are any still open?",
    source=Source.QUEUE,
    where=(Is("queue", ("escalations",)), InLastDays("comment_created_at", 14)),
    groups=(ByDay("comment_created_at"), ByValue("status", "status", "Status")),
    measures=(Count("items", "Escalations"),),
    plot=Plot(x="day", y="items", colour="status"),
)

HIDES_BY_RULE = Chart(
    name="hides_by_rule",
    title="Hides by house rule, last 30 days",
    question="Which house rules are hiding comments, and is any rising?",
    source=Source.COMMENTS,
    where=(Is("action", HIDING_ACTIONS), InLastDays("created_at", RECENT_DAYS)),
    groups=(ByDay("created_at"), ByValue("categories", "rule", "House rule")),
    measures=(Count("comments", "Comments hidden"),),
    plot=Plot(x="day", y="comments", colour="rule"),
)

OLDEST_UNREVIEWED = Chart(
    name="oldest_unreviewed",
    title="Oldest items waiting for a decision",
    question="Which hidden or escalated comments have waited longest for a person?",
    source=Source.QUEUE,
    where=(Is("status", ("open",)), Is("queue", DECISION_QUEUES)),
    listing=Listing(
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
    ),
    plot=Plot(x="hours_waiting", y="item", horizontal=True, link="item"),
)

# Comms --------------------------------------------------------------------------------

COMPLAINTS_BY_SERVICE = Chart(
    name="complaints_by_service",
    title="Service complaints by service, last 30 days",
    question="Which services are people complaining about, day by day?",
    source=Source.COMMENTS,
    where=(Is("categories", ("service_complaint",)), InLastDays("created_at", RECENT_DAYS)),
    groups=(ByDay("created_at"), ByValue("services", "service", "Service")),
    measures=(Count("comments", "Complaints"),),
    plot=Plot(x="day", y="comments", colour="service"),
)

COMPLAINTS_BY_PLACE = Chart(
    name="complaints_by_place",
    title="Where complaints are about, last 30 days",
    question="Which streets, estates and buildings do complaints name, and about what?",
    source=Source.COMMENTS,
    where=(
        Is("categories", ("service_complaint",)),
        Present("places"),
        InLastDays("created_at", RECENT_DAYS),
    ),
    groups=(
        ByValue("places", "place", "Place", size=15),
        ByValue("services", "service", "Service"),
    ),
    measures=(Count("comments", "Complaints"),),
    plot=Plot(x="comments", y="place", colour="service", horizontal=True),
)

SPIKE_ALERTS = Chart(
    name="spike_alerts",
    title="Complaint spike alerts, last 30 days",
    question="On which days did complaints about one service spike enough to alert the team?",
    source=Source.AUDIT,
    where=(Is("event", ("service_spike",)), InLastDays("at", RECENT_DAYS)),
    groups=(ByDay("at"),),
    measures=(Count("alerts", "Spike alerts"),),
    plot=Plot(x="day", y="alerts"),
)

MISINFORMATION_BY_FACT = Chart(
    name="misinformation_by_fact",
    title="Misinformation by fact-register entry, last 30 days",
    question="Which false claims are going round, and how many were hidden?",
    source=Source.COMMENTS,
    where=(Present("fact_ids"), InLastDays("created_at", RECENT_DAYS)),
    groups=(ByValue("fact_ids", "fact", "Fact-register entry", size=20),),
    measures=(
        Count("comments", "Comments"),
        CountWhere("hidden", "Hidden", Is("action", HIDING_ACTIONS)),
    ),
    plot=Plot(x="comments", y="fact", horizontal=True),
)

COMMS_ANSWERED = Chart(
    name="comms_answered",
    title="Comms items answered, last 30 days",
    question="How many complaints and claims reached the comms team each day, and how many "
    "are answered?",
    source=Source.QUEUE,
    where=(Is("queue", ("comms",)), InLastDays("comment_created_at", RECENT_DAYS)),
    groups=(ByDay("comment_created_at"), ByValue("status", "status", "Status")),
    measures=(Count("items", "Comms items"),),
    plot=Plot(x="day", y="items", colour="status"),
)

COMMS_RESPONSE_TIME = Chart(
    name="comms_response_time",
    title="Comms response time, last 30 days",
    question="How long after posting were comms items answered, on average?",
    source=Source.QUEUE,
    where=(
        Is("queue", ("comms",)),
        Is("status", ("done",)),
        Present("review_seconds"),
        InLastDays("comment_created_at", RECENT_DAYS),
    ),
    groups=(ByDay("comment_created_at"),),
    measures=(
        Count("answered", "Answered"),
        Average("review_seconds", "hours", "Average hours to answer", scale=1 / 3600),
    ),
    plot=Plot(mark="line", x="day", y="hours"),
)

# Reputation ---------------------------------------------------------------------------

VOLUME_BY_PLATFORM = Chart(
    name="volume_by_platform",
    title="Comments by platform and surface, last 30 days",
    question="Where are people talking: on the council's own pages or mentioning it elsewhere?",
    source=Source.COMMENTS,
    where=(InLastDays("created_at", RECENT_DAYS),),
    groups=(ByValue("platform", "platform", "Platform"), ByValue("surface", "surface", "Surface")),
    measures=(Count("comments", "Comments"),),
    plot=Plot(x="platform", y="comments", colour="surface"),
)

TONE_BY_DAY = Chart(
    name="tone_by_day",
    title="Tone by day, last 30 days",
    question="What share of comments each day were hostile (hidden by a rule), critical "
    "(criticism or complaints, left up) or neither?",
    source=Source.COMMENTS,
    where=(InLastDays("created_at", RECENT_DAYS),),
    groups=(
        ByDay("created_at"),
        ByKind(
            "tone",
            "Tone",
            (
                Kind("hostile", (Is("action", HIDING_ACTIONS),)),
                Kind("critical", (IsNot("action", HIDING_ACTIONS), Is("categories", CRITICAL))),
                Kind("neither", (IsNot("action", HIDING_ACTIONS), IsNot("categories", CRITICAL))),
            ),
        ),
    ),
    measures=(Count("comments", "Comments"),),
    plot=Plot(x="day", y="comments", colour="tone", stack="normalize"),
)

MOST_DISCUSSED_POSTS = Chart(
    name="most_discussed_posts",
    title="Most discussed posts, last 30 days",
    question="Which of the council's posts drew the most comments?",
    source=Source.COMMENTS,
    where=(IsNot("post_id", ("",)), Present("post_id"), InLastDays("created_at", RECENT_DAYS)),
    groups=(
        ByValue("post_id", "post", "Post", size=10),
        ByValue("platform", "platform", "Platform"),
    ),
    measures=(Count("comments", "Comments"),),
    plot=Plot(x="comments", y="post", colour="platform", horizontal=True),
)

# Accountability -----------------------------------------------------------------------

_DECISIONS_WHERE = (Is("queue", DECISION_QUEUES), Is("status", DECIDED))
_DECISION_MEASURES = (
    Count("decided", "Hides decided"),
    CountWhere("restored", "Restored", Is("status", ("restored",))),
    Percent("restored_percent", "Restored (%)", part="restored", whole="decided"),
)

RESTORES_BY_RULE = Chart(
    name="restores_by_rule",
    title="Hides restored by a person, by house rule",
    question="Of the hides a person has decided, what share did they restore (over-moderation)?",
    source=Source.QUEUE,
    where=_DECISIONS_WHERE,
    groups=(ByValue("categories", "rule", "House rule"),),
    measures=_DECISION_MEASURES,
    plot=Plot(x="rule", y="restored_percent"),
)

RESTORES_BY_MODEL = Chart(
    name="restores_by_model",
    title="Hides restored by a person, by model version",
    question="Did a new model version hide more comments that people then restored?",
    source=Source.QUEUE,
    where=_DECISIONS_WHERE,
    groups=(ByValue("classifier_version", "model", "Model version"),),
    measures=_DECISION_MEASURES,
    plot=Plot(x="model", y="restored_percent"),
)

_HIDDEN_WHERE = (Present("hide_seconds"), InLastDays("created_at", 90))
_HIDE_MEASURES = (
    Count("hidden", "Comments hidden"),
    Average("hide_seconds", "minutes", "Average minutes to hide", scale=1 / 60),
)

TIME_TO_HIDE_BY_RULE = Chart(
    name="time_to_hide_by_rule",
    title="Time to hide by house rule, last 90 days",
    question="How long were comments up before they were hidden, rule by rule?",
    source=Source.COMMENTS,
    where=_HIDDEN_WHERE,
    groups=(ByValue("categories", "rule", "House rule"),),
    measures=_HIDE_MEASURES,
    plot=Plot(x="rule", y="minutes"),
)

TIME_TO_HIDE_BY_MODEL = Chart(
    name="time_to_hide_by_model",
    title="Time to hide by model version, last 90 days",
    question="Did a model version change how fast comments were hidden?",
    source=Source.COMMENTS,
    where=_HIDDEN_WHERE,
    groups=(ByValue("classifier_version", "model", "Model version"),),
    measures=_HIDE_MEASURES,
    plot=Plot(x="model", y="minutes"),
)

_REVIEWED_WHERE = (
    Is("queue", DECISION_QUEUES),
    Present("review_seconds"),
    InLastDays("comment_created_at", 90),
)
_REVIEW_MEASURES = (
    Count("decided", "Items decided"),
    Average("review_seconds", "hours", "Average hours to a decision", scale=1 / 3600),
)

TIME_TO_REVIEW_BY_RULE = Chart(
    name="time_to_review_by_rule",
    title="Time to review by house rule, last 90 days",
    question="How long after posting did a person decide on a hidden or escalated comment?",
    source=Source.QUEUE,
    where=_REVIEWED_WHERE,
    groups=(ByValue("categories", "rule", "House rule"),),
    measures=_REVIEW_MEASURES,
    plot=Plot(x="rule", y="hours"),
)

TIME_TO_REVIEW_BY_MODEL = Chart(
    name="time_to_review_by_model",
    title="Time to review by model version, last 90 days",
    question="Are a model version's hides taking people longer to decide?",
    source=Source.QUEUE,
    where=_REVIEWED_WHERE,
    groups=(ByValue("classifier_version", "model", "Model version"),),
    measures=_REVIEW_MEASURES,
    plot=Plot(x="model", y="hours"),
)

DASHBOARDS: tuple[Dashboard, ...] = (
    Dashboard(
        "triage",
        "Triage",
        "What is waiting for a person, how old it is, and what the rules are hiding.",
        (OPEN_ITEMS_BY_AGE, OLDEST_UNREVIEWED, ESCALATIONS_BY_DAY, HIDES_BY_RULE),
    ),
    Dashboard(
        "comms",
        "Comms",
        "Service complaints and misinformation for the comms team, and how fast they are answered.",
        (
            COMPLAINTS_BY_SERVICE,
            SPIKE_ALERTS,
            COMPLAINTS_BY_PLACE,
            MISINFORMATION_BY_FACT,
            COMMS_ANSWERED,
            COMMS_RESPONSE_TIME,
        ),
    ),
    Dashboard(
        "reputation",
        "Reputation",
        "How much people say about the council, where, in what tone, and about which posts.",
        (VOLUME_BY_PLATFORM, TONE_BY_DAY, MOST_DISCUSSED_POSTS),
    ),
    Dashboard(
        "accountability",
        "Accountability",
        "The house rules at work: what was hidden under which rule, how often a person "
        "restored it, and how fast, by rule and by model version.",
        (
            RESTORES_BY_RULE,
            RESTORES_BY_MODEL,
            TIME_TO_HIDE_BY_RULE,
            TIME_TO_HIDE_BY_MODEL,
            TIME_TO_REVIEW_BY_RULE,
            TIME_TO_REVIEW_BY_MODEL,
        ),
    ),
)

CHARTS: dict[str, Chart] = {c.name: c for d in DASHBOARDS for c in d.charts}


def dashboard(name: str) -> Dashboard | None:
    return next((d for d in DASHBOARDS if d.name == name), None)
