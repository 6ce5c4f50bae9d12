"""The report as a PDF, by WeasyPrint from the same HTML as the web page.

Tagged (PDF/UA-1): headings, tables and the charts' text alternatives are in the PDF's
structure, so a screen reader reads the PDF as it reads the page. WeasyPrint draws with
Pango (on Debian: libpango-1.0-0 and libpangoft2-1.0-0; deploy/Dockerfile installs them)."""

from __future__ import annotations

import logging


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # WeasyPrint logs every CSS property it does not support as a warning; those are
    # about the screen styles, not faults in the document.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    pdf: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
