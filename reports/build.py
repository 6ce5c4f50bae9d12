"""Writing a week's report: the data (JSON), the page (HTML) and the PDF, side by side.

Files are written under a temporary name and renamed, so a reader (or the email) never
picks up half a report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from reports.data import WeeklyReport
from reports.html import render_html
from reports.pdf import render_pdf

FORMATS = ("html", "pdf")


@dataclass(frozen=True, slots=True)
class Written:
    data: Path
    html: Path | None
    pdf: Path | None
    pdf_bytes: bytes | None


def _write(path: Path, content: bytes) -> Path:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)
    return path


def write_report(report: WeeklyReport, out_dir: Path, formats: Collection[str]) -> Written:
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format {sorted(unknown)}: choose from html, pdf")
    out_dir.mkdir(parents=True, exist_ok=True)
    base = f"reputation-report-{report.week}"
    data = _write(
        out_dir / f"{base}.json",
        json.dumps(report.to_json(), indent=2, ensure_ascii=False).encode(),
    )
    html = render_html(report) if formats else ""
    html_path = pdf_path = None
    pdf = None
    if "html" in formats:
        html_path = _write(out_dir / f"{base}.html", html.encode())
    if "pdf" in formats:
        pdf = render_pdf(html)
        pdf_path = _write(out_dir / f"{base}.pdf", pdf)
    return Written(data, html_path, pdf_path, pdf)
