"""The weekly report as data: what the templates show and `--json` writes.

Plain frozen dataclasses of numbers and short strings, so a figure has one definition
(reports.figures) and every output (HTML, PDF, email, JSON) shows the same value. Shares are
fractions (0.25 is a quarter); times are minutes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Compared:
    """One row of a this-week-against-last-week table."""

    name: str
    this_week: int
    last_week: int

    @property
    def change(self) -> int:
        return self.this_week - self.last_week


@dataclass(frozen=True, slots=True)
class WeekVolume:
    week: str
    monday: str
    own_page: int
    mention: int

    @property
    def total(self) -> int:
        return self.own_page + self.mention


@dataclass(frozen=True, slots=True)
class Volume:
    total: int
    last_week: int
    by_platform: tuple[Compared, ...]
    by_surface: tuple[Compared, ...]
    daily: tuple[tuple[str, int], ...]
    trend: tuple[WeekVolume, ...]
    voices: int
    voices_last_week: int


@dataclass(frozen=True, slots=True)
class ToneShares:
    read: int
    of: int
    negative: int
    neutral: int
    positive: int
    # Half the width of the 95% interval of a share, in points, when a sample was read.
    margin_points: float

    def share(self, tone: str) -> float:
        return round(int(getattr(self, tone)) / self.read, 4) if self.read else 0.0


@dataclass(frozen=True, slots=True)
class DayTone:
    day: str
    shares: ToneShares


@dataclass(frozen=True, slots=True)
class WeekTone:
    week: str
    shares: ToneShares


@dataclass(frozen=True, slots=True)
class ToneSection:
    model: str
    this_week: ToneShares
    last_week: ToneShares
    daily: tuple[DayTone, ...]
    trend: tuple[WeekTone, ...]
    measured: str


@dataclass(frozen=True, slots=True)
class Theme:
    theme_id: int
    label: str
    terms: tuple[str, ...]
    comments: int
    share: float
    negative_share: float
    last_week_share: float | None
    examples: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"T{self.theme_id}"


@dataclass(frozen=True, slots=True)
class Themes:
    read: int
    of: int
    themes: tuple[Theme, ...]
    gone: tuple[tuple[int, str], ...]
    note: str


@dataclass(frozen=True, slots=True)
class PlaceCount:
    service: str
    place: str
    comments: int


@dataclass(frozen=True, slots=True)
class Spike:
    service: str
    window: str
    complaints: int
    alerted: bool


@dataclass(frozen=True, slots=True)
class Complaints:
    total: int
    last_week: int
    by_service: tuple[Compared, ...]
    by_place: tuple[PlaceCount, ...]
    spikes: tuple[Spike, ...]
    alerts: int
    repeated_abuse_alerts: int
    spike_rule: str
    trend: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class FactEntry:
    fact_id: str
    topic: str
    claims: int
    questions: int
    hidden: int
    in_mentions: int
    answered: int
    unanswered: int
    last_week: int
    official_line: str
    link: str


@dataclass(frozen=True, slots=True)
class Misinformation:
    entries: tuple[FactEntry, ...]
    total: int
    last_week: int
    without_entry: int


@dataclass(frozen=True, slots=True)
class Timing:
    count: int
    median_minutes: float | None
    p90_minutes: float | None


@dataclass(frozen=True, slots=True)
class RuleRow:
    category: str
    judged: int
    hidden: int
    not_hidden: int
    confirmed: int
    restored: int
    undecided: int

    @property
    def over_moderation(self) -> float | None:
        reviewed = self.confirmed + self.restored
        return round(self.restored / reviewed, 4) if reviewed else None


@dataclass(frozen=True, slots=True)
class Escalations:
    total: int
    by_classifier: int
    by_people: int
    by_referral: tuple[tuple[str, str, int], ...]  # category, referral, comments
    confirmed: int
    restored: int
    undecided: int


@dataclass(frozen=True, slots=True)
class FairnessItem:
    posted: str
    platform: str
    surface: str
    hidden_for: tuple[str, ...]
    criticism_score: float
    state: str
    outcome: str
    text: str


@dataclass(frozen=True, slots=True)
class Moderation:
    judged_to_hide: int
    by_rule: tuple[RuleRow, ...]
    confirmed: int
    restored: int
    undecided: int
    over_moderation: float | None
    over_moderation_last_week: float | None
    escalations: Escalations
    time_to_hide: Timing
    time_to_review: Timing
    comms_items: int
    comms_answered: int
    comms_response: Timing
    criticism_threshold: float
    fairness: tuple[FairnessItem, ...]


@dataclass(frozen=True, slots=True)
class Post:
    platform: str
    title: str
    comments: int
    read: int
    negative_share: float
    hidden: int
    top_categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    week: str
    title: str
    organisation: str
    generated_at: str
    store: str
    comments: int
    volume: Volume
    tone: ToneSection
    themes: Themes
    complaints: Complaints
    misinformation: Misinformation
    moderation: Moderation
    posts: tuple[Post, ...]
    classifier_versions: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
