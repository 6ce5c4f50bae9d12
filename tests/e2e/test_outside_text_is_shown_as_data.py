"""Comment text, authors and officers' words are written by people, some of them hostile: the
command line shows them exactly, as data. rich markup in a comment is neither obeyed nor
fatal, and terminal escape codes reach the terminal only as visible escapes."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from houserules import cli
from houserules.cli import main
from houserules.log_safety import install_log_safety
from moderation.comment import Comment, Platform, Surface
from moderation.outside_text import visible
from moderation.review import AuditEvent, PlatformState
from moderation.verdict import (
    Action,
    Category,
    ClassifiedComment,
    Evidence,
    Finding,
    Route,
    Verdict,
)
from store.base import ProcessedComment, QueueEntry
from store.sqlite import SqliteStore

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
# A threat wrapped in rich's conceal tag, a stray closing tag, a screen clear, an ANSI
# "conceal" attribute, a carriage return that would overwrite the line, and a direction
# override that reverses what follows.
CONCEALED = "[conceal]I will find you at the depot[/conceal]"
STRAY_TAG = "you muppet [/x] [bold red]"
ANSI = "\x1b[2J\x1b[8mhidden in plain sight\x1b[0m"
OVERWRITE = "lovely park\rI will hurt you"
REVERSED = "see \u202eusy llik lliw i"

Invoke = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("HOUSERULES_MODEL", "none")
    monkeypatch.setattr(cli.out, "width", 400)
    runner = CliRunner()

    def invoke(*args: str, expect: int = 0) -> Result:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, result.output
        assert "Traceback" not in result.output
        return result

    return invoke


def hostile(n: int, text: str, author: str = "r") -> ProcessedComment:
    c = Comment(Platform.FACEBOOK, Surface.OWN_PAGE, f"c{n}", text, MONDAY, author_handle=author)
    finding = Finding(
        Category.HARASSMENT, 0.9, "insults", (Evidence("insults", f"insult: {text}", text),)
    )
    verdict = Verdict(c.key, Action.HIDE, (finding,), (Route.REVIEW,), True, False, "r1", "m1")
    return ProcessedComment(
        ClassifiedComment(c, verdict),
        PlatformState.HIDDEN,
        (QueueEntry(Route.REVIEW, f"harassment [/i] {text}"),),
        (AuditEvent(MONDAY, "houserules", "hidden", c.key, verdict.explain()),),
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    store = SqliteStore(data / "houserules.db")
    texts = [CONCEALED, STRAY_TAG, ANSI, OVERWRITE, REVERSED]
    store.save([hostile(n, text, author=f"[blink]{n}\x1b[5m") for n, text in enumerate(texts)])
    store.close()
    return data


def assert_shown_as_data(output: str) -> None:
    assert "\x1b" not in output and "\r" not in output and "\u202e" not in output
    assert "[conceal]I will find you at the depot[/conceal]" in output
    assert "[/x] [bold red]" in output
    assert "\\x1b[2J\\x1b[8mhidden in plain sight\\x1b[0m" in output
    assert "lovely park\\x0dI will hurt you" in output
    assert "see \\u202eusy llik lliw i" in output


def test_the_queue_table_shows_markup_and_escape_codes_in_comments_as_text(
    run: Invoke, data_dir: Path
) -> None:
    table = run("--data-dir", str(data_dir), "queue", "review").stdout
    assert_shown_as_data(table)
    assert "[/i]" in table


def test_search_and_the_audit_log_show_them_as_text_too(run: Invoke, data_dir: Path) -> None:
    found = run("--data-dir", str(data_dir), "search", "plain sight").stdout
    assert "\\x1b[2J\\x1b[8mhidden in plain sight\\x1b[0m" in found and "\x1b" not in found
    audit = run("--data-dir", str(data_dir), "audit").stdout
    assert "\x1b" not in audit and "\u202e" not in audit and "\r" not in audit
    assert "[conceal]I will find you at the depot[/conceal]" in audit


def test_a_decision_whose_officer_name_and_reason_carry_markup_is_recorded_and_shown(
    run: Invoke, data_dir: Path
) -> None:
    result = run(
        "--data-dir",
        str(data_dir),
        "review",
        "confirm",
        "1",
        "--by",
        "[/b]Sam\x1b[31m",
        "--reason",
        "[conceal]abusive[/conceal]",
    )
    assert "by [/b]Sam\\x1b[31m" in result.stdout and "\x1b" not in result.stdout
    events = json.loads(run("--data-dir", str(data_dir), "audit", "--json").stdout)
    assert events[-1]["actor"] == "[/b]Sam\x1b[31m"  # stored exactly as given
    assert events[-1]["detail"] == "[conceal]abusive[/conceal]"
    audit = run("--data-dir", str(data_dir), "audit").stdout
    assert "[/b]Sam\\x1b[31m" in audit and "[conceal]abusive[/conceal]" in audit


def test_json_output_keeps_the_text_exactly(run: Invoke, data_dir: Path) -> None:
    items = json.loads(run("--data-dir", str(data_dir), "queue", "review", "--json").stdout)
    assert {i["text"] for i in items} == {CONCEALED, STRAY_TAG, ANSI, OVERWRITE, REVERSED}


def test_a_rejected_import_row_shows_its_fields_as_text(run: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "[conceal]bad[red].jsonl"
    bad.write_text(
        json.dumps({"id": "1", "platform": "[/x]\x1b[2J", "text": "hi"})
        + "\n"
        + json.dumps({"id": "2", "platform": "facebook", "surface": "[conceal]", "text": "x"})
        + "\n"
        + json.dumps({"id": "3", "platform": "facebook", "text": "bins missed [/x] again"})
        + "\n"
    )
    result = run("--data-dir", str(tmp_path / "data"), "import", str(bad))
    assert "\x1b" not in result.output
    assert "unknown platform '[/x]\\x1b[2j'" in result.output
    assert "unknown surface '[conceal]'" in result.output
    assert f"{bad}: 1 rows imported, 2 rejected" in result.output


def test_a_log_line_carrying_a_comment_shows_its_escapes_and_cannot_forge_a_second_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_safety()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("houserules.test").warning(
            "dead-lettered %s: %s", "\x1b[2Jfacebook:1", "ok\n2026-11-16 INFO all clear"
        )
    (line,) = caplog.text.splitlines()
    assert "\\x1b[2Jfacebook:1" in line and "\x1b" not in line
    assert "ok\\x0a2026-11-16 INFO all clear" in line


def test_visible_escapes_controls_but_keeps_ordinary_text_and_layout() -> None:
    assert visible("Bins on Elm Road, £52 — 🙂\n\tthanks") == "Bins on Elm Road, £52 — 🙂\n\tthanks"
    assert visible("a\x1b[31mb\x00c\x7fd\x9be") == "a\\x1b[31mb\\x00c\\x7fd\\x9be"
    assert visible("line\none\ttab", one_line=True) == "line\\x0aone\\x09tab"
    assert visible("\u202e\u2066x\u2069") == "\\u202e\\u2066x\\u2069"
    # Emoji joined by zero-width joiners stay whole: joiners are not controls.
    assert visible("👩\u200d👩\u200d👧") == "👩\u200d👩\u200d👧"
