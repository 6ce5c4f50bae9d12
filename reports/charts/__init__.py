"""The report's charts as Vega-Lite specifications, rendered by vl-convert.

`specs` builds each chart as a plain JSON-able dict from the report's data (so the
dashboards can share a definition: a spec is data, not code tied to a renderer), and
`render` turns a spec into SVG. Every chart comes with a text alternative and the table of
the numbers it draws (`Chart`), so nobody needs to see it to read it.
"""
