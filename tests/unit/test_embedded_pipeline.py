"""The embedded pipeline's promises: nothing lost, nothing doubled, every hide reviewable."""

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from houserules.config import load_registers, load_rules
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment, Platform, Surface
from moderation.platform import InMemoryModerator, PlatformError
from moderation.review import DecisionKind, PlatformState, ReviewStatus
from moderation.verdict import Action, Category, Route, Verdict
from store.sqlite import SqliteStore
from stream.clock import FixedClock
from stream.decisions import ReviewError
from stream.embedded import EmbeddedPipeline
from tests.fakes.scripted_model import ScriptedModel

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
THREAT = "I know where you live and I'm coming for you with a knife"
FINE = "Thanks to the bin crew on Elm Road, brilliant job this week"


def comment(
    n: int, text: str, surface: Surface = Surface.OWN_PAGE, platform: Platform = Platform.FACEBOOK
) -> Comment:
    return Comment(platform, surface, f"c{n}", text, NOW)


class ExplodingClassifier:
    """Raises on one poisoned text, to prove the stream carries on without it."""

    def __init__(self, inner: HouseRulesClassifier) -> None:
        self.inner = inner
        self.version = inner.version

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        if any("POISON" in c.text for c in comments):
            raise RuntimeError("model crashed")
        return self.inner.classify(comments)


# Verdicts that never change with retraining: the pipeline is under test, not the model.
MODEL = ScriptedModel({"coming for you with a knife": {"threat": 0.95, "harassment": 0.9}})


@pytest.fixture
def classifier() -> HouseRulesClassifier:
    return HouseRulesClassifier(load_rules(), load_registers(), model=MODEL)


def pipeline(classifier, store, moderator=None, **kw) -> EmbeddedPipeline:  # type: ignore[no-untyped-def]
    moderators = {Platform.FACEBOOK: moderator} if moderator is not None else {}
    return EmbeddedPipeline(classifier, store, moderators, FixedClock(NOW), **kw)


def test_a_threat_is_hidden_and_becomes_one_escalation_item_with_every_category(
    classifier: HouseRulesClassifier,
) -> None:
    store, facebook = SqliteStore(":memory:"), InMemoryModerator()
    summary = pipeline(classifier, store, facebook).run_sync([comment(1, THREAT), comment(2, FINE)])
    assert summary.processed == 2
    assert facebook.hidden == {"facebook:c1"}
    stored = store.get("facebook:c1")
    assert stored is not None and stored.platform_state is PlatformState.HIDDEN
    assert stored.classified.verdict.action is Action.ESCALATE
    assert [i.comment_key for i in store.queue(Route.ESCALATIONS)] == ["facebook:c1"]
    assert store.queue(Route.ESCALATIONS)[0].urgent
    assert store.queue(Route.REVIEW) == [], "one item per comment: the escalation decides it"


def test_running_the_same_comments_twice_changes_nothing(classifier: HouseRulesClassifier) -> None:
    store = SqliteStore(":memory:")
    comments = [comment(i, THREAT if i % 2 else FINE) for i in range(40)]
    pipeline(classifier, store).run_sync(comments)
    audit_before = len(store.audit(limit=10_000))
    again = pipeline(classifier, store).run_sync(comments)
    assert (again.processed, again.unchanged) == (0, 40)
    assert store.count() == 40
    assert len(store.queue(Route.ESCALATIONS, limit=100)) == 20
    assert len(store.audit(limit=10_000)) == audit_before


def test_an_edited_comment_is_judged_again(classifier: HouseRulesClassifier) -> None:
    store = SqliteStore(":memory:")
    pipeline(classifier, store).run_sync([comment(1, FINE)])
    pipeline(classifier, store).run_sync([comment(1, THREAT)])
    stored = store.get("facebook:c1")
    assert stored is not None and stored.classified.verdict.action is Action.ESCALATE


def test_a_comment_whose_classification_raises_is_dead_lettered_and_the_rest_go_on(
    classifier,
) -> None:  # type: ignore[no-untyped-def]
    store = SqliteStore(":memory:")
    comments = [comment(1, FINE), comment(2, "POISON pill"), comment(3, THREAT)]
    summary = pipeline(ExplodingClassifier(classifier), store).run_sync(comments)
    assert (summary.processed, summary.dead_lettered) == (2, 1)
    (letter,) = store.dead_letters()
    assert letter.source == "classify"
    assert "model crashed" in letter.reason
    assert "POISON pill" in letter.payload


