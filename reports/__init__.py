"""The weekly reputation report: what people said about the council, what changed, what the
team did about it, and whether the house rules were applied fairly.

`reports.build.build_report` reads one Monday-to-Sunday week (Europe/London) from either
store through `store.report_reads`, works out every figure in `reports.figures`, and writes
HTML (Jinja2) and PDF (WeasyPrint) with Vega-Lite charts (`reports.charts`). Nothing here
imports `houserules/`; the `houserules report` command wires settings and stores to it.
"""
