"""The Kibana saved objects: the checked-in file is exactly what the generator writes, every
line parses, every reference resolves, and the objects are for the Kibana that matches the
Elasticsearch the project runs. `houserules dashboards export` writes the same objects for
the configured index prefix and review app address."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from dashboards.saved_objects import (
    CHECKED_IN,
    DEFAULT_PREFIX,
    DEFAULT_REVIEW_URL,
    KIBANA_VERSION,
    ndjson,
    saved_objects,
)
from houserules.cli import main
from houserules.services import ServicesSettings
from review_app.settings import ReviewAppSettings
from store.elasticsearch_settings import ElasticsearchSettings

ROOT = Path(__file__).resolve().parents[2]


def parse(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def test_the_checked_in_file_is_what_the_generator_writes() -> None:
    assert CHECKED_IN.read_text(encoding="utf-8") == ndjson(saved_objects()), (
        "run `python -m dashboards` to rewrite dashboards/kibana/houserules.ndjson"
    )
    assert ElasticsearchSettings().index_prefix == DEFAULT_PREFIX
    assert ReviewAppSettings().public_url == DEFAULT_REVIEW_URL


def test_every_line_parses_and_every_reference_resolves() -> None:
    objects = parse(CHECKED_IN.read_text(encoding="utf-8"))
    ids = {(o["type"], o["id"]) for o in objects}
    assert len(ids) == len(objects), "ids are unique"
    for obj in objects:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in ids, f"{obj['id']} refers to a missing {ref}"
        attributes = obj["attributes"]
        if obj["type"] == "dashboard":
            panels = json.loads(attributes["panelsJSON"])
            names = {r["name"] for r in obj["references"]}
            assert panels, obj["id"]
            for panel in panels:
                assert f"{panel['panelIndex']}:{panel['panelRefName']}" in names
        if obj["type"] == "search":
            source = json.loads(attributes["kibanaSavedObjectMeta"]["searchSourceJSON"])
            assert source["indexRefName"] in {r["name"] for r in obj["references"]}


def test_there_are_four_dashboards_and_each_panel_is_a_chart_a_document_list_or_a_note() -> None:
    objects = parse(CHECKED_IN.read_text(encoding="utf-8"))
    dashboards = [o for o in objects if o["type"] == "dashboard"]
    assert sorted(d["attributes"]["title"] for d in dashboards) == [
        "houserules: Accountability",
        "houserules: Comms",
        "houserules: Reputation",
        "houserules: Triage",
    ]
    data_views = {o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"}
    assert data_views == {"houserules-comments", "houserules-queue", "houserules-audit"}
    for vis in (o for o in objects if o["type"] == "visualization"):
        state = json.loads(vis["attributes"]["visState"])
        if state["type"] == "markdown":
            assert vis["id"].startswith("houserules-note-"), "only notes are Markdown"
            continue
        assert state["type"] == "vega"
        spec = json.loads(state["params"]["spec"])
        assert spec["$schema"].endswith("vega-lite/v5.json")
        assert spec["data"]["url"]["index"] in data_views
        assert not re.search(r"%\w+%", json.dumps(spec)), "a plain request, runnable as it is"


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def test_the_objects_are_for_the_kibana_that_matches_the_elasticsearch_the_project_runs() -> None:
    assert _major_minor(KIBANA_VERSION) == _major_minor(ServicesSettings().elasticsearch_version)
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    kibana = re.search(r"kibana/kibana:(\S+)", compose)
    elasticsearch = re.search(r"elasticsearch/elasticsearch:(\S+)", compose)
    assert kibana and elasticsearch
    assert kibana.group(1) == elasticsearch.group(1), "Kibana runs the version of its cluster"
    default = re.fullmatch(r"\$\{HOUSERULES_ELASTIC_VERSION:-([\d.]+)\}", kibana.group(1))
    assert default, kibana.group(1)
    assert default.group(1) == ServicesSettings().elasticsearch_version, (
        "docker-compose runs the Elasticsearch the services and tests run"
    )
    assert _major_minor(default.group(1)) == _major_minor(KIBANA_VERSION)


def test_export_writes_the_objects_for_the_configured_prefix_and_review_address(
    tmp_path: Path,
) -> None:
    out = tmp_path / "objects.ndjson"
    env = {
        "HOUSERULES_DATA_DIR": str(tmp_path / "data"),
        "HOUSERULES_ELASTICSEARCH__INDEX_PREFIX": "wrenfield",
        "HOUSERULES_REVIEW_APP__PUBLIC_URL": "https://review.wrenfield.gov.uk/",
    }
    result = CliRunner().invoke(
        main, ["dashboards", "export", "--out", str(out), "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    objects = parse(out.read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == {"file": str(out), "objects": len(objects)}
    assert objects == saved_objects("wrenfield", "https://review.wrenfield.gov.uk")
    text = out.read_text(encoding="utf-8")
    assert "wrenfield-queue" in text and "houserules-queue" not in text
    assert "https://review.wrenfield.gov.uk/items/" in text
    assert not (tmp_path / "data").exists(), "exporting stores nothing"


def test_export_to_a_folder_that_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "objects.ndjson"
    env = {"HOUSERULES_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(main, ["dashboards", "export", "--out", str(target)], env=env)
    assert result.exit_code == 2
    assert f"cannot write {target}" in result.stderr


def test_docker_compose_installs_the_dashboards_once_kibana_is_up() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    job = services["dashboards"]
    assert job["command"][:3] == ["houserules", "dashboards", "install"]
    assert job["depends_on"] == {"kibana": {"condition": "service_healthy"}}
    assert "healthcheck" in services["kibana"]


def test_the_reputation_dashboard_says_where_the_weekly_reports_themes_are() -> None:
    objects = saved_objects("wrenfield", "https://review.wrenfield.gov.uk/")
    by_id = {o["id"]: o for o in objects}
    note = by_id["wrenfield-note-themes"]
    state = json.loads(note["attributes"]["visState"])
    assert state["type"] == "markdown"
    link = "(https://review.wrenfield.gov.uk/dashboards/reputation#themes)"
    assert link in state["params"]["markdown"]
    assert "not in Elasticsearch" in state["params"]["markdown"]
    reputation = by_id["wrenfield-dashboard-reputation"]
    panels = [r["id"] for r in reputation["references"]]
    assert panels == [
        "wrenfield-chart-volume_by_platform",
        "wrenfield-chart-tone_by_day",
        "wrenfield-chart-most_discussed_posts",
        "wrenfield-note-themes",
    ]
    grid = [p["gridData"] for p in json.loads(reputation["attributes"]["panelsJSON"])]
    assert grid[-1] == {"x": 24, "y": 15, "w": 24, "h": 15, "i": "4"}, "beside the last chart"
