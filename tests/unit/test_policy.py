"""The policy turns findings into actions exactly as house-rules.md says."""

from datetime import UTC, datetime

import pytest

from houserules.config import load_rules
from moderation.comment import Comment, Platform, Surface
from moderation.detectors.base import Detection
from moderation.policy import RUMOUR_QUESTION, decide
from moderation.rules import HouseRules
from moderation.verdict import Action, Category, CommsNote, Route


@pytest.fixture(scope="module")
def rules() -> HouseRules:
    return load_rules()


def comment(surface: Surface = Surface.OWN_PAGE, platform: Platform = Platform.FACEBOOK) -> Comment:
    return Comment(platform, surface, "c1", "text", datetime(2026, 11, 1, tzinfo=UTC))


def found(category: Category, score: float = 0.9) -> Detection:
    return Detection.of(category, score, "test")


def test_the_heaviest_action_wins_and_every_routing_applies(rules: HouseRules) -> None:
    v = decide(
        comment(),
        [found(Category.THREAT), found(Category.MISINFORMATION), found(Category.SERVICE_COMPLAINT)],
        rules,
        "t",
    )
    assert v.action is Action.ESCALATE
    assert set(v.routes) == {Route.REVIEW, Route.ESCALATIONS, Route.COMMS}
    assert v.referral


def test_a_score_below_its_threshold_does_not_act(rules: HouseRules) -> None:
    v = decide(comment(), [found(Category.HARASSMENT, 0.2)], rules, "t")
    assert v.action is Action.ALLOW
    assert v.findings == ()
    assert [f.category for f in v.below_threshold] == [Category.HARASSMENT]


def test_criticism_is_dropped_when_another_category_applies(rules: HouseRules) -> None:
    v = decide(comment(), [found(Category.CRITICISM), found(Category.HARASSMENT)], rules, "t")
    assert v.categories == (Category.HARASSMENT,)


def test_criticism_alone_is_allowed(rules: HouseRules) -> None:
    v = decide(comment(), [found(Category.CRITICISM)], rules, "t")
    assert (v.action, v.categories, v.routes) == (Action.ALLOW, (Category.CRITICISM,), ())


def test_a_mention_is_never_hidden_on_the_platform(rules: HouseRules) -> None:
    v = decide(comment(Surface.MENTION), [found(Category.HARASSMENT)], rules, "t")
    assert v.action is Action.HIDE
    assert v.not_hideable and not v.hide_on_platform
    assert Route.REVIEW in v.routes


def test_misinformation_in_a_mention_goes_to_comms_only(rules: HouseRules) -> None:
    v = decide(comment(Surface.MENTION), [found(Category.MISINFORMATION)], rules, "t")
    assert v.action is Action.COMMS
    assert v.routes == (Route.COMMS,)


def test_hidden_misinformation_still_reaches_the_comms_queue_with_the_official_line(
    rules: HouseRules,
) -> None:
    note = CommsNote("misinformation to correct", fact_id="fr-1", official_line="The truth.")
    detection = Detection(found(Category.MISINFORMATION).findings, (note,))
    v = decide(comment(), [detection], rules, "t")
    assert v.action is Action.HIDE and v.hide_on_platform
    assert Route.COMMS in v.routes
    assert v.comms == (note,)


def test_a_doubtful_misinformation_match_goes_to_comms_with_the_official_line_not_hidden(
    rules: HouseRules,
) -> None:
    misinformation = rules.rule(Category.MISINFORMATION)
    assert misinformation.comms_from is not None
    doubtful = (misinformation.comms_from + misinformation.threshold) / 2
    note = CommsNote("misinformation to correct", fact_id="fr-1", official_line="The truth.")
    detection = Detection(found(Category.MISINFORMATION, doubtful).findings, (note,))
    v = decide(comment(), [detection], rules, "t")
    assert (v.action, v.categories, v.routes) == (Action.COMMS, (), (Route.COMMS,))
    assert not v.hide_on_platform
    assert v.comms == (note,)
    assert [f.category for f in v.below_threshold] == [Category.MISINFORMATION]


def test_a_match_under_comms_from_is_dropped(rules: HouseRules) -> None:
    floor = rules.rule(Category.MISINFORMATION).comms_from
    assert floor is not None
    v = decide(comment(), [found(Category.MISINFORMATION, floor - 0.01)], rules, "t")
    assert (v.action, v.routes, v.comms) == (Action.ALLOW, (), ())


def test_comms_from_must_be_under_the_threshold() -> None:
    from moderation.rules import CategoryRule

    with pytest.raises(ValueError, match="comms_from"):
        CategoryRule(threshold=0.5, comms_from=0.5, action=Action.HIDE)


def test_a_rumour_question_goes_to_comms_with_no_category(rules: HouseRules) -> None:
    note = CommsNote(RUMOUR_QUESTION, fact_id="fr-1", official_line="The truth.")
    v = decide(comment(), [Detection(notes=(note,))], rules, "t")
    assert (v.action, v.categories, v.routes) == (Action.COMMS, (), (Route.COMMS,))


def test_review_first_hides_nothing_until_a_person_decides(rules: HouseRules) -> None:
    careful = rules.model_copy(update={"hiding": "review_first"})
    v = decide(comment(), [found(Category.OBSCENITY)], careful, "t")
    assert v.action is Action.HIDE
    assert not v.hide_on_platform
    assert Route.REVIEW in v.routes


def test_every_verdict_records_the_rule_and_classifier_versions(rules: HouseRules) -> None:
    v = decide(comment(), [], rules, "model-7")
    assert (v.rules_version, v.classifier_version) == (rules.version, "model-7")


def test_a_rumour_question_put_critically_still_reaches_comms(rules: HouseRules) -> None:
    note = CommsNote(RUMOUR_QUESTION, fact_id="fr-1", official_line="The truth.")
    v = decide(comment(), [Detection(notes=(note,)), found(Category.CRITICISM)], rules, "t")
    assert v.action is Action.COMMS
    assert v.categories == (Category.CRITICISM,)
    assert v.comms == (note,)
