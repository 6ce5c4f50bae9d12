"""The whole embedded pipeline, driven as a comms officer would: through `houserules`."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from houserules.cli import main

Invoke = Callable[..., str]
DEV = Path(__file__).resolve().parents[2] / "evaluation" / "council-dev"


@pytest.fixture
def run(tmp_path: Path) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, expect: int = 0) -> str:
        result = runner.invoke(
            main, ["--data-dir", str(tmp_path / "data"), *args], catch_exceptions=False
        )
        assert result.exit_code == expect, result.output
        return result.stdout if expect == 0 else result.output

    return invoke


def test_the_demo_prints_its_summary_and_a_second_run_adds_nothing(run: Invoke) -> None:
    first = json.loads(run("demo", "--json"))
    assert first["processed"] == first["stored"] >= 200
    assert sum(first["by_action"].values()) == first["stored"]
    assert {"allow", "comms", "hide", "escalate"} <= set(first["by_action"])
    second = json.loads(run("demo", "--json"))
    assert second["processed"] == 0
    assert second["unchanged"] == first["stored"]
    assert second["by_action"] == first["by_action"]


def test_the_demo_summary_for_people_shows_queues(run: Invoke) -> None:
    text = run("demo")
    for heading in ("By action", "By category", "review queue", "comms queue", "escalations queue"):
        assert heading in text


def test_importing_the_dev_set_processes_all_300_comments(run: Invoke) -> None:
    data = json.loads(run("import", str(DEV / "comments.jsonl"), "--registers", str(DEV), "--json"))
    assert data["processed"] == 300
    assert data["rejected"] == []


def test_a_file_with_malformed_rows_reports_each_and_imports_the_rest(
    run: Invoke, tmp_path: Path
) -> None:
    lines = (DEV / "comments.jsonl").read_text().splitlines()[:5]
    broken = json.loads(lines[1])
    broken["platform"] = "friendster"
    lines[1] = json.dumps(broken)
    lines.insert(3, "{this is not json")
    file = tmp_path / "mixed.jsonl"
    file.write_text("\n".join(lines) + "\n")
    data = json.loads(run("import", str(file), "--registers", str(DEV), "--json"))
    assert data["processed"] == 4
    assert [r["line"] for r in data["rejected"]] == [2, 4]
    assert "friendster" in data["rejected"][0]["reason"]


def test_classify_prints_categories_evidence_and_the_action(run: Invoke) -> None:
    text = run(
        "classify", "Call me on 07700 900123 about the bins not being collected on Mill Lane"
    )
    assert "action: hide" in text
    assert "personal_data" in text
    assert "evidence: phone number '07700 900123'" in text
    verdict = json.loads(run("classify", "I could murder a bacon cob", "--json"))
    assert verdict["action"] == "allow"


def test_restoring_a_hidden_comment_writes_an_audit_event_and_leaves_the_queue(run: Invoke) -> None:
    run("demo", "--json")
    queue = json.loads(run("queue", "review", "--json"))
    item = queue[0]
    done = json.loads(
        run(
            "review",
            "restore",
            str(item["id"]),
            "--by",
            "Sam Patel",
            "--reason",
            "fair criticism, not abuse",
            "--json",
        )
    )
    assert done["status"] == "restored"
    assert item["id"] not in [i["id"] for i in json.loads(run("queue", "review", "--json"))]
    events = json.loads(run("audit", item["comment"], "--json"))
    assert events[-1]["actor"] == "Sam Patel"
    assert events[-1]["event"] == "restore"
    assert events[-1]["detail"] == "fair criticism, not abuse"
    again = run("review", "confirm", str(item["id"]), "--by", "Sam", "--reason", "x", expect=2)
    assert "already restored" in again


def test_config_check_reports_a_broken_file_without_a_traceback(
    run: Invoke, tmp_path: Path
) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\ncategories: {threat: {threshold: 2, action: escalate}}\n")
    settings = tmp_path / "houserules.yaml"
    settings.write_text(f"rules_file: {bad}\n")
    text = run("--config", str(settings), "config", "check", expect=2)
    assert "error:" in text and str(bad) in text
    assert "Traceback" not in text
    ok = json.loads(run("config", "check", "--json"))
    assert ok["ok"] is True
