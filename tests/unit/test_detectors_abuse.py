"""The abuse detectors (defamation, discrimination, harassment, threat, obscenity) judge as
a careful moderator would.

Every example is written for an invented council, Thornwick Borough Council, with its own
people register, so behaviour is checked against general patterns and the register rather
than against any evaluation set. Each test asserts on what a user sees: the action taken
and the house-rule categories named on the verdict.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from houserules.config import load_rules
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment, Platform, Surface
from moderation.registers import Registers
from moderation.verdict import Action, Category, Verdict

REGISTERS = Registers.from_mappings(
    people=[
        {
            "name": "Imogen Scarsdale",
            "aliases": ["Cllr Scarsdale", "Scarsdale", "the council leader", "@ImogenScarsdale"],
            "role": "councillor",
        },
        {
            "name": "Rupert Anstruther",
            "aliases": ["Cllr Anstruther", "Anstruther", "Rupert"],
            "role": "councillor",
        },
        {
            "name": "Delphine Ormerod",
            "aliases": ["Ms Ormerod", "Ormerod", "the chief executive"],
            "role": "officer",
        },
    ],
    facts=[],
    contacts={
        "organisation": "Thornwick Borough Council",
        "social_accounts": [{"platform": "x", "handle": "@ThornwickBC"}],
    },
)


@pytest.fixture(scope="module")
def classifier() -> HouseRulesClassifier:
    return HouseRulesClassifier(load_rules(), REGISTERS)


def judge(
    classifier: HouseRulesClassifier,
    text: str,
    post: str = "Council post: weekly service update.",
) -> Verdict:
    comment = Comment(
        platform=Platform.FACEBOOK,
        surface=Surface.OWN_PAGE,
        comment_id="c1",
        text=text,
        created_at=datetime(2027, 3, 1, 9, 30, tzinfo=UTC),
        post_context=post,
    )
    return classifier.classify([comment])[0]


def hidden(v: Verdict) -> bool:
    return v.action in (Action.HIDE, Action.ESCALATE)


# Threats


@pytest.mark.parametrize(
    "text",
    [
        "If I see Scarsdale in the precinct I'm going to break her jaw.",
        "Someone should put a bullet in Anstruther and do us all a favour.",
        "I know which bus you get home on, Cllr Scarsdale. Think about that.",
        "Nice house on Elm Rise, Rupert. Be a shame if something happened to it.",
        "That speed camera on the bypass won't last the week 🔨 just letting you know",
        "Meet at the rec at 10 tonight, bring petrol, we'll clear them out ourselves.",
        "Next bailiff who knocks on my door goes home in an ambulance.",
    ],
)
def test_a_threat_to_a_person_or_property_is_escalated(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert v.action is Action.ESCALATE
    assert Category.THREAT in v.categories


@pytest.mark.parametrize(
    "text",
    [
        "Another letter from the bailiffs. I can't do this any more. I'm going to end it tonight.",
        "Nobody would miss me if I walked into the canal. Might as well save everyone the bother.",
    ],
)
def test_a_statement_of_self_harm_is_escalated_for_safeguarding(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert v.action is Action.ESCALATE
    assert "Samaritans" in v.referral


@pytest.mark.parametrize(
    "text",
    [
        "I could murder a bacon roll after sitting through that meeting.",
        "I could kill whoever designed this parking app.",
        "Cllr Scarsdale will get what's coming at the ballot box in May.",
        "That junction is a death trap, somebody is going to get hurt.",
        "Anstruther absolutely destroyed the budget in that speech, killed it.",
        "I'll probably get shot down for saying this but the consultation was fine.",
        "My wife will kill me if I miss the brown bin again.",
    ],
)
def test_an_idiom_without_a_target_is_not_a_threat(
    classifier: HouseRulesClassifier, text: str
) -> None:
    assert Category.THREAT not in judge(classifier, text).categories


def test_reporting_a_threat_received_is_not_a_threat(classifier: HouseRulesClassifier) -> None:
    v = judge(
        classifier,
        "Someone threatened to kill me in the comments last night, I've reported it to the police.",
    )
    assert v.action is not Action.ESCALATE


# Harassment


@pytest.mark.parametrize(
    "text",
    [
        "Scarsdale is a k n o b h e a d and always has been.",
        "@ImogenScarsdale you absolute w@nker, resign.",
        "Ms Ormerod is a thick old trout who can't read a spreadsheet.",
        "Whoever runs this page is a brain-dead intern.",
    ],
)
def test_spaced_out_or_disguised_insult_at_a_person_is_harassment(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert v.action is Action.HIDE
    assert Category.HARASSMENT in v.categories


def test_spaced_out_insult_at_a_councillor_is_harassment(classifier: HouseRulesClassifier) -> None:
    v = judge(classifier, "Cllr Anstruther you t.w.a.t, read the report before you vote.")
    assert Category.HARASSMENT in v.categories
    assert hidden(v)


def test_inciting_a_pile_on_is_harassment(classifier: HouseRulesClassifier) -> None:
    v = judge(
        classifier,
        "Everyone go on Scarsdale's personal Facebook and tell her what you think. Flood it.",
    )
    assert Category.HARASSMENT in v.categories


def test_wishing_misfortune_on_a_person_is_harassment_not_a_threat(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "I hope Ormerod ends up on the streets so she knows how it feels.")
    assert Category.HARASSMENT in v.categories
    assert Category.THREAT not in v.categories


@pytest.mark.parametrize(
    "text",
    [
        "Cllr Scarsdale is useless at the job and should resign.",
        "Anstruther's answer at scrutiny was evasive and frankly misleading.",
        "You lot at the council are a shambles, absolute clowns.",
        "Bloody bins again. Third week running.",
        "What an idiot I am, I put the wrong bin out again.",
        "This road is a rat run at 8am, cash cow cameras next I suppose.",
    ],
)
def test_harsh_criticism_of_performance_or_the_council_is_allowed(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert not hidden(v)
    assert Category.HARASSMENT not in v.categories


def test_quoting_an_insult_to_report_it_is_allowed(classifier: HouseRulesClassifier) -> None:
    v = judge(
        classifier,
        "Someone called Cllr Scarsdale a 'silly cow' under the last post. That's out of order.",
    )
    assert not hidden(v)


# Discrimination


@pytest.mark.parametrize(
    "text",
    [
        "Dirty p*keys have turned the rec into a tip again.",
        "Every town they go to the crime goes up. Send them all back.",
        "They're all the same, it's in their culture to take what isn't theirs.",
        "Cllr Scarsdale should go back to where she came from.",
        "Women shouldn't be running councils. Get her back in the kitchen.",
    ],
)
def test_hostility_by_a_protected_characteristic_is_discrimination(
    classifier: HouseRulesClassifier, text: str
) -> None:
    post = "Council post: welcoming refugee families to Thornwick."
    v = judge(classifier, text, post)
    assert Category.DISCRIMINATION in v.categories
    assert hidden(v)


def test_racist_abuse_of_a_named_councillor_is_also_harassment(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "Scarsdale should go back to the jungle 🐒")
    assert {Category.DISCRIMINATION, Category.HARASSMENT} <= set(v.categories)


@pytest.mark.parametrize(
    "text",
    [
        "As a gay dad I think the new play area is brilliant.",
        "I'm a Romany Gypsy and people on the estate group keep calling us 'pikeys'. Please "
        "report it when you see it.",
        "Got called a 'dirty immigrant' at the bus stop. Racism has no place in Thornwick.",
        "Nobody is replacing anyone. Twelve families in three years. Have some respect.",
        "I don't object to refugees but the housing list should come first. Just priorities.",
        "Travellers or not, if you camp on the rec you should be moved on.",
    ],
)
def test_identity_self_reference_reporting_and_counter_speech_are_allowed(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text, "Council post: welcoming refugee families to Thornwick.")
    assert Category.DISCRIMINATION not in v.categories
    assert not hidden(v)


def test_quoting_a_slur_to_report_it_is_allowed(classifier: HouseRulesClassifier) -> None:
    v = judge(
        classifier,
        "Someone on the community page wrote that the new families are 'vermin'. I've "
        "reported it. Can the council say this isn't acceptable?",
        "Council post: welcoming refugee families to Thornwick.",
    )
    assert not hidden(v)


def test_everyday_words_that_contain_slurs_are_not_discrimination(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(
        classifier,
        "Fire retardant cladding on the flats, a chink of light at last. My grandparents came "
        "from Pakistan and love the new Scunthorpe bus.",
    )
    assert Category.DISCRIMINATION not in v.categories


# Defamation


@pytest.mark.parametrize(
    "text",
    [
        "Cllr Anstruther takes backhanders from the developers, everyone knows it.",
        "Funny how the leisure contract went to a firm run by Scarsdale's brother-in-law. "
        "Just saying 🤐",
        "The chief executive was sacked from her last council for fiddling her expenses.",
        "Gary from Thornwick Skips has been fly-tipping in the woods for years.",
    ],
)
def test_an_allegation_or_insinuation_about_an_identifiable_person_is_defamation(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert Category.DEFAMATION in v.categories
    assert v.action is Action.HIDE


@pytest.mark.parametrize(
    "text",
    [
        "This council is corrupt from top to bottom.",
        "Councillors are all in it for themselves, jobs for the boys.",
        "Cllr Anstruther isn't corrupt, he's just out of his depth.",
        "Is it true Cllr Scarsdale was arrested? Seen it on the estate group.",
    ],
)
def test_sweeping_opinion_denial_and_questions_are_not_defamation(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert Category.DEFAMATION not in v.categories
    assert not hidden(v)


# Obscenity


@pytest.mark.parametrize(
    "text",
    [
        "Council tax bill arrived. Bent over and taken dry again, cheers Thornwick.",
        "Hot singles in Thornwick want to meet you tonight 🍆💦 18+",
        "I'd bend Scarsdale over the council table 😈",
    ],
)
def test_sexually_explicit_content_is_obscenity(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert Category.OBSCENITY in v.categories
    assert hidden(v)


def test_sexualising_a_named_person_is_also_harassment(classifier: HouseRulesClassifier) -> None:
    v = judge(classifier, "Cllr Scarsdale in a bikini at the lido, phwoar, nice pair on her 🤤")
    assert {Category.OBSCENITY, Category.HARASSMENT} <= set(v.categories)


@pytest.mark.parametrize(
    "text",
    [
        "What a cock-up with the bin rota again.",
        "F***ing shambles, the whole lot of it.",
        "Blue tits nesting in the library garden, lovely to see.",
        "The council is being hard on residents and soft on developers.",
        "Glad the sexual health clinic is staying open.",
    ],
)
def test_mild_profanity_and_innocent_words_are_not_obscenity(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert Category.OBSCENITY not in v.categories
    assert not hidden(v)


def test_every_abuse_finding_names_its_evidence(classifier: HouseRulesClassifier) -> None:
    v = judge(classifier, "Cllr Anstruther takes backhanders and is a slimy t w a t.")
    for finding in v.findings:
        assert finding.evidence
        assert all(e.description for e in finding.evidence)
    defamation = next(f for f in v.findings if f.category is Category.DEFAMATION)
    assert defamation.evidence[0].register_entry == "Rupert Anstruther"


def test_a_safety_warning_about_an_accident_is_not_a_threat(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(
        classifier,
        "The steps by the station have had no light for weeks. Someone's going to "
        "break their neck.",
    )
    assert Category.THREAT not in v.categories
    assert v.action is not Action.ESCALATE


def test_counter_speech_quoting_the_slurs_it_answers_is_allowed(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(
        classifier,
        "To everyone piling in with 'perverts' and worse: trans people are your neighbours.",
        "Council post: rainbow flag flying for Thornwick Pride.",
    )
    assert not hidden(v)
