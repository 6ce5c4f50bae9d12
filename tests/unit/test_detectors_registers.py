"""The register-based detectors judge as a careful moderator would.

Every example here is written for an invented council, Brackenfold District Council, with
its own registers, so the behaviour is checked against the registers rather than against
any evaluation set. Numbers are from Ofcom's drama ranges.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from houserules.config import BUNDLED_VOCABULARY, load_rules, load_vocabulary
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment, Platform, Surface
from moderation.policy import RUMOUR_QUESTION
from moderation.registers import Registers
from moderation.verdict import Action, Category, Verdict

REGISTERS = Registers.from_mappings(
    people=[
        {
            "name": "Morag Linfield",
            "aliases": ["Cllr Linfield", "Linfield", "@MoragLinfield"],
            "role": "councillor",
        }
    ],
    facts=[
        {
            "id": "fr-swimming-baths",
            "topic": "Brackenfold swimming baths refurbishment",
            "official_fact": (
                "The swimming baths close for refurbishment from 1 March 2027 and reopen in "
                "January 2028. Both pools are kept, the building is not being sold, and the "
                "£2.1m cost comes from the capital programme, not council tax."
            ),
            "known_false_claims": [
                "The baths are being sold off to a housing developer",
                "The learner pool is being filled in for good",
            ],
            "link": "https://www.brackenfold.gov.uk/baths",
        },
        {
            "id": "fr-bulky-waste",
            "topic": "Bulky waste collection charge",
            "official_fact": (
                "The bulky waste collection charge is £25 for up to three items from April "
                "2027. Residents on council tax support pay £10."
            ),
            "known_false_claims": ["Bulky waste collections now cost £90 an item"],
            "link": "https://www.brackenfold.gov.uk/bulky",
        },
    ],
    contacts={
        "organisation": "Brackenfold District Council",
        "website_domains": ["brackenfold.gov.uk", "www.brackenfold.gov.uk"],
        "phones": [{"number": "01632 960400", "service": "Switchboard"}],
        "emails": [{"address": "waste@brackenfold.gov.uk", "service": "Bins"}],
        "councillor_emails": ["morag.linfield@brackenfold.gov.uk"],
        "social_accounts": [
            {
                "platform": "facebook",
                "handle": "BrackenfoldDC",
                "display_name": "Brackenfold District Council",
            }
        ],
        "public_addresses": ["Brackenfold Town Hall, Abbey Street, Brackenfold"],
    },
).model_copy(update={"vocabulary": load_vocabulary(BUNDLED_VOCABULARY)})


@pytest.fixture(scope="module")
def classifier() -> HouseRulesClassifier:
    return HouseRulesClassifier(load_rules(), REGISTERS)


def judge(
    classifier: HouseRulesClassifier,
    text: str,
    author: str = "Jo Resident",
    post_context: str = "",
    surface: Surface = Surface.OWN_PAGE,
) -> Verdict:
    comment = Comment(
        Platform.FACEBOOK,
        surface,
        "c1",
        text,
        datetime(2027, 2, 1, 12, 0, tzinfo=UTC),
        author_handle=author,
        post_context=post_context,
    )
    return classifier.classify([comment])[0]


# Personal data


def test_the_councils_own_phone_number_is_not_personal_data(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "Ring the switchboard on 01632 960400, they sorted my bin in a day.")
    assert Category.PERSONAL_DATA not in v.categories
    assert v.action is Action.ALLOW


def test_a_private_mobile_number_is_hidden_as_personal_data(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "My neighbour keeps blocking the lane, his number is 07700 900123.")
    assert Category.PERSONAL_DATA in v.categories
    assert v.action is Action.HIDE


def test_years_prices_and_times_are_not_phone_numbers(classifier: HouseRulesClassifier) -> None:
    v = judge(
        classifier, "Promised for 2025, then 2026, now 2028. £24.99 for this? Open 9.30-4.30."
    )
    assert Category.PERSONAL_DATA not in v.categories


def test_a_councillors_published_email_is_allowed_but_a_personal_one_is_not(
    classifier: HouseRulesClassifier,
) -> None:
    allowed = judge(classifier, "You can write to morag.linfield@brackenfold.gov.uk about it.")
    personal = judge(classifier, "Email me at jo.bloggs1977@example.com if you want to help.")
    assert Category.PERSONAL_DATA not in allowed.categories
    assert Category.PERSONAL_DATA in personal.categories


def test_the_title_ms_is_not_a_health_detail_but_someones_ms_diagnosis_is(
    classifier: HouseRulesClassifier,
) -> None:
    title = judge(classifier, "Ms Ellwood should be ashamed of this decision.")
    diagnosis = judge(classifier, "Mrs Hebden has MS and can barely get out now.")
    assert Category.PERSONAL_DATA not in title.categories
    assert title.action is Action.ALLOW
    assert Category.PERSONAL_DATA in diagnosis.categories


def test_a_house_number_that_only_locates_a_fault_is_not_personal_data(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "The streetlight outside 14 Heron Way has been out for two weeks.")
    assert Category.PERSONAL_DATA not in v.categories
    assert v.action is Action.ALLOW  # without a model, nothing reads it as a complaint


def test_someones_home_address_is_personal_data(classifier: HouseRulesClassifier) -> None:
    v = judge(classifier, "Cllr Linfield lives at 3 Orchard Close, go and tell her yourselves.")
    assert Category.PERSONAL_DATA in v.categories
    assert v.action is Action.HIDE


def test_a_street_is_an_address_only_when_someone_is_said_to_live_there(
    classifier: HouseRulesClassifier,
) -> None:
    own = judge(classifier, "We're nine people in a four-bed house on Fen Road. Who do we call?")
    assert Category.PERSONAL_DATA not in own.categories
    theirs = judge(classifier, "Her house is on Orchard Close, go and tell her yourselves.")
    assert Category.PERSONAL_DATA in theirs.categories


def test_a_named_child_with_their_school_is_personal_data(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "Tyler Booth goes to Brackenfold Primary and he's the one doing it.")
    assert Category.PERSONAL_DATA in v.categories


def test_a_school_with_no_child_named_is_not_personal_data(
    classifier: HouseRulesClassifier,
) -> None:
    for text in (
        "As a mum of two at Brackenfold Primary, thank you for the crossing patrol.",
        "I came here with my daughter in 2022. Now she's at Brackenfold Primary and loves it.",
        "Mr Hales at Brackenfold Primary runs the best choir in town.",
    ):
        assert Category.PERSONAL_DATA not in judge(classifier, text).categories, text
    named = judge(classifier, "My son Alfie is at Brackenfold Primary and his class has 34.")
    assert Category.PERSONAL_DATA in named.categories


def test_welsh_street_and_school_names_put_the_street_or_school_first(
    classifier: HouseRulesClassifier,
) -> None:
    home = judge(classifier, "Rhys's house is on Heol y Felin, go round and tell him.")
    assert Category.PERSONAL_DATA in home.categories
    child = judge(classifier, "Cerys Jones, year 4 at Ysgol Gymraeg Brackenfold, is the one.")
    assert Category.PERSONAL_DATA in child.categories
    pothole = judge(classifier, "The potholes on Heol y Felin have been there since March.")
    assert Category.PERSONAL_DATA not in pothole.categories
    school = judge(classifier, "Ysgol Brackenfold is closing and nobody asked the parents.")
    assert Category.PERSONAL_DATA not in school.categories


def test_a_scams_phone_number_is_spam_not_personal_data(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(
        classifier,
        "I made £3,000 in a week trading bitcoin with my mentor, 100% legit! "
        "WhatsApp him on 07700 900456",
        author="Crypto Kelly",
    )
    assert Category.SPAM_SCAM in v.categories
    assert Category.PERSONAL_DATA not in v.categories


def test_in_one_batch_each_comment_is_weighed_for_scams_on_its_own(
    classifier: HouseRulesClassifier,
) -> None:
    # The spam and personal-data detectors share one scam assessment per comment.
    texts = [
        "I made £3,000 in a week trading bitcoin with my mentor, 100% legit! "
        "WhatsApp him on 07700 900456",
        "My neighbour's mobile is 07700 900123, ring her and tell her to move her car",
        "I made £3,000 in a week trading bitcoin with my mentor, 100% legit! "
        "WhatsApp him on 07700 900456",
    ]
    first, second, third = classifier.classify(
        [
            Comment(
                Platform.FACEBOOK,
                Surface.OWN_PAGE,
                f"c{i}",
                text,
                datetime(2027, 2, 1, tzinfo=UTC),
                "Jo",
            )
            for i, text in enumerate(texts)
        ]
    )
    for scam in (first, third):
        assert Category.SPAM_SCAM in scam.categories
        assert Category.PERSONAL_DATA not in scam.categories
    assert Category.PERSONAL_DATA in second.categories
    assert Category.SPAM_SCAM not in second.categories


# Spam and scams


def test_a_lookalike_council_domain_is_a_scam(classifier: HouseRulesClassifier) -> None:
    v = judge(classifier, "Council tax rebate for all households, apply at brackenfold-refunds.com")
    assert Category.SPAM_SCAM in v.categories
    assert v.action is Action.HIDE


def test_the_councils_own_link_is_not_spam(classifier: HouseRulesClassifier) -> None:
    v = judge(classifier, "The real site is brackenfold.gov.uk, report it there.")
    assert Category.SPAM_SCAM not in v.categories


def test_an_account_posing_as_the_council_is_impersonation(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(
        classifier,
        "Hello, if your payment did not go through please message us your card details.",
        author="Brackenfold Council Payments Team",
    )
    assert Category.SPAM_SCAM in v.categories


def test_a_handle_with_cllr_that_is_not_in_the_register_is_impersonation(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "Residents, I can fast-track your housing application.", "@CllrLinfield1")
    assert Category.SPAM_SCAM in v.categories


def test_a_cllr_handle_that_names_none_of_the_councils_people_is_not_impersonation(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "Cabinet cut the buses and shut the pool. See you in May.", "@cllrwatch")
    assert Category.SPAM_SCAM not in v.categories


def test_a_resident_warning_about_a_scam_text_is_not_spam(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "Got a text saying I'm owed a refund with a link. Scam, don't click it.")
    assert Category.SPAM_SCAM not in v.categories
    assert v.action is not Action.HIDE


# Misinformation


def test_asserting_a_known_false_claim_is_misinformation(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "They're selling the baths off to a housing developer. Disgraceful.")
    assert Category.MISINFORMATION in v.categories
    assert v.action is Action.HIDE
    assert any(n.fact_id == "fr-swimming-baths" and n.official_line for n in v.comms)


def test_hearsay_still_counts_as_an_assertion(classifier: HouseRulesClassifier) -> None:
    v = judge(classifier, "My mate at the depot says bulky waste collections now cost £90 an item.")
    assert Category.MISINFORMATION in v.categories


def test_a_question_about_a_rumour_goes_to_comms_without_a_category(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "Is it true the baths are being sold to a developer for housing?")
    assert v.categories == ()
    assert v.action is Action.COMMS
    assert any(n.reason == RUMOUR_QUESTION for n in v.comms)


def test_denying_a_rumour_is_fine(classifier: HouseRulesClassifier) -> None:
    v = judge(classifier, "The baths are NOT being sold to a developer, read the council's page.")
    assert Category.MISINFORMATION not in v.categories
    assert v.action is not Action.HIDE


def test_a_negative_word_elsewhere_in_the_sentence_does_not_deny_the_claim(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(
        classifier, "They're selling the baths off to a housing developer and nobody asked us."
    )
    assert Category.MISINFORMATION in v.categories


def test_repeating_the_official_figure_is_not_misinformation(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "£25 for a bulky waste collection is steep for three items. Shocking.")
    assert Category.MISINFORMATION not in v.categories
    assert v.action is Action.ALLOW


def test_misinformation_in_a_public_mention_goes_to_comms_only(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(
        classifier,
        "Heads up: the learner pool is being filled in for good.",
        surface=Surface.MENTION,
    )
    assert Category.MISINFORMATION in v.categories
    assert v.action is Action.COMMS


def test_a_false_claim_with_its_spelling_dodged_is_read_plainly(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "They're s3lling the b4ths off to a h0using dev3loper. Disgraceful.")
    assert Category.MISINFORMATION in v.categories
    assert v.action is Action.HIDE
    quoted = [e.span for f in v.findings for e in f.evidence if e.detector == "misinformation"]
    assert quoted and "s3lling the b4ths" in quoted[0], "the evidence quotes what was written"


def test_a_denial_with_its_spelling_dodged_is_still_a_denial(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "The b4ths are N0T being s0ld to a developer, read the council's page.")
    assert Category.MISINFORMATION not in v.categories
