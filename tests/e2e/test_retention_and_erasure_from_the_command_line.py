"""Retention and erasure as an officer runs them: `houserules retention` and `houserules erase`,
on the local store, with what they print and what the audit log then shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from houserules.cli import main
from moderation.comment import Comment, Platform, Surface
from moderation.review import AuditEvent, PlatformState
from moderation.verdict import Action, Category, ClassifiedComment, Finding, Route, Verdict
from store.base import ProcessedComment, QueueEntry
from store.sqlite import SqliteStore

Invoke = Callable[..., str]
NOW = datetime.now(UTC)


def stored(
    n: int, text: str, *, author_id: str, age_days: float, hidden: bool = True, handle: str = ""
) -> ProcessedComment:
    c = Comment(
        Platform.FACEBOOK,
        Surface.OWN_PAGE,
        f"c{n}",
        text,
        NOW - timedelta(days=age_days),
        author_handle=handle or f"name{n}",
        author_id=author_id,
    )
    finding = Finding(Category.HARASSMENT, 0.9, "insults")
    verdict = Verdict(c.key, Action.HIDE, (finding,), (Route.REVIEW,), True, False, "r1", "m1")
    return ProcessedComment(
        ClassifiedComment(c, verdict),
        PlatformState.HIDDEN if hidden else PlatformState.NOT_CONNECTED,
        (QueueEntry(Route.REVIEW, "harassment"),),
        (AuditEvent(c.created_at, "houserules", "hidden", c.key, f"harassment: {text}"),),
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    store = SqliteStore(tmp_path / "data" / "houserules.db")
    store.save(
        [
            stored(1, "an insult from long ago", author_id="1001", age_days=400),
            stored(2, "you absolute muppet", author_id="1001", age_days=3),
            stored(3, "another insult", author_id="2002", age_days=3, hidden=False),
        ]
    )
    store.close()
    return tmp_path / "data"


@pytest.fixture
def run(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("HOUSERULES_MODEL", "none")
    monkeypatch.setenv("HOUSERULES_RETENTION_DAYS", "365")
    runner = CliRunner()

    def invoke(*args: str, expect: int = 0, input: str | None = None) -> str:
        result = runner.invoke(
            main, ["--data-dir", str(data_dir), *args], input=input, catch_exceptions=False
        )
        assert result.exit_code == expect, result.output
        return result.stdout if expect == 0 else result.output

    return invoke


def test_a_retention_dry_run_shows_what_would_go_and_changes_nothing(run: Invoke) -> None:
    planned = json.loads(run("retention", "--dry-run", "--json"))
    assert planned["dry_run"] is True
    assert planned["retention_days"] == 365
    assert (planned["comments"], planned["queue_items"]) == (1, 1)
    assert len(json.loads(run("queue", "review", "--json"))) == 3
    assert [e["event"] for e in json.loads(run("audit", "--json"))] == ["hidden"] * 3
    text = run("retention", "--dry-run")
    assert "would remove" in text and "1 comment," in text
    assert "Dry run: nothing was changed" in text


def test_retention_removes_old_comments_prints_what_it_removed_and_audits_it(
    run: Invoke,
) -> None:
    text = run("retention")
    assert "removed what was created before" in text
    assert "1 comment, 1 queue item, 0 dead letters" in text
    assert "1 comment was still hidden on its platform and stays hidden there" in text

    assert [i["comment"] for i in json.loads(run("queue", "review", "--json"))] == [
        "facebook:c2",
        "facebook:c3",
    ]
    assert json.loads(run("search", "long ago", "--json")) == []
    (old,) = json.loads(run("audit", "facebook:c1", "--json"))
    assert old["event"] == "hidden"
    assert old["detail"] == f"[erased by retention: {NOW:%Y-%m-%d}]"
    last = json.loads(run("audit", "--json"))[-1]
    assert (last["event"], last["actor"], last["comment"]) == ("retention", "houserules", "")

    again = json.loads(run("retention", "--json"))
    assert (again["comments"], again["dry_run"]) == (0, False)


def test_erasing_an_author_removes_their_comments_and_says_which_stay_hidden_on_the_platform(
    run: Invoke,
) -> None:
    text = run(
        "erase",
        "--platform",
        "facebook",
        "--author",
        "1001",
        "--by",
        "Ali Khan",
        "--reason",
        "case DP-2026-0042",
        "--yes",
    )
    assert "erased for facebook author '1001': 2 comments, 2 queue items" in text
    assert "2 comments are still hidden on facebook and stay hidden there" in text
    assert "facebook:c1, facebook:c2" in text

    assert [i["comment"] for i in json.loads(run("queue", "review", "--json"))] == ["facebook:c3"]
    assert json.loads(run("search", "muppet", "--json")) == []
    (event,) = json.loads(run("audit", "facebook:c2", "--json"))
    assert (event["event"], event["detail"]) == ("hidden", f"[erased at request: {NOW:%Y-%m-%d}]")
    record = json.loads(run("audit", "--json"))[-1]
    assert (record["event"], record["actor"], record["comment"]) == ("erasure", "Ali Khan", "")
    assert "case DP-2026-0042" in record["detail"] and "1001" not in record["detail"]


def erase(author: str, *more: str) -> tuple[str, ...]:
    return ("erase", "--platform", "facebook", "--author", author, "--by", "Ali", *more)


def test_an_erasure_that_matches_nothing_is_an_error_and_changes_nothing(run: Invoke) -> None:
    text = run(*erase("9999", "--reason", "DP-7", "--yes"), expect=2)
    assert "error: nothing stored matches facebook author '9999'" in text
    assert "Traceback" not in text
    run(*erase("9999", "--reason", "DP-7", "--json", "--yes"), expect=2)
    assert len(json.loads(run("queue", "review", "--json"))) == 3
    assert [e["event"] for e in json.loads(run("audit", "--json"))] == ["hidden"] * 3


def test_an_erasure_lists_what_it_will_erase_and_changes_nothing_unless_confirmed(
    run: Invoke,
) -> None:
    text = run(*erase("1001", "--reason", "DP-7"), input="n\n", expect=1)
    assert "facebook author '1001' matches 2 comments, 2 queue items" in text
    assert '"name1", "name2" (id 1001): 2 comments' in text
    assert "Erase all of this?" in text and "Aborted" in text
    assert len(json.loads(run("queue", "review", "--json"))) == 3

    text = run(*erase("1001", "--reason", "DP-7"), input="y\n")
    assert "erased for facebook author '1001': 2 comments" in text
    assert [i["comment"] for i in json.loads(run("queue", "review", "--json"))] == ["facebook:c3"]


def test_an_author_is_found_by_display_name_whatever_the_case(run: Invoke) -> None:
    data = json.loads(run(*erase("NAME3", "--reason", "DP-7", "--yes", "--json")))
    assert data["authors"] == [{"author_id": "2002", "names": ["name3"], "comments": 1}]
    assert data["comments"] == 1
    assert [i["comment"] for i in json.loads(run("queue", "review", "--json"))] == [
        "facebook:c1",
        "facebook:c2",
    ]


def test_a_name_shared_by_two_authors_is_not_erased_with_yes(run: Invoke, data_dir: Path) -> None:
    store = SqliteStore(data_dir / "houserules.db")
    store.save([stored(4, "a namesake", author_id="4004", age_days=1, handle="Name3")])
    store.close()

    text = run(*erase("name3", "--reason", "DP-7", "--yes"), expect=2)
    assert "These are 2 different authors" in text
    assert "matches 2 different authors" in text
    assert len(json.loads(run("queue", "review", "--json"))) == 4


def test_an_erasure_whose_reason_names_the_author_is_refused(run: Invoke) -> None:
    text = run(
        "erase",
        "--platform",
        "facebook",
        "--author",
        "1001",
        "--by",
        "Ali",
        "--reason",
        "user 1001 asked",
        expect=2,
    )
    assert "must not contain the author's id" in text
    assert len(json.loads(run("queue", "review", "--json"))) == 3
