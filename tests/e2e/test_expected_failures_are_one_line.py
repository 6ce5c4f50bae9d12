"""Expected failures an officer meets on a busy day are one `error:` line and status 2, never
a traceback; and what the CLI keeps lives in the data folder it is given."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from houserules.cli import main
from tests.fakes.facebook_graph import FakeGraph

Invoke = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    monkeypatch.setenv("HOUSERULES_MODEL", "none")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, expect: int = 0) -> Result:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, result.output
        assert "Traceback" not in result.output
        return result

    return invoke


@pytest.mark.parametrize(
    ("by", "reason", "said"),
    [
        ("", "abusive", "--by is blank: a decision must say who made it"),
        ("   ", "abusive", "--by is blank"),
        ("Sam", "", "--reason is blank: a decision must say why"),
        ("Sam", " \t", "--reason is blank"),
    ],
)
@pytest.mark.parametrize(
    "command", [("review", "confirm"), ("review", "restore"), ("comms", "done")]
)
def test_a_blank_name_or_reason_is_one_error_line(
    run: Invoke, tmp_path: Path, command: tuple[str, str], by: str, reason: str, said: str
) -> None:
    result = run(
        "--data-dir",
        str(tmp_path / "data"),
        *command,
        "1",
        "--by",
        by,
        "--reason",
        reason,
        expect=2,
    )
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: {said}")
    assert not (tmp_path / "data").exists()


def test_an_elasticsearch_that_does_not_answer_is_one_error_line(
    run: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HOUSERULES_STORE", "elasticsearch")
    monkeypatch.setenv("HOUSERULES_ELASTICSEARCH__URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HOUSERULES_ELASTICSEARCH__RETRY_ATTEMPTS", "1")
    for command in (("queue", "review"), ("audit",), ("search", "bins")):
        result = run(*command, expect=2)
        (line,) = result.output.strip().splitlines()
        assert line.startswith(f"error: Elasticsearch at http://127.0.0.1:{port} could not")


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph(token="page-token") as fake:
        yield fake


def test_the_connector_cursor_lives_in_the_data_folder(
    run: Invoke, tmp_path: Path, graph: FakeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = graph.add_post("Food waste collections start on Monday")
    graph.post_comment(post, "Bins on Elm Road missed again")
    monkeypatch.setenv("HOUSERULES_CONNECTORS__FACEBOOK__PAGE_ID", graph.page_id)
    monkeypatch.setenv("HOUSERULES_CONNECTORS__FACEBOOK__PAGE_ACCESS_TOKEN", "page-token")
    monkeypatch.setenv("HOUSERULES_CONNECTORS__FACEBOOK__GRAPH_URL", graph.url)
    data = tmp_path / "council-data"
    report = json.loads(
        run("--data-dir", str(data), "connect", "facebook", "--once", "--json").stdout
    )
    assert report["delivered"] == 1
    assert (data / "cursors.db").is_file()
    assert not (tmp_path / ".houserules").exists()
    again = json.loads(
        run("--data-dir", str(data), "connect", "facebook", "--once", "--json").stdout
    )
    assert again["delivered"] == 0  # the cursor was found where it was left


def test_an_import_with_a_bad_byte_keeps_its_good_rows(run: Invoke, tmp_path: Path) -> None:
    file = tmp_path / "export.jsonl"
    file.write_bytes(
        b'{"id": "1", "platform": "nextdoor", "text": "Bins missed again"}\n'
        b'{"id": "2", "platform": "nextdoor", "text": "Caf\xe9 on the green"}\n'
        b'{"id": "3", "platform": "nextdoor", "text": "Lovely park"}\n'
    )
    result = run("--data-dir", str(tmp_path / "data"), "import", str(file), "--json")
    data = json.loads(result.stdout)
    assert data["processed"] == 2
    assert data["rejected"] == [
        {"line": 2, "reason": "not UTF-8 text (byte 0xe9, the line's byte 49)"}
    ]
