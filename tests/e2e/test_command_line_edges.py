"""The edges a newcomer meets first, driven through `houserules` as they would meet them:
empty and unreadable inputs, a data folder that is not one, help and --json everywhere."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from houserules import cli
from houserules.cli import main

DEV = Path(__file__).resolve().parents[2] / "evaluation" / "council-dev"
# Servers run until stopped and log as they go; they have nothing to report as JSON.
SERVERS = {"serve", "webhook serve", "worker", "report schedule"}

Invoke = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("HOUSERULES_MODEL", "none")
    monkeypatch.setattr(cli.out, "width", 200)
    runner = CliRunner()

    def invoke(*args: str, expect: int = 0) -> Result:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, result.output
        assert "Traceback" not in result.output
        return result

    return invoke


def _commands(
    group: click.Group, ctx: click.Context, path: str = ""
) -> Iterator[tuple[str, click.Command]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        full = f"{path} {name}".strip()
        if isinstance(command, click.Group):
            yield from _commands(command, ctx, full)
        else:
            yield full, command


def test_every_option_has_help_and_every_command_that_reports_takes_json() -> None:
    ctx = click.Context(main)
    commands = dict(_commands(main, ctx))
    assert {"demo", "import", "erase", "queue", "users add", "bench classify"} <= set(commands)
    no_help = [
        f"{name} {option.opts[0]}"
        for name, command in [("houserules", main), *commands.items()]
        for option in command.params
        if isinstance(option, click.Option) and not option.help
    ]
    assert no_help == []
    without_json = {
        name
        for name, command in commands.items()
        if not any("--json" in getattr(p, "opts", ()) for p in command.params)
    }
    assert without_json == SERVERS


def test_classify_refuses_an_empty_comment(run: Invoke) -> None:
    for text in ("", "   "):
        result = run("classify", text, expect=2)
        assert "TEXT is empty" in result.output


def test_classify_shows_each_score_on_its_scale_with_the_threshold(run: Invoke) -> None:
    text = run("classify", "Call me on 07700 900123 about the bins").stdout
    assert "- personal_data: score" in text and "of 1, threshold" in text


def test_an_import_with_no_good_row_fails_and_says_so(run: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "data"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "platform": "myspace", "text": "hi"}\n{broken\n')
    result = run("--data-dir", str(data), "import", str(bad), "--registers", str(DEV), expect=2)
    assert f"error: {bad}: no comments imported (2 rows rejected)" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_text("id,platform,text\n")
    result = run("--data-dir", str(data), "import", str(empty), expect=2)
    assert "no comments imported: the file has no rows" in result.output


def test_a_json_array_is_imported(run: Invoke, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (DEV / "comments.jsonl").read_text().splitlines()[:3]]
    file = tmp_path / "export.json"
    file.write_text(json.dumps(rows, indent=2))
    args = ("--data-dir", str(tmp_path / "data"), "import", str(file), "--registers", str(DEV))
    data = json.loads(run(*args, "--json").stdout)
    assert (data["processed"], data["rejected"]) == (3, [])


@pytest.mark.parametrize(
    "command",
    [("queue", "review"), ("audit",), ("search", "bins"), ("demo",), ("retention",)],
)
def test_a_data_dir_that_is_a_file_is_one_clear_error(
    run: Invoke, tmp_path: Path, command: tuple[str, ...]
) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("not a folder")
    result = run("--data-dir", str(file), *command, expect=2)
    (line,) = result.output.strip().splitlines()
    assert line == f"error: {file} is a file, not a folder: the store needs a folder"


def test_a_data_dir_that_cannot_be_made_or_opened_is_one_clear_error(
    run: Invoke, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    under_a_file = tmp_path / "notes.txt" / "data"
    result = run("--data-dir", str(under_a_file), "demo", expect=2)
    assert result.output.startswith(f"error: cannot open the store {under_a_file}")
    not_a_database = tmp_path / "data"
    not_a_database.mkdir()
    (not_a_database / "houserules.db").write_text("a spreadsheet saved in the wrong place")
    result = run("--data-dir", str(not_a_database), "queue", "review", expect=2)
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: cannot open the store {not_a_database / 'houserules.db'}")


def test_commands_that_only_read_never_make_the_data_dir(run: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "data"
    for command in (("queue", "review"), ("audit",), ("search", "bins")):
        result = run("--data-dir", str(data), *command)
        assert f"nothing stored yet in {data}" in result.output
        assert json.loads(run("--data-dir", str(data), *command, "--json").stdout) == []
    assert "nothing to remove" in run("--data-dir", str(data), "retention").output
    erase = ("erase", "--platform", "x", "--author", "jo", "--by", "Ali", "--reason", "DP-1")
    assert "nothing stored yet" in run("--data-dir", str(data), *erase, expect=2).output
    assert not data.exists()


def test_the_queue_table_names_its_columns_and_the_demo_calls_its_hides_simulated(
    run: Invoke, tmp_path: Path
) -> None:
    data = str(tmp_path / "data")
    summary = run("--data-dir", data, "demo").stdout
    assert "hide (simulated)" in summary
    assert "Hides are simulated: the demo is connected to no platform" in summary
    assert json.loads(run("--data-dir", data, "demo", "--json").stdout)["hides_simulated"]
    table = run("--data-dir", data, "queue", "review").stdout
    for column in ("item", "comment (platform:id)", "why queued", "on the platform", "text"):
        assert f" {column} " in table
    assert "not_connected" in table


def test_bench_classify_says_where_a_comments_time_goes(
    run: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HOUSERULES_MODEL")  # the bundled model
    sample = tmp_path / "comments.jsonl"
    lines = (DEV / "comments.jsonl").read_text().splitlines(True)[:62]
    first = json.loads(lines[0])
    for n, text in enumerate(["Get lost you 1d10t", "Lovely new benches 😍👏"]):
        lines.append(json.dumps({**first, "id": f"added-{n}", "text": text}) + "\n")
    sample.write_text("".join(lines))
    bench = ("bench", "classify", "--file", str(sample), "--rounds", "1")
    figures = json.loads(run(*bench, "--json").output)
    assert figures["n"] == 64 and figures["comments_per_s"] > 0
    assert figures["reading_ms"] > 0 and figures["detectors_ms"] > 0
    # Dodged spellings are read twice, as written and plainly; most comments once.
    assert 1.0 < figures["texts_encoded_per_comment"] < 2.0
    assert "detectors and decision" in run(*bench).output
