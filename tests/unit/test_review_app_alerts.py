"""A new escalation is announced at once by email (a real local SMTP server, aiosmtpd) and by
webhook (a local HTTP server), once, and recorded in the audit log; a restarted app does not
announce it again."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from moderation.verdict import Route
from review_app.alerts import EmailAndWebhook, EscalationWatcher
from review_app.settings import AlertSettings
from store.base import AuditFilter
from tests.browser.world import World, build_world
from tests.fakes.facebook_graph import FakeGraph


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def webhook() -> Iterator[tuple[list[Any], str]]:
    received: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["content-length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received, f"http://127.0.0.1:{server.server_address[1]}/teams"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with FakeGraph(token="page-token") as graph:
        built = build_world(tmp_path, graph)
        yield built
        built.deps.accounts.close()
        built.deps.store.close()


def test_a_new_escalation_is_emailed_and_posted_to_the_webhook_once(
    world: World, smtp: tuple[Inbox, int], webhook: tuple[list[Any], str]
) -> None:
    inbox, port = smtp
    posted, url = webhook
    settings = AlertSettings(
        email_to=("duty.officer@harrowmere.gov.uk",),
        email_from="houserules@harrowmere.gov.uk",
        smtp_host="127.0.0.1",
        smtp_port=port,
        webhook_url=url,
    )
    watcher = EscalationWatcher(
        world.deps.store, EmailAndWebhook(settings), world.clock, "https://review.example"
    )
    item = world.item_for("threat", "escalations")

    assert watcher.check_once() == [item]
    assert watcher.check_once() == []

    (mail,) = inbox.messages
    assert mail["To"] == "duty.officer@harrowmere.gov.uk"
    assert "new escalation on facebook" in mail["Subject"]
    assert f"https://review.example/items/{item}" in mail.get_payload()
    assert "knife" not in mail.get_payload(), "the comment itself is not emailed"
    (hook,) = posted
    assert f"https://review.example/items/{item}" in hook["text"]
    events, _ = world.deps.store.audit_page(AuditFilter(event="alerted"))
    assert [(e.item_id, e.detail) for e in events] == [
        (item, "email to duty.officer@harrowmere.gov.uk; webhook")
    ]

    restarted = EscalationWatcher(
        world.deps.store, EmailAndWebhook(settings), world.clock, "https://review.example"
    )
    assert restarted.check_once() == [], "what was announced before a restart stays announced"
    assert len(inbox.messages) == 1


def test_an_alert_no_channel_took_is_tried_again_on_the_next_round(
    world: World, webhook: tuple[list[Any], str]
) -> None:
    posted, url = webhook
    closed_port = _free_port()
    down = AlertSettings(
        email_to=("duty@example.org",), smtp_host="127.0.0.1", smtp_port=closed_port
    )
    watcher = EscalationWatcher(world.deps.store, EmailAndWebhook(down), world.clock, "http://x")
    assert watcher.check_once() == []
    assert world.deps.store.audit_page(AuditFilter(event="alerted"))[1] == 0
    watcher.notifier = EmailAndWebhook(AlertSettings(webhook_url=url))
    assert watcher.check_once() == [world.item_for("threat", "escalations")]
    assert len(posted) == 1
    assert world.deps.store.open_counts()[Route.ESCALATIONS] == 1
