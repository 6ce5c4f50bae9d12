"""The charts of one weekly report, from its data."""

from __future__ import annotations

from reports.charts import specs
from reports.charts.specs import Chart
from reports.data import WeeklyReport
from reports.week import ReportWeek


def report_charts(report: WeeklyReport) -> dict[str, Chart]:
    volume, tone = report.volume, report.tone
    days = [day.isoformat() for day in ReportWeek.parse(report.week).days]
    charts = [
        specs.stacked_weeks(
            "volume_trend",
            "Comments a week, last eight weeks",
            [(w.week, w.monday, w.own_page, w.mention) for w in volume.trend],
            ("Own pages", "Mentions"),
        ),
        specs.compared_bars(
            "volume_by_platform",
            "Comments by platform",
            [(c.name, c.this_week, c.last_week) for c in volume.by_platform],
            "platform",
        ),
        specs.tone_by_day(
            "tone_by_day",
            "Tone each day",
            [
                (day, d.day, d.shares.negative, d.shares.neutral, d.shares.positive)
                for day, d in zip(days, tone.daily, strict=True)
            ],
        ),
        specs.share_line(
            "tone_trend",
            "Share of negative comments, last eight weeks",
            [
                (w.week, w.shares.share("negative") if w.shares.read else None, w.shares.read)
                for w in tone.trend
            ],
            "negative",
        ),
        specs.share_bars(
            "themes",
            "Themes this week",
            [(f"{t.name} {t.label}", t.share, t.comments) for t in report.themes.themes],
        ),
        specs.compared_bars(
            "complaints_by_service",
            "Service complaints by service",
            [(c.name, c.this_week, c.last_week) for c in report.complaints.by_service],
            "service",
        ),
    ]
    return {chart.key: chart for chart in charts}
