"""The report as documents: the PDF opens, has every section and draws its charts; the
HTML escapes what residents wrote; every chart has a text alternative and a data table."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from dashboards.sources import source_for
from moderation.model import ToxicityModel
from reports.build import write_report
from reports.charts.report_charts import report_charts
from reports.data import WeeklyReport
from reports.figures import ReportContext, weekly_report
from reports.html import render_email, render_html
from reports.pseudonyms import Pseudonyms
from reports.settings import ReportSettings
from reports.tone import ToneModel
from reports.week import ReportWeek
from store.report_reads import report_reads
from store.sqlite import SqliteStore
from tests import report_world as world

SECTIONS = (
    "Summary",
    "Volume",
    "Tone",
    "Themes",
    "Service complaints",
    "Misinformation",
    "Moderation accountability",
    "Fairness check",
    "Most discussed posts",
    "How the figures are made",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WeeklyReport]:
    folder = tmp_path_factory.mktemp("documents")
    store = SqliteStore(folder / "houserules.db")
    world.seed(store)
    context = ReportContext(
        tone=ToneModel(ToxicityModel.load()),
        pseudonyms=Pseudonyms(b"a test key of thirty-two bytes!!"),
        settings=ReportSettings(organisation="Testshire Council"),
        state_dir=folder / "state",
        fact_topics=world.FACT_TOPICS,
        store_name="sqlite",
    )
    yield weekly_report(
        report_reads(store),
        source_for(store),
        ReportWeek.parse(world.WEEK),
        context,
        datetime(2026, 11, 30, 9, tzinfo=UTC),
    )
    store.close()


@pytest.fixture(scope="module")
def written(report: WeeklyReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    done = write_report(report, out, ("html", "pdf"))
    assert done.pdf is not None and done.html is not None
    return done.pdf


def test_the_pdf_opens_and_has_every_section(written: Path) -> None:
    reader = PdfReader(written)
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    for heading in SECTIONS:
        assert heading in text, heading
    assert "Weekly reputation report: Monday 16 to Sunday 22 November 2026" in text
    assert "Testshire Council" in text
    assert world.PHONE not in text


def test_the_fairness_check_lists_every_hidden_criticism_with_what_became_of_it(
    report: WeeklyReport, tmp_path: Path
) -> None:
    fair = report.moderation.fairness[0]
    many = replace(
        report,
        moderation=replace(
            report.moderation,
            fairness=tuple(replace(fair, text=f"{fair.text} number {n}") for n in range(40)),
        ),
    )
    done = write_report(many, tmp_path, ("pdf",))
    assert done.pdf is not None
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(done.pdf).pages))
    listed = [n for n in range(40) if f"number {n}”" in text]
    assert listed == list(range(40))
    assert "on the platform: restored · review: restored" in text


def test_the_pdf_is_tagged_for_screen_readers(written: Path) -> None:
    root = PdfReader(written).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"


def test_the_first_pages_drawn_are_not_blank(written: Path) -> None:
    document = pdfium.PdfDocument(str(written))
    assert len(document) >= 3
    for index in (0, 1):
        image = document[index].render(scale=1).to_pil().convert("L")
        histogram = image.histogram()
        dark = sum(histogram[:128]) / sum(histogram)
        assert dark > 0.01, f"page {index + 1} is blank"
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        assert buffer.getvalue().startswith(b"\x89PNG")
    document.close()


def test_every_chart_has_a_text_alternative_and_a_data_table(report: WeeklyReport) -> None:
    page = render_html(report)
    charts = report_charts(report)
    assert len(charts) == 6
    for chart in charts.values():
        assert chart.alt and chart.rows is not None
        assert f"The numbers in the chart “{chart.title}”" in page
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == len(charts)
    assert all(re.search(r'alt="[^"]{20,}"', img) for img in images)


def test_headings_go_in_order_without_skipping_a_level(report: WeeklyReport) -> None:
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", render_html(report))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_what_residents_wrote_is_text_never_markup(report: WeeklyReport) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    first = report.themes.themes[0]
    poisoned = replace(
        report,
        themes=replace(
            report.themes,
            themes=(replace(first, label=hostile, examples=(hostile,)), *report.themes.themes[1:]),
        ),
    )
    page = render_html(poisoned)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    html, _text = render_email(poisoned)
    assert "<script>alert(1)" not in html


def test_the_email_body_gives_the_headline_figures(report: WeeklyReport) -> None:
    html, text = render_email(report)
    assert "Weekly reputation report: Monday 16 to Sunday 22 November 2026" in html
    assert "Over-moderation rate: 20% (last week 50%)" in text
    assert "attached as a PDF" in text
