"""`houserules users`: an admin adds, lists, disables, enables and re-roles the review app's
accounts from the command line, with --json for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from houserules.cli import main


def _run(data_dir: Path, *args: str, stdin: str = "", status: int = 0) -> str:
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), *args], input=stdin, catch_exceptions=False
    )
    assert result.exit_code == status, result.output
    return result.output


def test_an_account_is_added_disabled_enabled_and_given_another_role(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _run(data, "users", "add", "sam", stdin="a long enough password\n").strip() == (
        "added sam (moderator)"
    )
    assert _run(data, "users", "disable", "sam").strip() == "sam disabled"
    assert json.loads(_run(data, "users", "list", "--json")) == [
        {"name": "sam", "role": "moderator", "disabled": True}
    ]
    assert json.loads(_run(data, "users", "enable", "sam", "--json")) == {
        "name": "sam",
        "disabled": False,
    }
    assert _run(data, "users", "set-role", "sam", "admin").strip() == "sam is now admin"
    assert _run(data, "users", "list").strip() == "sam\tadmin\tactive"


def test_disabling_someone_who_is_not_there_is_one_error_line(tmp_path: Path) -> None:
    said = _run(tmp_path / "data", "users", "disable", "nobody", status=2)
    assert said.strip() == "error: there is no user 'nobody'"
