"""Every command's `error:` line goes through one function, `command_output.fail`: an escape
sequence in a folder, a file or a name reaches the terminal as a visible escape, rich markup
in it is shown as text, a secret in it is masked, and the error stays one line."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from houserules.cli import main
from houserules.command_output import fail
from houserules.log_safety import MASK, forget_secrets, register_secrets

HOUSE = Path(__file__).resolve().parents[2] / "houserules"
# A screen clear, a conceal attribute and rich's conceal tag in the name of a folder.
HOSTILE = "tidy\x1b[2J\x1b[8m[conceal]x[/conceal]"
SHOWN = "tidy\\x1b[2J\\x1b[8m[conceal]x[/conceal]"


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    return tmp_path / HOSTILE


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOUSERULES_MODEL", "none")


def _error_line(*args: str, status: int = 2) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == status, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: ")
    assert "\x1b" not in result.output
    return line


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["learn"], id="learn"),
        pytest.param(
            ["erase", "--platform", "x", "--author", "a", "--by", "Sam", "--reason", "case 1"],
            id="erase",
        ),
        pytest.param(["import", "{dir}/comments.csv"], id="import"),
    ],
)
def test_an_escape_sequence_and_markup_in_an_error_are_shown_not_obeyed(
    hostile_dir: Path, command: list[str]
) -> None:
    args = [a.replace("{dir}", str(hostile_dir)) for a in command]
    line = _error_line("--data-dir", str(hostile_dir), *args)
    assert SHOWN in line


def test_a_user_command_error_is_the_same_error_line(hostile_dir: Path) -> None:
    name = "sam\x1b[2J[bold]"
    line = _error_line("--data-dir", str(hostile_dir), "users", "set-role", name, "admin")
    assert line == "error: there is no user 'sam\\x1b[2J[bold]'"


def test_a_service_that_cannot_start_is_the_same_error_line_with_its_own_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOUSERULES_SERVICES_DIR", str(tmp_path / "services"))
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = str(holder.getsockname()[1])
        line = _error_line("services", "up", "--only", "kafka", "--kafka-port", taken, status=1)
    assert line.startswith(f"error: kafka: port {taken} on 127.0.0.1 is already in use")


def test_a_secret_in_an_error_is_masked_and_the_status_is_the_one_asked_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    register_secrets(["s3cret-token-value"])
    try:
        with pytest.raises(SystemExit) as exited:
            fail("Kibana said no to s3cret-token-value at \x1b]0;owned\x07", status=1)
    finally:
        forget_secrets()
    assert exited.value.code == 1
    said = capsys.readouterr().err
    assert said == f"error: Kibana said no to {MASK} at \\x1b]0;owned\\x07\n"


def test_no_command_prints_an_error_line_of_its_own() -> None:
    own = re.compile(r"""f?["'](\[red\])?error:""")
    printing = {
        str(path.relative_to(HOUSE))
        for path in HOUSE.rglob("*.py")
        if path.name != "command_output.py" and own.search(path.read_text())
    }
    assert printing == set(), "print error lines with houserules.command_output.fail"
