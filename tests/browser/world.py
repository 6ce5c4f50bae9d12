"""A small council world for the review app's tests: comments judged by the real pipeline
(with a scripted classifier, so verdicts never change with the classifier or its training), a
local Facebook Graph server that hides and unhides them, accounts for each role, and a clock
the tests can move."""

from __future__ import annotations

from collections.abc import Sequence
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
from moderation.comment import Comment, Platform
from moderation.verdict import Action, Category, CommsNote, Evidence, Finding, Route, Verdict
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


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.find(words)
    return (start, start + len(words)) if start >= 0 else (-1, -1)


class ScriptedClassifier:
    """Judges the world's comments as the house rules would, without depending on how the
    classifier (which others change) scores them today: these tests are about the app.
    Hides and restores still go through the real pipeline to the local Facebook server."""

    version = "scripted-for-review-app-tests"

    def __init__(self) -> None:
        self.rules_version = load_rules().version
        self.food_waste = next(f for f in load_registers().facts if f.id == "fr-food-waste")

    def _finding(self, category: Category, score: float, text: str, words: str) -> Finding:
        start, end = _span(text, words)
        evidence = Evidence(
            category.value,
            f"wording the {category.value.replace('_', ' ')} rule names",
            words,
            start,
            end,
        )
        return Finding(category, score, category.value, (evidence,))

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        return [self._judge(c) for c in comments]

    def _judge(self, c: Comment) -> Verdict:
        t, key = c.text, c.key

        def verdict(
            action: Action, findings: tuple[Finding, ...], routes: tuple[Route, ...], **kw: Any
        ) -> Verdict:
            hide = action.weight >= Action.HIDE.weight
            return Verdict(
                key,
                action,
                findings,
                routes,
                hide and c.hideable,
                hide and not c.hideable,
                self.rules_version,
                self.version,
                **kw,
            )

        if t.startswith(THREAT):
            findings = (
                self._finding(Category.THREAT, 0.97, t, "coming for you with a knife"),
                self._finding(Category.HARASSMENT, 0.88, t, "useless idiot"),
            )
            return verdict(
                Action.ESCALATE, findings, (Route.REVIEW, Route.ESCALATIONS), referral="police"
            )
        if "takes backhanders" in t:
            finding = self._finding(
                Category.DEFAMATION, 0.9, t, "takes backhanders from developers"
            )
            return verdict(Action.HIDE, (finding,), (Route.REVIEW,))
        if t == MISINFORMATION:
            finding = self._finding(
                Category.MISINFORMATION,
                0.93,
                t,
                "You will be fined if you don't use the food caddy",
            )
            fact = self.food_waste
            note = CommsNote(
                "misinformation to correct",
                fact_id=fact.id,
                official_line=fact.official_fact,
                link=fact.link,
            )
            return verdict(Action.HIDE, (finding,), (Route.REVIEW, Route.COMMS), comms=(note,))
        if t == COMPLAINT:
            finding = self._finding(Category.SERVICE_COMPLAINT, 0.8, t, "bins were not collected")
            note = CommsNote("service complaint", service="waste")
            return verdict(Action.COMMS, (finding,), (Route.COMMS,), comms=(note,))
        return verdict(Action.ALLOW, (), ())


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
    pipeline = EmbeddedPipeline(ScriptedClassifier(), deps.store, moderators, clock)
    connector = FacebookConnector(facebook, pipeline, SqliteCursorStore(tmp_path / "cursor.db"))
    connector.poll_once()
    for name, role in (("mo", Role.MODERATOR), ("vi", Role.VIEWER), ("ad", Role.ADMIN)):
        deps.accounts.add(name, role, PASSWORD)
    keys = {name: f"facebook:{comment_id}" for name, comment_id in ids.items()}
    return World(app, deps, graph, clock, keys)
