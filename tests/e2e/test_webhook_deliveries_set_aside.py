"""Deliveries the webhook drain can never handle are set aside, not lost and not kept for
ever: `houserules webhook set-aside` lists them with why, and `houserules retention`
removes those received before the retention limit (their bodies hold what residents
wrote), leaving every delivery still waiting alone."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from houserules import webhook_commands
from houserules.cli import main
from ingest.webhook_inbox import WebhookInbox, expire_set_aside, set_aside

DAY = 86_400.0


def _fill(path: Path) -> dict[str, int]:
    """An inbox with one delivery waiting and two set aside, one of them 400 days old."""
    inbox = WebhookInbox(path)

    async def put(body: bytes) -> int:
        inbox.reserve()
        return await inbox.put("instagram", body)

    ids = {
        name: asyncio.run(put(body))
        for name, body in [
            ("waiting", b'{"object": "instagram", "entry": []}'),
            ("old", b'{"object": "instagram", "old": "a resident wrote this"}'),
            ("new", b'{"object": "instagram", "new": true}'),
        ]
    }
    inbox.fail(ids["old"], "instagram mention 1801: instagram refused: it does not exist")
    inbox.fail(ids["new"], "cannot be read: \x1b[2J[bold]delivery.entry[0]")
    inbox.close()
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE deliveries SET received_at = ? WHERE id = ?",
            (time.time() - 400 * DAY, ids["old"]),
        )
    return ids


def test_the_inbox_lists_and_expires_only_what_was_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "webhook-inbox.db"
    assert set_aside(path) == [] and not path.exists()  # reading never makes an inbox
    ids = _fill(path)
    assert [d.id for d in set_aside(path)] == [ids["old"], ids["new"]]
    limit = time.time() - 365 * DAY
    assert expire_set_aside(path, limit, dry_run=True) == 1
    assert len(set_aside(path)) == 2
    assert expire_set_aside(path, limit) == 1
    assert [d.id for d in set_aside(path)] == [ids["new"]]
    assert expire_set_aside(path, time.time() + DAY) == 1  # everything set aside, by then
    inbox = WebhookInbox(path)
    try:
        assert inbox.waiting() == 1 and [d.id for d in inbox.take(10)] == [ids["waiting"]]
    finally:
        inbox.close()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOUSERULES_MODEL", "none")
    monkeypatch.setenv("HOUSERULES_RETENTION_DAYS", "365")
    monkeypatch.setattr(webhook_commands.out, "width", 400)
    return tmp_path / "data"


def _run(data_dir: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_an_operator_lists_what_was_set_aside_and_retention_expires_the_old(
    data_dir: Path,
) -> None:
    assert _run(data_dir, "webhook", "set-aside").stdout.strip() == (
        "no webhook deliveries are set aside"
    )
    assert not data_dir.exists()
    ids = _fill(data_dir / "webhook-inbox.db")

    listed = json.loads(_run(data_dir, "webhook", "set-aside", "--json").stdout)
    assert [(d["id"], d["platform"]) for d in listed] == [
        (ids["old"], "instagram"),
        (ids["new"], "instagram"),
    ]
    assert "does not exist" in listed[0]["reason"] and listed[0]["bytes"] > 0
    text = _run(data_dir, "webhook", "set-aside").stdout
    assert "\x1b" not in text and "\\x1b[2J[bold]delivery.entry[0]" in text
    assert "2 set aside" in text

    planned = json.loads(_run(data_dir, "retention", "--dry-run", "--json").stdout)
    assert planned["set_aside_deliveries"] == 1
    assert len(set_aside(data_dir / "webhook-inbox.db")) == 2
    said = _run(data_dir, "retention").stdout
    assert "1 webhook delivery set aside was removed from the inbox." in said
    left = json.loads(_run(data_dir, "webhook", "set-aside", "--json").stdout)
    assert [d["id"] for d in left] == [ids["new"]]
