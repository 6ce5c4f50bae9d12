"""The report's charts: Vega-Lite drawings by the dashboards' builder, rendered by vl-convert.

`specs` defines each chart in the dashboards' terms (`dashboards.model.Chart`) over rows the
report worked out and draws it with `dashboards.vega.embedded_spec`, so a chart the report
and a dashboard both show looks the same; `render` turns a drawing into SVG. Every chart
comes with a text alternative and the table of the numbers it draws (`Chart`), so nobody
needs to see it to read it.
"""
