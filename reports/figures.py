"""Every figure in the weekly report, worked out from one store's reads.

What counts as what (docs/reports.md explains each figure for a reader):
- a comment belongs to the week it was posted in (London time); its moderation figures say
  what has happened to it by the time the report is made;
- judged to hide: the house rules' action was hide or escalate;
- hidden: houserules hid it (a `hidden` event, at once or after review), or a person
  confirmed the hide of a comment houserules could not hide itself (no connector for the
  platform, a failed hide): they hid it by hand;
- restored by a person: its review or escalation item was closed as restored; the
  over-moderation rate is restored / (confirmed + restored): of the hides a person judged,
  the share they reversed;
- time to hide, to review, to answer: from when the comment was posted to the hide, to the
  first person's decision on its review or escalation item, to its comms item being marked
  done; median and 90th percentile (nearest rank);
- tone and themes are read from a sample when a week has more comments than the settings
  allow (the same comments whichever store is read: see reports.pseudonyms).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from dashboards.sources import ChartSource
from moderation.verdict import Action, Category, ClassifiedComment
from reports import themes as theming
from reports.counts import WeekCounts
from reports.data import (
    Compared,
    DayTone,
    Escalations,
    FactEntry,
    FairnessItem,
    Misinformation,
    Moderation,
    PlaceCount,
    Post,
    Spike,
    Theme,
    Themes,
    Timing,
    ToneSection,
    ToneShares,
    Volume,
    WeeklyReport,
    WeekTone,
    WeekVolume,
)
from reports.data import Complaints as ComplaintsSection
from reports.pseudonyms import Pseudonyms
from reports.quoting import Quoter
from reports.settings import ReportSettings
from reports.tone import TONES, Tone, ToneModel, ToneReading, read_card
from reports.tone_book import ToneBook
from reports.week import LONDON, ReportWeek
from store.base import StoredComment
from store.report_reads import CommentText, ReportReads

TREND_WEEKS = 8
HIDE_WORTHY = (Action.HIDE, Action.ESCALATE)
SPIKE_EVENT = "service_spike"
ABUSE_EVENT = "repeated_abuse"
_SPIKE_DETAIL = re.compile(r"^spike: (\d+) complaints about (.+) between ")
TOP_POSTS = 5
# The fairness check lists every hidden comment read as criticism: on a busy week over a
# thousand, so each is quoted shorter than a theme's example.
FAIRNESS_QUOTE = 200
TOP_PLACES = 12


@dataclass(frozen=True)
class ReportContext:
    """What a report needs besides the store: the models, keys and council settings."""

    tone: ToneModel
    pseudonyms: Pseudonyms
    settings: ReportSettings
    state_dir: Path
    criticism_threshold: float = 0.5
    spike_threshold: int = 10
    spike_window_minutes: int = 15
    fact_topics: Mapping[str, str] | None = None
    store_name: str = ""


def weekly_report(
    reads: ReportReads,
    charts: ChartSource,
    week: ReportWeek,
    context: ReportContext,
    now: datetime | None = None,
) -> WeeklyReport:
    """The week's report: its comments from `reads`, every count from the dashboards'
    `charts` on the same store."""
    now = now or datetime.now(UTC)
    last = week.previous()
    trend_weeks = week.trailing(TREND_WEEKS)
    counts = WeekCounts(charts, week, trend_weeks)
    by_day = counts.volume_by_day()
    themed = last.name in theming.ThemeBook.load(context.state_dir, context.tone.version).weeks
    # The tone model reads texts in its encoder, which leaves Python free: meanwhile
    # another thread counts and decodes the week's comments, so on two cores the report
    # takes about the time of the longer of the two.
    texts = reads.texts_between(week.start, week.end)
    with ThreadPoolExecutor(max_workers=1) as pool:
        decoded = pool.submit(reads.comments_between, week.start, week.end)
        counted = pool.submit(counts.prefetch)
        tone = _ToneReads(context, week, texts, reads, trend_weeks, by_day, themed)
        comments = decoded.result()
        counted.result()
    tone.by_key = {s.classified.comment.key: s for s in comments}
    quoter = Quoter(_names(comments))
    return WeeklyReport(
        week=week.name,
        title=week.title,
        organisation=context.settings.organisation,
        generated_at=now.astimezone(LONDON).strftime("%A %d %B %Y, %H:%M %Z"),
        store=context.store_name,
        comments=len(comments),
        volume=_volume(counts, by_day, comments, reads, context.pseudonyms),
        tone=tone.section(),
        themes=_themes(context, week, tone, quoter),
        complaints=_complaints(counts, comments, context),
        misinformation=_misinformation(counts, comments, context),
        moderation=_moderation(counts, comments, context, quoter),
        posts=_posts(comments, tone),
        classifier_versions=tuple(
            sorted({s.classified.verdict.classifier_version for s in comments})
        ),
    )


# --- reading -------------------------------------------------------------------------------


def _names(comments: Iterable[StoredComment]) -> set[str]:
    names: set[str] = set()
    for s in comments:
        c = s.classified.comment
        names.update(n for n in (c.author_handle, c.author_id) if n)
    return names


def sample(keys: Sequence[str], size: int, pseudonyms: Pseudonyms) -> set[str]:
    """The `size` keys lowest in the keyed-hash order: all of them when there are fewer."""
    if len(keys) <= size:
        return set(keys)
    return set(sorted(keys, key=pseudonyms.rank)[:size])


class _ToneReads:
    """One encoder pass over every sampled comment the report needs: this week's (tone and
    themes), last week's (tone, and themes when the theme book lacks it) and each earlier
    week of the trend (tone). A week whose shares the tone book already holds for the same
    comments is not read again."""

    def __init__(
        self,
        context: ReportContext,
        week: ReportWeek,
        texts: list[CommentText],
        reads: ReportReads,
        trend_weeks: Sequence[ReportWeek],
        by_day: Mapping[str, Mapping[str, int]],
        last_week_themed: bool,
    ) -> None:
        self.context = context
        self.week = week
        settings, names = context.settings, context.pseudonyms
        last = week.previous()
        book = ToneBook.load(context.state_dir, context.tone.version)
        sizes = {w.name: settings.trend_sample for w in trend_weeks}
        sizes[week.name] = sizes[last.name] = settings.tone_sample
        self.totals = {week.name: len(texts)}
        for w in (*trend_weeks, last):
            if w.name not in self.totals:
                self.totals[w.name] = _week_total(by_day, w)
        self.kept: dict[str, ToneShares] = {}
        for name, of in self.totals.items():
            entry = book.get(name, of, sizes[name])
            if entry is not None and name != week.name and (name != last.name or last_week_themed):
                self.kept[name] = _shares(
                    {t: entry[t.value] for t in TONES}, entry["read"], entry["of"]
                )
        weeks: dict[str, list[CommentText]] = {week.name: texts}
        for w in (last, *trend_weeks):
            if w.name not in weeks and w.name not in self.kept:
                weeks[w.name] = reads.texts_between(w.start, w.end)
        self.samples: dict[str, list[CommentText]] = {}
        for name, texts in weeks.items():
            chosen = sample([t.key for t in texts], sizes[name], names)
            self.samples[name] = [t for t in texts if t.key in chosen]
        everything = [t for name in weeks for t in self.samples[name]]
        reading = context.tone.read([t.text for t in everything])
        self.readings: dict[str, ToneReading] = {}
        self.tone_of: dict[str, Tone] = {}
        start = 0
        for name in weeks:
            n = len(self.samples[name])
            self.readings[name] = ToneReading(
                reading.embeddings[start : start + n],
                reading.negative[start : start + n],
                reading.tones[start : start + n],
            )
            for t, tone in zip(self.samples[name], reading.tones[start : start + n], strict=True):
                self.tone_of[t.key] = tone
            start += n
            shares = self.shares(name)
            book.put(
                name,
                sizes[name],
                {
                    "of": shares.of,
                    "read": shares.read,
                    **{t.value: int(getattr(shares, t.value)) for t in TONES},
                },
            )
        book.save(context.state_dir)
        self.trend_weeks = trend_weeks
        # The week's comments by key, for quoting a theme's examples (set once decoded).
        self.by_key: dict[str, StoredComment] = {}

    def shares(self, name: str, keys: Sequence[str] | None = None) -> ToneShares:
        if keys is None and name in self.kept:
            return self.kept[name]
        texts = self.samples[name]
        if keys is not None:
            wanted = set(keys)
            texts = [t for t in texts if t.key in wanted]
            of = len(wanted)
        else:
            of = self.totals[name]
        counts = Counter(self.tone_of[t.key] for t in texts)
        return _shares(counts, len(texts), of)

    def section(self) -> ToneSection:
        week, last = self.week.name, self.week.previous().name
        days: dict[int, list[str]] = defaultdict(list)
        for t in self.samples[week]:
            days[self.week.day_of(t.created_at)].append(t.key)
        daily = []
        for n, day in enumerate(self.week.days):
            keys = days.get(n, [])
            counts = Counter(self.tone_of[k] for k in keys)
            daily.append(DayTone(f"{day:%a %d %b}", _shares(counts, len(keys), len(keys))))
        card = read_card()
        # Numbers measured on another model would describe the wrong one.
        measured = card.get("summary", "") if card.get("model") == self.context.tone.version else ""
        return ToneSection(
            model=self.context.tone.describe(),
            this_week=self.shares(week),
            last_week=self.shares(last),
            daily=tuple(daily),
            trend=tuple(WeekTone(w.name, self.shares(w.name)) for w in self.trend_weeks),
            measured=str(measured),
        )


def _shares(counts: Mapping[Tone, int], read: int, of: int) -> ToneShares:
    margin = 0.0
    if 0 < read < of:
        # Worst case (a share of one half), with the finite-population correction.
        correction = math.sqrt((of - read) / (of - 1)) if of > 1 else 0.0
        margin = round(100 * 1.96 * math.sqrt(0.25 / read) * correction, 1)
    return ToneShares(
        read=read,
        of=of,
        negative=counts.get(Tone.NEGATIVE, 0),
        neutral=counts.get(Tone.NEUTRAL, 0),
        positive=counts.get(Tone.POSITIVE, 0),
        margin_points=margin,
    )


# --- volume --------------------------------------------------------------------------------


def _day_total(by_day: Mapping[str, Mapping[str, int]], day: str) -> int:
    return sum(by_day.get(day, {}).values())


def _week_total(by_day: Mapping[str, Mapping[str, int]], week: ReportWeek) -> int:
    return sum(_day_total(by_day, day.isoformat()) for day in week.days)


def _volume(
    counts: WeekCounts,
    by_day: Mapping[str, Mapping[str, int]],
    comments: list[StoredComment],
    reads: ReportReads,
    pseudonyms: Pseudonyms,
) -> Volume:
    platforms, surfaces = counts.platforms_and_surfaces(counts.week)
    platforms_last, surfaces_last = counts.platforms_and_surfaces(counts.last)
    trend = []
    for w in counts.trend:
        weekly: Counter[str] = Counter()
        for day in w.days:
            weekly.update(by_day.get(day.isoformat(), {}))
        trend.append(WeekVolume(w.name, f"{w.monday:%d %b}", weekly["own_page"], weekly["mention"]))

    def voices(authors: Iterable[tuple[str, str]]) -> int:
        """How many different authors, counted by their pseudonyms."""
        return len({pseudonyms.author(platform, author) for platform, author in authors})

    this_week = (
        (c.platform.value, c.author_id or c.author_handle)
        for c in (s.classified.comment for s in comments)
        if c.author_id or c.author_handle
    )

    return Volume(
        total=sum(platforms.values()),
        last_week=sum(platforms_last.values()),
        by_platform=_compare(platforms, platforms_last),
        by_surface=_compare(surfaces, surfaces_last),
        daily=tuple(
            (f"{day:%a %d %b}", _day_total(by_day, day.isoformat())) for day in counts.week.days
        ),
        trend=tuple(trend),
        voices=voices(this_week),
        voices_last_week=voices(reads.authors_between(counts.last.start, counts.last.end)),
    )


def _compare(this: Mapping[str, int], last: Mapping[str, int]) -> tuple[Compared, ...]:
    names = sorted(set(this) | set(last), key=lambda n: (-this.get(n, 0), -last.get(n, 0), n))
    return tuple(Compared(n, this.get(n, 0), last.get(n, 0)) for n in names)


# --- themes --------------------------------------------------------------------------------


def _themes(context: ReportContext, week: ReportWeek, tone: _ToneReads, quoter: Quoter) -> Themes:
    settings = context.settings
    book = theming.ThemeBook.load(context.state_dir, context.tone.version)
    last = week.previous()
    # No author's name or handle may become a theme's label.
    exclude = frozenset(
        part.lower()
        for name in _names(tone.by_key.values())
        for part in re.split(r"[\W_]+", name)
        if len(part) >= 3
    )

    def clusters_of(name: str) -> list[theming.Cluster]:
        texts = [t.text for t in tone.samples[name]]
        return theming.cluster(
            texts,
            tone.readings[name].embeddings,
            min_themes=settings.min_themes,
            max_themes=settings.max_themes,
            exclude_words=exclude,
        )

    def record(name: str, found: list[theming.Cluster]) -> dict[int, int]:
        """Give each cluster an id (kept from the same week's earlier run, else from the
        latest earlier week, else new) and keep the week in the book."""
        ids: dict[int, int] = {}
        sources = [book.weeks.get(name, [])]
        before = book.latest_before(name)
        if before is not None:
            sources.append(before[1])
        for earlier in sources:
            free = [i for i in range(len(found)) if i not in ids]
            taken = set(ids.values())
            candidates = [t for t in earlier if t.theme_id not in taken]
            for index, theme_id in match_free(found, free, candidates, settings.theme_match):
                ids[index] = theme_id
        for i in range(len(found)):
            if i not in ids:
                ids[i] = book.next_id
                book.next_id += 1
        total = max(len(tone.samples[name]), 1)
        book.weeks[name] = [
            theming.BookTheme(
                ids[i],
                ", ".join(c.terms),
                tuple(round(float(v), 6) for v in c.centre),
                round(len(c.members) / total, 4),
            )
            for i, c in enumerate(found)
        ]
        return ids

    if last.name not in book.weeks and tone.samples.get(last.name):
        record(last.name, clusters_of(last.name))
    found = clusters_of(week.name)
    ids = record(week.name, found)
    book.save(context.state_dir)

    previous = {t.theme_id: t for t in book.weeks.get(last.name, [])}
    sample_texts = tone.samples[week.name]
    reading = tone.readings[week.name]
    result = []
    for i, c in enumerate(found):
        members = list(c.members)
        negative = sum(1 for m in members if reading.tones[m] is Tone.NEGATIVE)
        result.append(
            Theme(
                theme_id=ids[i],
                label=", ".join(c.terms) or "(no distinctive words)",
                terms=c.terms,
                comments=len(members),
                share=round(len(members) / max(len(sample_texts), 1), 4),
                negative_share=round(negative / len(members), 4) if members else 0.0,
                last_week_share=previous[ids[i]].share if ids[i] in previous else None,
                examples=_examples(c, members, sample_texts, reading, tone, quoter),
            )
        )
    result.sort(key=lambda t: (-t.comments, t.theme_id))
    kept = set(ids.values())
    gone = tuple((t.theme_id, t.label) for t in previous.values() if t.theme_id not in kept)
    read, of = len(sample_texts), tone.totals[week.name]
    if not found:
        note = f"Too few comments ({read}) to group into themes."
    elif read < of:
        note = f"Themes are read from a sample of {read} of the week's {of} comments."
    else:
        note = f"Themes are read from all {read} of the week's comments."
    return Themes(read=read, of=of, themes=tuple(result), gone=gone, note=note)


def match_free(
    found: Sequence[theming.Cluster],
    free: Sequence[int],
    earlier: Sequence[theming.BookTheme],
    threshold: float,
) -> list[tuple[int, int]]:
    matched = theming.match([found[i].centre for i in free], earlier, threshold)
    return [(free[row], theme_id) for row, theme_id in matched.items()]


def _examples(
    cluster: theming.Cluster,
    members: list[int],
    sample_texts: list[CommentText],
    reading: ToneReading,
    tone: _ToneReads,
    quoter: Quoter,
) -> tuple[str, ...]:
    """The comments nearest the theme's centre that stayed visible (nothing hidden or
    escalated is quoted), without repeats."""
    nearness = reading.embeddings[members] @ cluster.centre
    chosen: list[str] = []
    for row in np.argsort(-nearness, kind="stable").tolist():
        text = sample_texts[members[row]]
        stored = tone.by_key.get(text.key)
        if stored is None or stored.classified.verdict.action in HIDE_WORTHY:
            continue
        quoted = quoter.quote(text.text, stored.classified.verdict)
        if quoted and quoted not in chosen:
            chosen.append(quoted)
        if len(chosen) == theming.EXAMPLES:
            break
    return tuple(chosen)


# --- service complaints ----------------------------------------------------------------------


def _services(cc: ClassifiedComment) -> set[str]:
    return {n.service for n in cc.verdict.comms if n.service}


def _complaints(
    counts: WeekCounts, comments: list[StoredComment], context: ReportContext
) -> ComplaintsSection:
    windows: dict[tuple[str, datetime], set[str]] = defaultdict(set)
    size = timedelta(minutes=context.spike_window_minutes)
    for s in comments:
        cc = s.classified
        for service in _services(cc):
            windows[(service, _window_start(cc.comment.created_at, size))].add(cc.comment.key)
    alerts = counts.alerts()
    alerted: list[tuple[str, str, int]] = []
    for _, event, detail in alerts:
        found = _SPIKE_DETAIL.match(detail) if event == SPIKE_EVENT else None
        if found is not None:
            alerted.append((found[2], detail.split(" between ", 1)[1], int(found[1])))
    spikes = []
    for (service, start), keys in sorted(windows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(keys) >= context.spike_threshold:
            label = _window_label(start, size)
            spikes.append(Spike(service, label, len(keys), any(a[0] == service for a in alerted)))
    for service, window, n in alerted:
        # An alert the worker raised that no window here reached (another threshold).
        if not any(s.service == service and s.alerted for s in spikes):
            spikes.append(Spike(service, window, n, True))
    weekly = counts.complaints_by_week()
    return ComplaintsSection(
        total=weekly[counts.week.name],
        last_week=weekly[counts.last.name],
        by_service=_compare(
            counts.complaints_by_service(counts.week), counts.complaints_by_service(counts.last)
        ),
        by_place=tuple(
            PlaceCount(service, place, n)
            for service, place, n in counts.complaints_by_place()[:TOP_PLACES]
        ),
        spikes=tuple(spikes),
        alerts=len(alerted),
        repeated_abuse_alerts=sum(1 for _, event, _ in alerts if event == ABUSE_EVENT),
        spike_rule=(
            f"{context.spike_threshold} or more complaints about one service within "
            f"{context.spike_window_minutes} minutes"
        ),
        trend=tuple((w.name, weekly[w.name]) for w in counts.trend),
    )


def _window_start(moment: datetime, size: timedelta) -> datetime:
    seconds = size.total_seconds()
    return datetime.fromtimestamp((moment.timestamp() // seconds) * seconds, UTC)


def _window_label(start: datetime, size: timedelta) -> str:
    local = start.astimezone(LONDON)
    end = (start + size).astimezone(LONDON)
    return f"{local:%a %d %b %H:%M}–{end:%H:%M}"


# --- misinformation --------------------------------------------------------------------------


def _misinformation(
    counts: WeekCounts, comments: list[StoredComment], context: ReportContext
) -> Misinformation:
    topics = context.fact_topics or {}
    lines: dict[str, tuple[str, str]] = {}
    for s in comments:
        for note in s.classified.verdict.comms:
            if note.fact_id and (note.official_line or note.link):
                lines.setdefault(note.fact_id, (note.official_line, note.link))
    found = counts.fact_counts()
    last = {fact: int(row["comments"] or 0) for fact, row in counts.facts(counts.last).items()}
    entries = tuple(
        FactEntry(
            fact_id=fact,
            topic=topics.get(fact, ""),
            claims=row["claims"],
            questions=row["comments"] - row["claims"],
            hidden=row["hidden"],
            in_mentions=row["in_mentions"],
            answered=row["answered"],
            unanswered=row["unanswered"],
            last_week=last.get(fact, 0),
            official_line=lines.get(fact, ("", ""))[0],
            link=lines.get(fact, ("", ""))[1],
        )
        for fact, row in sorted(found.items(), key=lambda kv: (-kv[1]["comments"], kv[0]))
    )
    for fact, n in sorted(last.items()):
        if fact not in found:
            entries += (FactEntry(fact, topics.get(fact, ""), 0, 0, 0, 0, 0, 0, n, "", ""),)
    kinds, kinds_last = (
        counts.misinformation_kinds(counts.week),
        counts.misinformation_kinds(counts.last),
    )
    return Misinformation(
        entries=entries,
        total=kinds["with entry"],
        last_week=kinds_last["with entry"],
        without_entry=kinds["without entry"],
    )


# --- moderation accountability ---------------------------------------------------------------


def timing(values: Sequence[float]) -> Timing:
    if not values:
        return Timing(0, None, None)
    ordered = sorted(values)
    rank = math.ceil(0.9 * len(ordered)) - 1
    return Timing(
        len(ordered), round(statistics.median(ordered), 1), round(ordered[max(rank, 0)], 1)
    )


def _rate(confirmed: int, restored: int) -> float | None:
    """Of the hides a person decided, the share they restored."""
    reviewed = confirmed + restored
    return round(restored / reviewed, 4) if reviewed else None


def _criticism_score(cc: ClassifiedComment) -> float:
    scores = [
        f.score
        for f in (*cc.verdict.findings, *cc.verdict.below_threshold)
        if f.category is Category.CRITICISM
    ]
    return max(scores, default=0.0)


def _fairness(
    counts: WeekCounts, comments: list[StoredComment], context: ReportContext, quoter: Quoter
) -> tuple[FairnessItem, ...]:
    """Every comment judged to hide that also reads as criticism, strongest first."""
    critical = [
        (score, s)
        for s in comments
        if s.classified.verdict.action in HIDE_WORTHY
        and (score := _criticism_score(s.classified)) >= context.criticism_threshold
    ]
    outcomes = counts.outcomes([s.classified.comment.key for _, s in critical])
    critical.sort(key=lambda f: (-f[0], f[1].classified.comment.created_at))
    return tuple(
        FairnessItem(
            posted=c.created_at.astimezone(LONDON).strftime("%a %d %b %H:%M"),
            platform=c.platform.value,
            surface=c.surface.value,
            hidden_for=tuple(x.value for x in v.categories),
            criticism_score=round(score, 2),
            state=s.platform_state.value,
            outcome=outcomes[c.key],
            text=quoter.quote(c.text, v, limit=FAIRNESS_QUOTE),
        )
        for score, s in critical
        for c, v in [(s.classified.comment, s.classified.verdict)]
    )


def _moderation(
    counts: WeekCounts, comments: list[StoredComment], context: ReportContext, quoter: Quoter
) -> Moderation:
    judged = counts.judged_to_hide()
    confirmed, restored = counts.decided(counts.week)
    statuses, by_rules, referrals = counts.escalations()
    escalated = sum(statuses.values())
    comms_items, comms_answered, to_answer = counts.comms()
    return Moderation(
        judged_to_hide=judged,
        by_rule=counts.by_rule(),
        confirmed=confirmed,
        restored=restored,
        undecided=judged - confirmed - restored,
        over_moderation=_rate(confirmed, restored),
        over_moderation_last_week=_rate(*counts.decided(counts.last)),
        escalations=Escalations(
            total=escalated,
            by_classifier=by_rules,
            by_people=escalated - by_rules,
            by_referral=tuple(referrals),
            confirmed=statuses["confirmed"],
            restored=statuses["restored"],
            undecided=escalated - statuses["confirmed"] - statuses["restored"],
        ),
        time_to_hide=timing(counts.hide_minutes()),
        time_to_review=timing(counts.review_minutes()),
        comms_items=comms_items,
        comms_answered=comms_answered,
        comms_response=timing(to_answer),
        criticism_threshold=context.criticism_threshold,
        fairness=_fairness(counts, comments, context, quoter),
    )


# --- most discussed posts ----------------------------------------------------------------------


def _posts(comments: list[StoredComment], tone: _ToneReads) -> tuple[Post, ...]:
    groups: dict[tuple[str, str], list[StoredComment]] = defaultdict(list)
    titles: dict[tuple[str, str], str] = {}
    for s in comments:
        c = s.classified.comment
        ident = c.post_id or c.post_context
        if not ident:
            continue
        key = (c.platform.value, ident)
        groups[key].append(s)
        titles.setdefault(key, c.post_context or f"post {c.post_id}")
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOP_POSTS]
    posts = []
    for key, items in ranked:
        keys = [s.classified.comment.key for s in items]
        shares = tone.shares(tone.week.name, keys)
        categories = Counter(x.value for s in items for x in s.classified.verdict.categories)
        posts.append(
            Post(
                platform=key[0],
                title=_shorten(titles[key], 160),
                comments=len(items),
                read=shares.read,
                negative_share=shares.share(Tone.NEGATIVE.value),
                hidden=sum(1 for s in items if s.classified.verdict.action in HIDE_WORTHY),
                top_categories=tuple(name for name, _ in categories.most_common(3)),
            )
        )
    return tuple(posts)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


__all__ = ["TONES", "ReportContext", "sample", "timing", "weekly_report"]
