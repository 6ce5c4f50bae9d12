"""The weekly report as a head of communications gets it: `houserules demo`, then
`houserules report weekly` for a demo week, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from houserules.cli import main


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    result = CliRunner().invoke(main, ["--data-dir", str(folder), "demo", "--json"])
    assert result.exit_code == 0, result.output
    return folder


def run(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(data), "report", "weekly", *args])


def test_after_the_demo_a_demo_week_gives_html_pdf_and_its_summary(
    data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run(data, "--week", "2026-W47", "--format", "html,pdf", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert {"html", "pdf", "comments", "themes"} <= set(printed)
    assert printed["comments"] == 252 and printed["themes"] >= 3
    assert Path(printed["html"]).read_text().startswith("<!DOCTYPE html>")
    assert Path(printed["pdf"]).read_bytes().startswith(b"%PDF-")
    figures = json.loads(Path(printed["data"]).read_text())
    trend = [w["own_page"] + w["mention"] for w in figures["volume"]["trend"]]
    assert all(n > 0 for n in trend) and trend[-1] == 252 and trend[0] < trend[-1]
    assert figures["organisation"] == "Harrowmere District Council"
    moderation = figures["moderation"]
    assert moderation["confirmed"] > 0 and moderation["time_to_review"]["count"] > 0
    assert moderation["comms_answered"] > 0
    kept = [t for t in figures["themes"]["themes"] if t["last_week_share"] is not None]
    assert kept, "some theme continues from the week before"
    page = Path(printed["html"]).read_text()
    for author in ("@sx_vigilante", "Paula Dransfield", "Harrowmere Waste Services"):
        assert author not in page


def test_only_the_formats_asked_for_are_written(data: Path, tmp_path: Path) -> None:
    result = run(data, "--week", "2026-W46", "--format", "html", "--out", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["pdf"] is None and Path(printed["html"]).is_file()
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".html", ".json"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--week", "2026-W60"), "2026 has no week 60"),
        (("--week", "last"), "is not an ISO week such as 2026-W48"),
        (("--format", "docx"), "docx is not a report format"),
    ],
)
def test_a_bad_week_or_format_is_refused_with_what_and_where(
    data: Path, args: tuple[str, ...], said: str
) -> None:
    result = run(data, *args)
    assert result.exit_code == 2
    assert said in result.output


def test_emailing_without_an_smtp_server_says_which_setting_is_missing(
    data: Path, tmp_path: Path
) -> None:
    result = run(data, "--week", "2026-W47", "--out", str(tmp_path), "--email")
    assert result.exit_code == 2
    assert "the report was written but not emailed" in result.output
    assert "report.email.smtp_host" in result.output
    assert (tmp_path / "reputation-report-2026-W47.pdf").is_file()
