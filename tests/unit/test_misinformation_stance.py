"""The misinformation detector's stance check: shipped with the model, trusted only when the
model's checksums list it, and deciding whether a comment near a known false claim asserts it;
where it is unsure, the claim reader (a cross-encoder shipped beside it) decides instead.

The comments are written for the invented Brackenfold council of test_detectors_registers.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from houserules.config import load_rules
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment, Platform, Surface
from moderation.detectors.misinformation import MisinformationDetector
from moderation.detectors.misinformation_stance import READER_FILE, READER_SETTINGS, STANCE_FILE
from moderation.model import ModelFilesError, ToxicityModel, bundled_folder
from moderation.model.checksums import read_sums, write_sums
from moderation.model.pair_reader import PairReader
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


ASSERTION = "They're selling the baths off to a housing developer. Disgraceful."


def _said(classifier: HouseRulesClassifier, text: str) -> list[str]:
    v = judge(classifier, text)
    return [e.description for f in v.findings for e in f.evidence if e.detector == "misinformation"]


def _linear(classifier: HouseRulesClassifier, text: str) -> float:
    comment = Comment(
        Platform.FACEBOOK, Surface.OWN_PAGE, "c1", text, datetime(2027, 2, 1, 12, tzinfo=UTC)
    )
    doc = classifier.documents([comment])[0]
    near = _detector(classifier).claim_and_stance(doc)
    assert near is not None
    return near[1]


def test_the_bundled_model_ships_a_claim_reader_listed_in_its_checksums() -> None:
    assert {READER_FILE, READER_SETTINGS} <= set(read_sums(bundled_folder()))


def test_where_the_stance_check_is_unsure_the_claim_reader_decides_and_is_named(
    model: ToxicityModel,
) -> None:
    classifier = HouseRulesClassifier(load_rules(), REGISTERS, model)
    detector = _detector(classifier)
    assert detector.stance is not None and detector.stance.reader is not None
    # A band of 0 to 1 makes the stance check unsure of everything; an empty one, of nothing.
    reader = detector.stance.reader
    detector.stance = replace(detector.stance, reader=replace(reader, unsure=(0.0, 1.0)))
    assert any("claim reader" in s for s in _said(classifier, ASSERTION))
    detector.stance = replace(detector.stance, reader=replace(reader, unsure=(1.0, 1.0)))
    said = _said(classifier, ASSERTION)
    assert any("stance check" in s for s in said) and not any("claim reader" in s for s in said)


def test_the_claim_reader_is_not_loaded_until_a_comment_needs_it(tmp_path: Path) -> None:
    classifier = HouseRulesClassifier(load_rules(), REGISTERS, ToxicityModel.load())
    stance = _detector(classifier).stance
    assert stance is not None and stance.reader is not None
    judge(classifier, "Thanks to the crew who emptied our bins today!")
    judge(classifier, "Lovely sunset over the harbour tonight.")
    assert not stance.reader.reader.loaded
    judge(classifier, ASSERTION)  # near a claim: asked, if the stance check is unsure
    assert stance.reader.reader.loaded == stance.reader.asked(_linear(classifier, ASSERTION))


def test_a_pair_scores_the_same_alone_and_beside_others() -> None:
    folder = bundled_folder()
    reader = PairReader(folder / READER_FILE, folder / "tokenizer.json")
    claim = "the baths are being sold to a developer"
    comments = ["They are flogging the baths to developers", "The baths open at 7am", ASSERTION]
    together = reader.probabilities([(claim, c) for c in comments])
    assert [reader.probability(claim, c) for c in comments] == pytest.approx(together, abs=1e-6)
    assert together[0] > together[1]


def test_a_claim_reader_not_listed_in_the_checksums_is_refused_by_name(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    write_sums(folder, sorted(n for n in read_sums(folder) if n != READER_FILE))
    with pytest.raises(ModelFilesError, match=rf"{READER_FILE} is not listed in SHA256SUMS"):
        HouseRulesClassifier(load_rules(), REGISTERS, ToxicityModel.load(folder))


def test_a_claim_reader_without_its_settings_is_refused_by_name(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    (folder / READER_SETTINGS).unlink()
    write_sums(folder, sorted(n for n in read_sums(folder) if n != READER_SETTINGS))
    with pytest.raises(ModelFilesError, match=rf"{READER_SETTINGS} is missing"):
        HouseRulesClassifier(load_rules(), REGISTERS, ToxicityModel.load(folder))


def test_claim_reader_settings_out_of_range_are_refused_by_name(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    (folder / READER_SETTINGS).write_text(json.dumps({"threshold": 1.5, "unsure": [0.1, 0.9]}))
    write_sums(folder, sorted(read_sums(folder)))
    with pytest.raises(ModelFilesError, match=rf"{READER_SETTINGS}: threshold 1.5"):
        HouseRulesClassifier(load_rules(), REGISTERS, ToxicityModel.load(folder))


def test_a_graph_that_is_not_a_pair_reader_is_refused_when_first_asked(tmp_path: Path) -> None:
    folder = bundled_folder()
    reader = PairReader(folder / "encoder.onnx", folder / "tokenizer.json")
    with pytest.raises(ModelFilesError, match=r"encoder\.onnx takes .* it is not a pair reader"):
        reader.probability("a claim", "a comment")


def test_a_model_without_a_claim_reader_keeps_the_stance_check_alone(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    for name in (READER_FILE, READER_SETTINGS):
        (folder / name).unlink()
    write_sums(
        folder, sorted(n for n in read_sums(folder) if n not in (READER_FILE, READER_SETTINGS))
    )
    classifier = HouseRulesClassifier(load_rules(), REGISTERS, ToxicityModel.load(folder))
    stance = _detector(classifier).stance
    assert stance is not None and stance.reader is None
    assert any("stance check" in s for s in _said(classifier, ASSERTION))
