"""The misinformation detector's stance check: shipped with the model, trusted only when the
model's checksums list it, and deciding whether a comment near a known false claim asserts it.

The comments are written for the invented Brackenfold council of test_detectors_registers.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from houserules.config import load_rules
from moderation.classifier import HouseRulesClassifier
from moderation.detectors.misinformation import MisinformationDetector
from moderation.detectors.misinformation_stance import STANCE_FILE
from moderation.model import ModelFilesError, ToxicityModel, bundled_folder
from moderation.model.checksums import read_sums, write_sums
from moderation.policy import RUMOUR_QUESTION
from moderation.verdict import Action, Category
from tests.unit.test_detectors_registers import REGISTERS, judge
from tests.unit.test_toxicity_model import copy_of_model


@pytest.fixture(scope="module")
def model() -> ToxicityModel:
    return ToxicityModel.load()


@pytest.fixture(scope="module")
def classifier(model: ToxicityModel) -> HouseRulesClassifier:
    return HouseRulesClassifier(load_rules(), REGISTERS, model)


def _detector(classifier: HouseRulesClassifier) -> MisinformationDetector:
    return next(d for d in classifier.detectors if isinstance(d, MisinformationDetector))


def test_the_bundled_model_ships_a_stance_check_listed_in_its_checksums() -> None:
    assert STANCE_FILE in read_sums(bundled_folder())


def test_an_assertion_is_hidden_and_its_evidence_names_the_stance_check(
    classifier: HouseRulesClassifier,
) -> None:
    assert _detector(classifier).stance is not None
    v = judge(classifier, "They're selling the baths off to a housing developer. Disgraceful.")
    assert Category.MISINFORMATION in v.categories
    assert v.action is Action.HIDE
    said = [e.description for f in v.findings for e in f.evidence if e.detector == "misinformation"]
    assert any("stance check" in s for s in said)


def test_with_the_stance_check_a_question_still_goes_to_comms_without_a_category(
    classifier: HouseRulesClassifier,
) -> None:
    v = judge(classifier, "Is it true the baths are being sold to a developer for housing?")
    assert Category.MISINFORMATION not in v.categories
    assert any(n.reason == RUMOUR_QUESTION for n in v.comms)


@pytest.mark.parametrize(
    "text",
    [
        "The baths are NOT being sold to a developer, read the council's page.",
        "£25 for a bulky waste collection is steep for three items. Shocking.",
        "Went to the baths this morning, the learner pool was lovely and warm.",
    ],
)
def test_with_the_stance_check_denials_and_lawful_talk_on_the_topic_are_not_misinformation(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert Category.MISINFORMATION not in v.categories
    assert v.action is not Action.HIDE


def test_a_stance_check_not_listed_in_the_checksums_is_refused_by_name(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    write_sums(folder, sorted(n for n in read_sums(folder) if n != STANCE_FILE))
    model = ToxicityModel.load(folder)
    with pytest.raises(ModelFilesError, match=rf"{STANCE_FILE} is not listed in SHA256SUMS"):
        HouseRulesClassifier(load_rules(), REGISTERS, model)


def test_stance_weights_for_another_encoder_are_refused_by_name(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    np.savez(folder / STANCE_FILE, weights=np.zeros(10), bias=0.0, threshold=0.5)
    write_sums(folder, sorted(read_sums(folder)))
    model = ToxicityModel.load(folder)
    with pytest.raises(ModelFilesError, match=rf"{STANCE_FILE} holds 10 weights"):
        HouseRulesClassifier(load_rules(), REGISTERS, model)


def test_a_model_without_a_stance_check_keeps_the_match_bar(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    (folder / STANCE_FILE).unlink()
    write_sums(folder, sorted(n for n in read_sums(folder) if n != STANCE_FILE))
    classifier = HouseRulesClassifier(load_rules(), REGISTERS, ToxicityModel.load(folder))
    assert _detector(classifier).stance is None
    v = judge(classifier, "They're selling the baths off to a housing developer. Disgraceful.")
    assert Category.MISINFORMATION in v.categories
    said = [e.description for f in v.findings for e in f.evidence if e.detector == "misinformation"]
    assert said and not any("stance check" in s for s in said)