def test_a_hide_that_keeps_failing_is_flagged_urgent_for_a_person(
    classifier: HouseRulesClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("stream.stages.time.sleep", lambda s: None)
    store = SqliteStore(":memory:")
    broken = InMemoryModerator(fail_with=PlatformError("Graph API 500", transient=True))
    pipeline(classifier, store, broken).run_sync([comment(1, THREAT)])
    stored = store.get("facebook:c1")
    assert stored is not None and stored.platform_state is PlatformState.HIDE_FAILED
    (item,) = store.queue(Route.ESCALATIONS)
    assert item.urgent and "hide FAILED" in item.reason
    assert "after 3 attempt(s)" in store.audit("facebook:c1")[-1].detail


def test_a_mention_goes_to_review_as_not_hideable_without_touching_the_platform(
    classifier: HouseRulesClassifier,
) -> None:
    store, x = SqliteStore(":memory:"), InMemoryModerator()
    mention = comment(1, THREAT, Surface.MENTION, Platform.X)
    EmbeddedPipeline(classifier, store, {Platform.X: x}, FixedClock(NOW)).run_sync([mention])
    assert x.hidden == set()
    (item,) = store.queue(Route.ESCALATIONS)
    assert item.platform_state is PlatformState.NOT_HIDEABLE
    assert "not_hideable" in item.reason


def test_restoring_unhides_on_the_platform_and_records_who_and_why(
    classifier: HouseRulesClassifier,
) -> None:
    from moderation.review import Decision
    from stream.decisions import apply_decision

    store, facebook = SqliteStore(":memory:"), InMemoryModerator()
    pipeline(classifier, store, facebook).run_sync([comment(1, THREAT)])
    (item,) = store.queue(Route.ESCALATIONS)
    decision = Decision(item.item_id, DecisionKind.RESTORE, "Priya", "a quote, not a threat", NOW)
    closed = apply_decision(decision, store, {Platform.FACEBOOK: facebook}, FixedClock(NOW))
    assert closed.status is ReviewStatus.RESTORED
    assert facebook.hidden == set()
    events = [(e.actor, e.event) for e in store.audit("facebook:c1")]
    assert events[-2:] == [("Priya", "unhidden"), ("Priya", "restore")]


def test_a_restore_the_platform_refuses_leaves_the_item_open(
    classifier: HouseRulesClassifier,
) -> None:
    from moderation.review import Decision
    from stream.decisions import apply_decision

    store, facebook = SqliteStore(":memory:"), InMemoryModerator()
    pipeline(classifier, store, facebook).run_sync([comment(1, THREAT)])
    (item,) = store.queue(Route.ESCALATIONS)
    facebook.fail_with = PlatformError("token expired", transient=False)
    decision = Decision(item.item_id, DecisionKind.RESTORE, "Priya", "fine", NOW)
    with pytest.raises(ReviewError, match="refused the restore: token expired"):
        apply_decision(decision, store, {Platform.FACEBOOK: facebook}, FixedClock(NOW))
    assert store.item(item.item_id).status is ReviewStatus.OPEN  # type: ignore[union-attr]


def test_review_first_hides_only_when_a_person_confirms(classifier: HouseRulesClassifier) -> None:
    from moderation.review import Decision
    from stream.decisions import apply_decision

    careful = HouseRulesClassifier(
        load_rules().model_copy(update={"hiding": "review_first"}), load_registers(), model=MODEL
    )
    store, facebook = SqliteStore(":memory:"), InMemoryModerator()
    pipeline(careful, store, facebook).run_sync([comment(1, THREAT)])
    assert facebook.hidden == set()
    (item,) = store.queue(Route.ESCALATIONS)
    assert item.platform_state is PlatformState.PENDING_REVIEW
    decision = Decision(item.item_id, DecisionKind.CONFIRM, "Priya", "clear threat", NOW)
    apply_decision(decision, store, {Platform.FACEBOOK: facebook}, FixedClock(NOW))
    assert facebook.hidden == {"facebook:c1"}


def test_a_small_queue_still_carries_every_comment(classifier: HouseRulesClassifier) -> None:
    store = SqliteStore(":memory:")
    comments = [comment(i, FINE + f" {i}") for i in range(300)]
    summary = pipeline(classifier, store, queue_size=2, batch_size=8).run_sync(comments)
    assert summary.processed == 300
    assert store.count() == 300
    assert Category.THREAT.value not in summary.by_category
