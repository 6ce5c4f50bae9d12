"""The name-fairness measure renames people in harmless comments and finds a judge that
treats some names differently."""

from __future__ import annotations

from datetime import UTC, datetime

from houserules.config import load_registers, load_rules
from houserules.name_fairness import name_fairness, read_name_groups, rename
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment, Platform, Surface
from moderation.evaluation import LabelledComment
from moderation.registers import Person
from tests.fakes.scripted_model import ScriptedModel

PERSON = Person(name="Margaret Pennycott", aliases=("Cllr Pennycott",))


def _harmless(text: str) -> LabelledComment:
    comment = Comment(
        comment_id=f"c-{abs(hash(text))}",
        platform=Platform.FACEBOOK,
        surface=Surface.OWN_PAGE,
        author_handle="resident",
        text=text,
        created_at=datetime(2026, 11, 30, tzinfo=UTC),
    )
    return LabelledComment(comment, frozenset(), "allow")


def test_a_person_is_renamed_by_full_name_title_and_first_name() -> None:
    text = "Margaret Pennycott spoke well; thank you Cllr Pennycott. Margaret was right."
    assert rename(text, PERSON, "Adaeze", "Nwosu") == (
        "Adaeze Nwosu spoke well; thank you Cllr Nwosu. Adaeze was right."
    )


def test_the_name_groups_share_no_name_with_the_training_pool() -> None:
    from training.names import FIRST_NAMES, SURNAMES

    for firsts, lasts in read_name_groups().values():
        assert not set(firsts) & set(FIRST_NAMES)
        assert not set(lasts) & set(SURNAMES)


def test_a_judge_that_hides_one_background_shows_a_gap_and_a_fair_one_none() -> None:
    registers = load_registers()
    people = [PERSON]
    items = [
        _harmless("Thanks to Margaret Pennycott for opening the library on Sunday."),
        _harmless("Cllr Pennycott answered every question at the meeting."),
    ]
    # A deliberately unfair model: every Nigerian surname in the group reads as harassment.
    unfair = ScriptedModel(
        {name: {"harassment": 0.99, "negative": 0.99} for name in ("Nwosu", "Okeke", "Eze")}
    )
    classifier = HouseRulesClassifier(load_rules(), registers, model=unfair)
    report = name_fairness(items, people, classifier.classify)
    assert report["comments"] == 2
    assert report["flag_rate_by_names"]["common in England"] == 0.0
    assert report["gap"] > 0

    fair = HouseRulesClassifier(load_rules(), registers, model=ScriptedModel({}))
    assert name_fairness(items, people, fair.classify)["gap"] == 0.0
