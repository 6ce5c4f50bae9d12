"""Report weeks: Monday 00:00 to the next Monday 00:00, Europe/London time.

A week is named as ISO 8601 names it (`2026-W48`), and its bounds are London midnights, so
the week of a change to or from British Summer Time is 167 or 169 hours long, as the
council's own week is. Bounds are aware datetimes; stores compare them as instants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(ValueError):
    """A week name that is not `YYYY-Www` or names no week of that year."""


@dataclass(frozen=True, slots=True, order=True)
class ReportWeek:
    """One ISO week (Monday to Sunday) in London time."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> ReportWeek:
        found = _WEEK.match(text.strip())
        if found is None:
            raise WeekError(f"week {text!r} is not an ISO week such as 2026-W48")
        year, week = int(found[1]), int(found[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise WeekError(f"week {text!r} does not exist: {year} has no week {week}") from None
        return cls(year, week)

    @classmethod
    def containing(cls, moment: datetime) -> ReportWeek:
        """The week a moment falls in, by the London calendar."""
        year, week, _ = moment.astimezone(LONDON).date().isocalendar()
        return cls(year, week)

    @classmethod
    def last_complete(cls, now: datetime) -> ReportWeek:
        """The latest week that has ended by `now`: on a Monday morning, the week before."""
        return cls.containing(now).previous()

    @property
    def name(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.monday + timedelta(days=n) for n in range(7))

    @property
    def start(self) -> datetime:
        """Monday 00:00 London, as an aware datetime."""
        return datetime.combine(self.monday, time(0), tzinfo=LONDON)

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 London (exclusive)."""
        return datetime.combine(self.monday + timedelta(days=7), time(0), tzinfo=LONDON)

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return self.end.astimezone(UTC)

    @property
    def title(self) -> str:
        """'Monday 16 to Sunday 22 November 2026', as a reader would say it."""
        first, last = self.days[0], self.days[-1]
        if first.year != last.year:
            head = f"Monday {first.day} {first:%B %Y}"
        elif first.month != last.month:
            head = f"Monday {first.day} {first:%B}"
        else:
            head = f"Monday {first.day}"
        return f"{head} to Sunday {last.day} {last:%B %Y}"

    def previous(self, weeks: int = 1) -> ReportWeek:
        return ReportWeek.containing(self.start + timedelta(days=3 - 7 * weeks))

    def trailing(self, count: int) -> tuple[ReportWeek, ...]:
        """This week and the `count - 1` before it, oldest first."""
        return tuple(self.previous(n) for n in range(count - 1, -1, -1))

    def day_of(self, moment: datetime) -> int:
        """0 (Monday) to 6 (Sunday): the London day a moment in this week falls on."""
        return (moment.astimezone(LONDON).date() - self.monday).days

    def __str__(self) -> str:
        return self.name


def next_run(now: datetime, weekday: int = 0, at: time = time(8, 0)) -> datetime:
    """The next `weekday` (0 = Monday) at `at` London time strictly after `now`, in UTC.

    Computed on the London calendar, so the run stays at 08:00 local across the clock
    changes (07:00 UTC in summer, 08:00 UTC in winter)."""
    local = now.astimezone(LONDON)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    candidate = datetime.combine(day, at, tzinfo=LONDON)
    if candidate <= local:
        candidate = datetime.combine(day + timedelta(days=7), at, tzinfo=LONDON)
    return candidate.astimezone(UTC)
