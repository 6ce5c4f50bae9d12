"""Triage dashboards: the charts as data (`catalogue`), each as a plain Elasticsearch request,
SQL on the embedded store and one Vega-Lite drawing; Kibana saved objects generated from
them and the client that installs them; the same views rendered to SVG for the review app."""
