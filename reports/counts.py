"""The weekly report's counts, read through the dashboards' query layer.

Where the report shows what a dashboard shows (volume by platform and surface, complaints by
service and place, misinformation by fact-register entry, hides by rule, restores, time to
hide and to review, escalations, comms answered and response time), it asks the dashboard's
own chart (`dashboards.catalogue`) over its week instead of the last 30 or 90 days
(`Chart.between`), or a chart of its own in the same terms. Each is counted by the one
Elasticsearch request or SQLite query the dashboards use (`dashboards.es_query`,
`dashboards.sqlite_query`), from the fields they define once (a comment's places, its time to
hide, an item's time to a decision), so the report and the dashboards cannot disagree, and
the two stores give the same rows.

What the charts cannot say alone, the report puts together here from their rows: a comment
hidden by hand (no connector) is found by its confirmed review item, and a fact-register
entry's answered comments by their comms items.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from dashboards import catalogue as dash
from dashboards.model import (
    TIME_FIELDS,
    Absent,
    ByDay,
    ByKind,
    ByValue,
    Chart,
    Condition,
    Count,
    CountWhere,
    Is,
    Kind,
    Listing,
    Plot,
    Present,
    Row,
    Source,
)
from dashboards.sources import ChartSource
from moderation.review import PlatformState
from moderation.verdict import Category
from reports.data import RuleRow
from reports.week import ReportWeek

# Comments houserules could not hide itself: a person confirming the hide hid it by hand.
BY_HAND = (
    PlatformState.NOT_CONNECTED.value,
    PlatformState.HIDE_FAILED.value,
    PlatformState.PENDING_REVIEW.value,
)
ALERTS = ("service_spike", "repeated_abuse")
# Keys asked about in one request (Elasticsearch's terms query and SQLite's parameters
# both allow far more; this keeps each request small).
KEYS_AT_ONCE = 1000
_EVERYTHING = ByKind("all", "All", (Kind("all", ()),))


def _chart(
    name: str,
    source: Source,
    where: tuple[Condition, ...],
    groups: tuple[ByValue | ByDay | ByKind, ...] = (),
    measures: tuple[Count | CountWhere, ...] = (Count("n", "Records"),),
    listing: Listing | None = None,
) -> Chart:
    """A chart the report reads and does not draw."""
    return Chart(
        name=f"report_{name}",
        title=name.replace("_", " "),
        question="",
        source=source,
        plot=Plot(),
        where=where,
        groups=groups,
        measures=measures if listing is None else (),
        listing=listing,
    )


def _every(sort_field: str, *columns: str) -> Listing:
    return Listing(sort_field, None, tuple((c, c, c) for c in columns))


def _records(name: str, source: Source, where: tuple[Condition, ...], *columns: str) -> Chart:
    """Every record meeting `where`, one row each, in time order."""
    return _chart(name, source, where, listing=_every(TIME_FIELDS[source], *columns))


def _as_listing(chart: Chart, sort_field: str, *columns: str) -> Chart:
    """The records a dashboard chart counts, one row each (to take a median)."""
    return replace(chart, groups=(), measures=(), listing=_every(sort_field, *columns))


# Comments by UK day and surface: the week's days, and the weeks of the trend.
VOLUME_BY_DAY = _chart(
    "volume_by_day",
    Source.COMMENTS,
    (),
    (ByDay("created_at"), ByValue("surface", "surface", "Surface")),
)
COMPLAINTS_BY_DAY = _chart(
    "complaints_by_day",
    Source.COMMENTS,
    dash.CHARTS["complaints_by_service"].where,
    (ByDay("created_at"),),
)
# Every fact-register entry (not only the dashboard's top 20), with the report's columns.
FACTS = replace(
    dash.CHARTS["misinformation_by_fact"],
    name="report_facts",
    groups=(ByValue("fact_ids", "fact", "Fact-register entry", size=500),),
    measures=(
        *dash.CHARTS["misinformation_by_fact"].measures,
        CountWhere("claims", "Claims", Is("categories", ("misinformation",))),
        CountWhere("in_mentions", "In mentions", Is("surface", ("mention",))),
    ),
)
MISINFORMATION_KINDS = _chart(
    "misinformation_kinds",
    Source.COMMENTS,
    (),
    (
        ByKind(
            "kind",
            "Kind",
            (
                Kind("with entry", (Present("fact_ids"),)),
                Kind("without entry", (Is("categories", ("misinformation",)), Absent("fact_ids"))),
            ),
        ),
    ),
)
FACT_COMMENTS = _records(
    "fact_comments", Source.COMMENTS, (Present("fact_ids"),), "key", "fact_ids"
)
JUDGED_TO_HIDE = _records(
    "judged_to_hide",
    Source.COMMENTS,
    (Is("action", dash.HIDING_ACTIONS),),
    *("key", "created_at", "categories", "platform_state"),
)
HIDDEN_EVENTS = _records("hidden", Source.AUDIT, (Is("event", ("hidden",)),), "comment_key", "at")
DECISION_ITEMS = _records(
    "decision_items",
    Source.QUEUE,
    (Is("queue", dash.DECISION_QUEUES),),
    *("comment_key", "status", "review_seconds"),
)
COMMS_ITEMS = _records("comms", Source.QUEUE, (Is("queue", ("comms",)),), "comment_key", "status")
REVIEW_TIMES = _as_listing(
    dash.CHARTS["time_to_review_by_rule"], "comment_created_at", "comment_key", "review_seconds"
)
ANSWER_TIMES = _as_listing(
    dash.CHARTS["comms_response_time"], "comment_created_at", "review_seconds"
)
ESCALATION_ITEMS = _chart(
    "escalation_items",
    Source.QUEUE,
    (Is("queue", ("escalations",)),),
    (ByValue("status", "status", "Status"),),
)
ESCALATED_BY_RULES = _chart(
    "escalated_by_rules",
    Source.COMMENTS,
    (Is("action", ("escalate",)),),
    (ByValue("referral", "referral", "Referral"), ByValue("categories", "rule", "House rule")),
)
ESCALATED_BY_RULES_IN_ALL = replace(
    ESCALATED_BY_RULES, name="report_escalated_in_all", groups=(_EVERYTHING,)
)
ALERT_EVENTS = _records("alerts", Source.AUDIT, (Is("event", ALERTS),), "at", "event", "detail")


# A comment judged to hide: its rules, and minutes from posting to its hide (None: not hidden).
Hide = tuple[tuple[str, ...], float | None]


def _number(row: Row, column: str) -> int:
    value = row.get(column)
    return int(value) if isinstance(value, int | float) else 0


def _seconds_to_minutes(values: Iterable[object]) -> list[float]:
    return [max(float(v) / 60, 0.0) for v in values if isinstance(v, int | float)]


def _chunks(keys: Sequence[str]) -> Iterable[tuple[str, ...]]:
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), KEYS_AT_ONCE):
        yield tuple(unique[start : start + KEYS_AT_ONCE])


def uk_week(day: str) -> str:
    """The report week (ISO, Monday to Sunday) of a UK day written `YYYY-MM-DD`."""
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


class WeekCounts:
    """The counts for a week, the week before and the weeks of the trend, from one store's
    charts. Each method is one figure (or a few from the same rows). A chart is read once
    per period and kept, so `prefetch` can count everything beforehand (in a thread while
    the tone model reads, say) and the report's sections then find it counted."""

    def __init__(self, source: ChartSource, week: ReportWeek, trend: Sequence[ReportWeek]):
        self.source = source
        self.week = week
        self.last = week.previous()
        self.trend = tuple(trend)
        self._kept: dict[tuple[Chart, datetime, datetime], list[Row]] = {}
        self._hides: list[Hide] | None = None
        self._facts: dict[str, Counter[str]] | None = None

    def _between(self, chart: Chart, since: datetime, until: datetime) -> list[Row]:
        key = (chart, since, until)
        if key not in self._kept:
            self._kept[key] = self.source.rows(chart.between(since, until), until)
        return self._kept[key]

    def rows(self, chart: Chart, week: ReportWeek | None = None) -> list[Row]:
        period = week or self.week
        return self._between(chart, period.start, period.end)

    def _over_trend(self, chart: Chart) -> list[Row]:
        first = min((*self.trend, self.last, self.week), key=lambda w: w.start)
        return self._between(chart, first.start, self.week.end)

    def _for_keys(self, chart: Chart, keys: Sequence[str], field: str) -> list[Row]:
        found: list[Row] = []
        for chunk in _chunks(keys):
            limited = replace(chart, where=(*chart.where, Is(field, chunk)))
            found += self.source.rows(limited, self.week.end)
        return found

    def prefetch(self) -> None:
        """Count every figure that needs only the store."""
        self.volume_by_day()
        self.complaints_by_week()
        for week in (self.week, self.last):
            self.platforms_and_surfaces(week)
            self.complaints_by_service(week)
            self.facts(week)
            self.misinformation_kinds(week)
            self.decided(week)
        self.complaints_by_place()
        self.fact_counts()
        self.hides()
        self.by_rule()
        self.review_minutes()
        self.escalations()
        self.comms()
        self.alerts()

    # --- volume --------------------------------------------------------------------------

    def volume_by_day(self) -> dict[str, dict[str, int]]:
        """UK day -> surface -> comments, over the trend's weeks and this one."""
        found: dict[str, dict[str, int]] = defaultdict(dict)
        for row in self._over_trend(VOLUME_BY_DAY):
            found[str(row["day"])][str(row["surface"])] = _number(row, "n")
        return found

    def platforms_and_surfaces(self, week: ReportWeek) -> tuple[Counter[str], Counter[str]]:
        """The week's comments by platform and by surface (the dashboard's volume chart)."""
        platforms: Counter[str] = Counter()
        surfaces: Counter[str] = Counter()
        for row in self.rows(dash.CHARTS["volume_by_platform"], week):
            platforms[str(row["platform"])] += _number(row, "comments")
            surfaces[str(row["surface"])] += _number(row, "comments")
        return platforms, surfaces

    # --- service complaints --------------------------------------------------------------

    def complaints_by_week(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for row in self._over_trend(COMPLAINTS_BY_DAY):
            found[uk_week(str(row["day"]))] += _number(row, "n")
        return found

    def complaints_by_service(self, week: ReportWeek) -> Counter[str]:
        found: Counter[str] = Counter()
        for row in self.rows(dash.CHARTS["complaints_by_service"], week):
            found[str(row["service"])] += _number(row, "comments")
        return found

    def complaints_by_place(self) -> list[tuple[str, str, int]]:
        """(service, place, complaints), most first (the dashboard's places chart)."""
        found = [
            (str(row["service"]), str(row["place"]), _number(row, "comments"))
            for row in self.rows(dash.CHARTS["complaints_by_place"])
        ]
        return sorted(found, key=lambda f: (-f[2], f[0], f[1]))

    # --- misinformation ------------------------------------------------------------------

    def facts(self, week: ReportWeek) -> dict[str, Row]:
        return {str(row["fact"]): row for row in self.rows(FACTS, week)}

    def misinformation_kinds(self, week: ReportWeek) -> Counter[str]:
        return Counter(
            {str(row["kind"]): _number(row, "n") for row in self.rows(MISINFORMATION_KINDS, week)}
        )

    def fact_counts(self) -> dict[str, Counter[str]]:
        """This week's entries: their comments, claims, judged to hide, in mentions, and
        how many of their comments the comms team answered and has yet to answer."""
        if self._facts is None:
            self._facts = self._fact_counts()
        return self._facts

    def _fact_counts(self) -> dict[str, Counter[str]]:
        listed = self.rows(FACT_COMMENTS)
        keys_of: dict[str, list[str]] = defaultdict(list)
        for row in listed:
            for fact in str(row["fact_ids"] or "").split(", "):
                if fact:
                    keys_of[fact].append(str(row["key"]))
        statuses: dict[str, set[str]] = defaultdict(set)
        keys = [k for fact_keys in keys_of.values() for k in fact_keys]
        for row in self._for_keys(COMMS_ITEMS, keys, "comment_key"):
            statuses[str(row["comment_key"])].add(str(row["status"]))
        found = {}
        for fact, row in self.facts(self.week).items():
            mine = [statuses.get(k, set()) for k in keys_of.get(fact, [])]
            found[fact] = Counter(
                {
                    **{c: _number(row, c) for c in ("comments", "claims", "hidden", "in_mentions")},
                    "answered": sum(1 for s in mine if "done" in s),
                    "unanswered": sum(1 for s in mine if "open" in s),
                }
            )
        return found

    # --- moderation accountability -------------------------------------------------------

    def judged_to_hide(self) -> int:
        return len(self.hides())

    def decided(self, week: ReportWeek) -> tuple[int, int]:
        """Hides a person confirmed and restored: the dashboard's restores by model version,
        summed (each decided hide once)."""
        rows = self.rows(dash.CHARTS["restores_by_model"], week)
        decided = sum(_number(r, "decided") for r in rows)
        restored = sum(_number(r, "restored") for r in rows)
        return decided - restored, restored

    def outcomes(self, keys: Sequence[str]) -> dict[str, str]:
        """Each comment's review: restored if a person restored it, else confirmed if one
        confirmed the hide, else undecided; "no review item" when it has none."""
        statuses: dict[str, set[str]] = defaultdict(set)
        for row in self._for_keys(DECISION_ITEMS, keys, "comment_key"):
            statuses[str(row["comment_key"])].add(str(row["status"]))
        found = {}
        for key in keys:
            mine = statuses.get(key)
            if mine is None:
                found[key] = "no review item"
            elif "restored" in mine:
                found[key] = "restored"
            elif "confirmed" in mine:
                found[key] = "confirmed"
            else:
                found[key] = "undecided"
        return found

    def hides(self) -> list[Hide]:
        """Every comment of the week judged to hide, with the minutes from its posting to
        its hide: the first `hidden` event in the audit log (houserules hid it, at once or
        after review), or, for a comment houserules could not hide itself (no connector,
        a failed hide), a person's confirmation of the hide (they hid it by hand; unless
        someone restored it)."""
        if self._hides is None:
            self._hides = self._read_hides()
        return self._hides

    def _read_hides(self) -> list[Hide]:
        judged = self.rows(JUDGED_TO_HIDE)
        keys = [str(r["key"]) for r in judged]
        hidden_at: dict[str, datetime] = {}
        for row in self._for_keys(HIDDEN_EVENTS, keys, "comment_key"):
            hidden_at.setdefault(str(row["comment_key"]), datetime.fromisoformat(str(row["at"])))
        by_hand = [
            str(r["key"])
            for r in judged
            if str(r["key"]) not in hidden_at and r["platform_state"] in BY_HAND
        ]
        items: dict[str, list[Row]] = defaultdict(list)
        for row in self._for_keys(DECISION_ITEMS, by_hand, "comment_key"):
            items[str(row["comment_key"])].append(row)
        found = []
        for row in judged:
            key = str(row["key"])
            minutes: float | None = None
            if key in hidden_at:
                posted = datetime.fromisoformat(str(row["created_at"]))
                minutes = max((hidden_at[key] - posted).total_seconds() / 60, 0.0)
            elif not any(r["status"] == "restored" for r in items.get(key, [])):
                confirmed = _seconds_to_minutes(
                    r["review_seconds"] for r in items.get(key, []) if r["status"] == "confirmed"
                )
                minutes = min(confirmed, default=None)
            rules = tuple(c for c in str(row["categories"] or "").split(", ") if c)
            found.append((rules, minutes))
        return found

    def by_rule(self) -> tuple[RuleRow, ...]:
        """Per house rule (a comment breaking two counts under both): judged to hide (the
        dashboard's hides by rule), hidden, and confirmed and restored by a person (the
        dashboard's restores by rule)."""
        judged: Counter[str] = Counter()
        for row in self.rows(dash.CHARTS["hides_by_rule"]):
            judged[str(row["rule"])] += _number(row, "comments")
        hidden = Counter(
            rule for rules, minutes in self.hides() if minutes is not None for rule in rules
        )
        decided = {str(r["rule"]): r for r in self.rows(dash.CHARTS["restores_by_rule"])}
        order = [c.value for c in Category]
        found = []
        for rule in sorted(judged, key=lambda r: (order.index(r) if r in order else len(order), r)):
            row = decided.get(rule, {})
            restored = _number(row, "restored")
            confirmed = _number(row, "decided") - restored
            found.append(
                RuleRow(
                    category=rule,
                    judged=judged[rule],
                    hidden=hidden[rule],
                    not_hidden=judged[rule] - hidden[rule],
                    confirmed=confirmed,
                    restored=restored,
                    undecided=judged[rule] - confirmed - restored,
                )
            )
        return tuple(found)

    def hide_minutes(self) -> list[float]:
        return [minutes for _, minutes in self.hides() if minutes is not None]

    def review_minutes(self) -> list[float]:
        """From posting to the first decision a person made on each comment's hide."""
        first: dict[str, float] = {}
        for row in self.rows(REVIEW_TIMES):
            for minutes in _seconds_to_minutes([row["review_seconds"]]):
                key = str(row["comment_key"])
                first[key] = min(first.get(key, minutes), minutes)
        return list(first.values())

    def escalations(self) -> tuple[Counter[str], int, list[tuple[str, str, int]]]:
        """Escalation items by status; how many the house rules escalated; and those by
        rule and referral."""
        statuses = Counter({str(r["status"]): _number(r, "n") for r in self.rows(ESCALATION_ITEMS)})
        by_rules = sum(_number(r, "n") for r in self.rows(ESCALATED_BY_RULES_IN_ALL))
        referrals = [
            (str(r["rule"]), str(r["referral"]), _number(r, "n"))
            for r in self.rows(ESCALATED_BY_RULES)
        ]
        return statuses, by_rules, sorted(referrals, key=lambda r: (-r[2], r[0], r[1]))

    def comms(self) -> tuple[int, int, list[float]]:
        """Comms items, how many are answered, and minutes from posting to each answer."""
        rows = self.rows(dash.CHARTS["comms_answered"])
        items = sum(_number(r, "items") for r in rows)
        answered = sum(_number(r, "items") for r in rows if r["status"] == "done")
        minutes = _seconds_to_minutes(r["review_seconds"] for r in self.rows(ANSWER_TIMES))
        return items, answered, minutes

    def alerts(self) -> list[tuple[datetime, str, str]]:
        """The week's spike and repeated-abuse alerts: (when, event, detail), in order."""
        return [
            (datetime.fromisoformat(str(r["at"])), str(r["event"]), str(r["detail"]))
            for r in self.rows(ALERT_EVENTS)
        ]
