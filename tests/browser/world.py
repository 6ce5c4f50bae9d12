"""A small council world for the review app's tests: comments judged by the real pipeline
(rules and registers, no model), a local Facebook Graph server that hides and unhides them,
accounts for each role, and a clock the tests can move."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from houserules.config import load_registers, load_rules
from houserules.review_app_commands import build_review_app
from houserules.settings import Settings
from ingest.connector_settings import FacebookSettings, PollingSettings
from ingest.cursor import SqliteCursorStore
from ingest.facebook import FacebookConnector, FacebookModerator
from ingest.facebook import graph_client as facebook_client
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Platform
from review_app.accounts import Role
from review_app.alerts import EscalationAlert
from review_app.settings import ReviewAppSettings
from review_app.web import ReviewDeps
from store.base import Store
from stream.embedded import EmbeddedPipeline
from tests.fakes.facebook_graph import FakeGraph

PASSWORD = "correct horse battery"
THREAT = "I know where you live, you useless idiot, and I'm coming for you with a knife"
DEFAMATION = "Cllr Smith takes backhanders from developers, everyone knows it"
SCRIPT = "<script>document.title='pwned'</script> Cllr Smith takes backhanders from developers"
MISINFORMATION = "You will be fined if you don't use the food caddy, disgraceful"
COMPLAINT = "The bins were not collected again on Elm Road"
FINE = "Lovely new library, well done"
TEXTS = {
    "threat": THREAT,
    "defamation": DEFAMATION,
    "script": SCRIPT,
    "misinformation": MISINFORMATION,
    "complaint": COMPLAINT,
    "fine": FINE,
}


class MovableClock:
    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or datetime.now(UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


@dataclass
class RecordingNotifier:
    sent: list[EscalationAlert] = field(default_factory=list)

    def send(self, alert: EscalationAlert) -> list[str]:
        self.sent.append(alert)
        return ["recorded"]


@dataclass
class World:
    app: Any
    deps: ReviewDeps
    graph: FakeGraph
    clock: MovableClock
    keys: dict[str, str]

    def item_for(self, name: str, queue: str) -> int:
        for row in self.deps.store.items_for(self.keys[name]):
            if row.item.queue.value == queue:
                return row.item.item_id
        raise AssertionError(f"{name} has no {queue} item")


def build_world(
    tmp_path: Path,
    graph: FakeGraph,
    *,
    store: Store | None = None,
    notifier: Any = None,
    review_app: ReviewAppSettings | None = None,
    clock: MovableClock | None = None,
    alerts: bool = False,
) -> World:
    """Post the comments on the fake Facebook page, read and judge them with the embedded
    pipeline (hiding on the fake page), and build the review app over the same store."""
    clock = clock or MovableClock()
    facebook = FacebookSettings(
        page_id=graph.page_id,
        page_access_token=SecretStr("page-token"),
        graph_url=graph.url,
        polling=PollingSettings(retry_attempts=2, retry_initial_seconds=0.01),
    )
    moderators = {Platform.FACEBOOK: FacebookModerator(facebook_client(facebook))}
    settings = Settings(
        data_dir=tmp_path / "data",
        model="none",
        review_app=review_app or ReviewAppSettings(),
    )
    app, deps = build_review_app(
        settings,
        store=store,
        moderators=moderators,
        clock=clock,
        notifier=notifier or RecordingNotifier(),
        alerts=alerts,
    )
    post = graph.add_post("Food waste collections start on Monday")
    ids = {name: graph.post_comment(post, text) for name, text in TEXTS.items()}
    classifier = HouseRulesClassifier(load_rules(), load_registers(), model=None)
    pipeline = EmbeddedPipeline(classifier, deps.store, moderators, clock)
    connector = FacebookConnector(facebook, pipeline, SqliteCursorStore(tmp_path / "cursor.db"))
    connector.poll_once()
    for name, role in (("mo", Role.MODERATOR), ("vi", Role.VIEWER), ("ad", Role.ADMIN)):
        deps.accounts.add(name, role, PASSWORD)
    keys = {name: f"facebook:{comment_id}" for name, comment_id in ids.items()}
    return World(app, deps, graph, clock, keys)
