"""How the model's scores become house-rules findings, with a model whose scores we set.

The real model's quality is held by the floors in test_judge_floors.py; these tests hold the
wiring: thresholds, evidence, who an allegation is about, slurs as supported evidence, and
the service a complaint is about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import numpy as np
import pytest

from houserules.config import load_registers, load_rules
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment, Platform, Surface
from moderation.detectors.learned import on_rules_scale
from moderation.model_interface import Explanation, WordWeight
from moderation.verdict import Action, Category, Verdict

LABELS = ("threat", "harassment", "discrimination", "allegation", "service_complaint")


class SetModel:
    """Scores each text as told; explains a label by the words given for it."""

    version = "set-model-1"

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        self.thresholds = dict(thresholds or {})
        self.scores: dict[str, dict[str, float]] = {}
        self.words: dict[str, dict[str, tuple[str, ...]]] = {}

    def tell(self, text: str, words: Mapping[str, tuple[str, ...]] = {}, **scores: float) -> str:
        self.scores[text] = {label: scores.get(label, 0.01) for label in LABELS}
        self.words[text] = dict(words)
        return text

    def score(self, texts: Sequence[str]) -> tuple[None, list[dict[str, float]]]:
        return None, [self.scores[t] for t in texts]

    def embed(self, texts: Sequence[str]) -> None:
        return None

    def score_explained(
        self, texts: Sequence[str]
    ) -> tuple[np.ndarray, list[dict[str, float]], list[Explanation]]:
        explained: list[Explanation] = []
        for text in texts:
            spans = {}
            for label, words in self.words[text].items():
                spans[label] = tuple(
                    WordWeight(text.index(w), text.index(w) + len(w), 1 / len(words)) for w in words
                )
            explained.append(spans)
        return np.zeros((len(texts), 384), np.float32), [self.scores[t] for t in texts], explained


@pytest.fixture
def model() -> SetModel:
    return SetModel(thresholds={"threat": 0.3, "harassment": 0.6})


def judge(model: SetModel, text: str) -> Verdict:
    classifier = HouseRulesClassifier(load_rules(), load_registers(), model)
    comment = Comment(
        Platform.FACEBOOK, Surface.OWN_PAGE, "1", text, datetime(2026, 12, 1, tzinfo=UTC)
    )
    return classifier.classify([comment])[0]


def test_the_models_own_threshold_becomes_the_rules_half_way_mark() -> None:
    assert on_rules_scale(0.3, 0.3) == pytest.approx(0.5)
    assert on_rules_scale(0.15, 0.3) == pytest.approx(0.25)
    assert on_rules_scale(1.0, 0.3) == pytest.approx(1.0)
    assert on_rules_scale(0.0, 0.3) == 0.0


def test_a_threat_over_its_threshold_escalates_with_the_words_that_carried_it(
    model: SetModel,
) -> None:
    text = model.tell(
        "I will find you after the meeting", {"threat": ("find", "after")}, threat=0.35
    )
    verdict = judge(model, text)
    assert verdict.action is Action.ESCALATE
    finding = verdict.findings[0]
    assert finding.category is Category.THREAT and finding.detector == "model"
    summary, *spans = finding.evidence
    assert (
        "set-model-1" in summary.description
        and "threat 0.35 (threshold 0.30)" in summary.description
    )
    assert [s.span for s in spans] == ["find", "after"]
    assert all(text[s.start : s.end] == s.span for s in spans)


def test_a_score_under_the_models_threshold_does_not_act(model: SetModel) -> None:
    text = model.tell("You are a disgrace to this ward", harassment=0.55)
    verdict = judge(model, text)
    assert verdict.action is Action.ALLOW
    assert [f.category for f in verdict.below_threshold] == [Category.HARASSMENT]


def test_an_allegation_about_a_named_councillor_is_defamation(model: SetModel) -> None:
    text = model.tell("Cllr Castellow took a bung from the developer", allegation=0.9)
    verdict = judge(model, text)
    assert Category.DEFAMATION in verdict.categories
    assert any("Bronwen Castellow" in e.description for e in verdict.findings[0].evidence)


def test_an_allegation_about_the_council_as_a_body_is_not_defamation(model: SetModel) -> None:
    text = model.tell("This council is corrupt from top to bottom", allegation=0.9)
    assert Category.DEFAMATION not in judge(model, text).categories


def test_a_slur_from_the_vocabulary_needs_the_models_support(model: SetModel) -> None:
    slur = load_registers().vocabulary.slurs[0]
    quoted = model.tell(f"Someone sprayed '{slur}' on the bus shelter, please clean it")
    meant = model.tell(f"Get these {slur} out of our town", discrimination=0.3)
    assert Category.DISCRIMINATION not in judge(model, quoted).categories
    verdict = judge(model, meant)
    assert Category.DISCRIMINATION in verdict.categories
    assert any(e.detector == "vocabulary" for e in verdict.findings[0].evidence)


def test_a_service_complaint_names_the_service_from_the_vocabulary(model: SetModel) -> None:
    text = model.tell("Bins not emptied on Ferry Road for three weeks", service_complaint=0.9)
    verdict = judge(model, text)
    assert verdict.action is Action.COMMS
    assert verdict.comms[0].service == "waste"
    assert "Ferry Road" in verdict.comms[0].reason


def test_discrimination_needs_the_model_to_read_the_comment_as_hostile(model: SetModel) -> None:
    warm = model.tell("Great to see the Pride flags up on the town hall", discrimination=0.8)
    model.scores[warm]["negative"] = 0.1
    hostile = model.tell("Those people should not be allowed near our schools", discrimination=0.8)
    model.scores[hostile]["negative"] = 0.9

    warm_verdict = judge(model, warm)
    assert warm_verdict.action is Action.ALLOW
    assert [f.category for f in warm_verdict.below_threshold] == [Category.DISCRIMINATION]
    assert Category.DISCRIMINATION in judge(model, hostile).categories
