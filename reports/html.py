"""The report as HTML, by Jinja2 with autoescape: every comment, label and name from outside
is text, never markup. The same page is the PDF's source (reports.pdf) and the email's body
is a shorter template of the same data."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.charts.render import data_uri, to_svg
from reports.charts.report_charts import report_charts
from reports.data import Timing, WeeklyReport

TEMPLATES = Path(__file__).with_name("templates")


def percent(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f}%"


def signed(n: int) -> str:
    return f"{n:+d}" if n else "0"


def duration(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes:.0f} min"
    hours, rest = divmod(round(minutes), 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{hours / 24:.1f} days"


def timing(t: Timing) -> str:
    if not t.count:
        return "none yet"
    return f"median {duration(t.median_minutes)}, 90% within {duration(t.p90_minutes)}"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(percent=percent, signed=signed, duration=duration, timing=timing)
    return env


def render_html(report: WeeklyReport) -> str:
    charts = report_charts(report)
    # The page gives each chart its caption, so the drawing itself goes without a title.
    images = {
        key: data_uri(to_svg({k: v for k, v in chart.spec.items() if k != "title"}))
        for key, chart in charts.items()
    }
    return environment().get_template("report.html").render(r=report, charts=charts, images=images)


def render_email(report: WeeklyReport) -> tuple[str, str]:
    """The email's HTML body and its plain-text alternative."""
    env = environment()
    html = env.get_template("email.html").render(r=report)
    text = env.get_template("email.txt").render(r=report)
    return html, text
