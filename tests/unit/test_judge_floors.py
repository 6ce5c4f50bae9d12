"""The floors docs/evaluation.md promises for the bundled judge.

These hold the line under the measured numbers (docs/evaluation.md gives them, and the
command that produced each); they are floors with a margin, not the numbers themselves:
- council-dev, the development council;
- Isbury, a written council held out of training and of threshold choice (HELD_OUT `test`);
- Tidewell, held out the same way, written by a helper who read only the house rules;
- misinformation found on those three councils, which the stance check raised;
- our functional suite, per functionality.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from houserules.config import load_registers, load_rules
from houserules.eval_command import per_functionality
from houserules.public_sets import read_functional
from ingest.files import read_comments
from moderation.classifier import HouseRulesClassifier
from moderation.evaluation import LabelledComment, evaluate
from moderation.model import ToxicityModel

ROOT = Path(__file__).resolve().parents[2]
COUNCIL_DEV = ROOT / "evaluation" / "council-dev"
ISBURY = ROOT / "training" / "corpus" / "isbury"
TIDEWELL = ROOT / "training" / "corpus" / "tidewell"
FUNCTIONAL = ROOT / "evaluation" / "functional"

# functionality -> the share of its cases that must be judged the right way round: about 0.1
# under what the bundled model measured (docs/evaluation.md), so a retrained model that does
# worse on any one functionality fails here; obscenity (0.61), electoral and legal pressure
# (0.80) and defamation (0.80) keep the floors they had (the model before: 0.61, 0.85, 0.90)
FUNCTIONAL_FLOORS = {
    # threats by form
    "threat_direct": 0.9,
    "threat_veiled": 0.65,
    "threat_property": 0.8,
    "threat_incitement": 0.65,
    "threat_group": 0.9,
    "self_harm": 0.65,
    # hate, harassment and the rest that should be hidden
    "hate_no_slur": 0.7,
    "hate_slur_dodged": 0.75,
    "harassment_personal": 0.75,
    "obscenity": 0.5,
    "defamation": 0.8,  # measured 0.80 (16 of 20); the model before measured 0.90
    "scam": 0.85,
    # lawful comments that should stay visible
    "criticism_harsh": 0.9,
    "quoted_reported": 0.9,
    "dodged_benign": 0.85,
    "idioms_violent": 0.85,
    "electoral_legal": 0.75,
    "safety_warning": 0.8,
    "negated_abuse": 0.85,
    "counter_speech": 0.9,
    "identity_self": 0.9,
    "identity_neutral": 0.9,
    "questions_neutral": 0.9,
}


@pytest.fixture(scope="module")
def model() -> Iterator[ToxicityModel]:
    yield ToxicityModel.load()


def council_items(folder: Path) -> list[LabelledComment]:
    rows = read_comments(folder / "comments.jsonl").rows
    return [
        LabelledComment(
            r.comment,
            frozenset(r.extra.get("gold_categories") or ()),
            str(r.extra.get("gold_action", "allow")),
        )
        for r in rows
    ]


def judged(model: ToxicityModel, folder: Path, items: list[LabelledComment]) -> Any:
    classifier = HouseRulesClassifier(load_rules(), load_registers(folder), model)
    verdicts = []
    for i in range(0, len(items), 64):
        verdicts += classifier.classify([it.comment for it in items[i : i + 64]])
    return verdicts


@functools.cache
def report(model: ToxicityModel, folder: Path) -> dict[str, Any]:
    """The evaluation of one council, worked out once per model for the tests that read it."""
    items = council_items(folder)
    result = evaluate(items, judged(model, folder, items))
    print(json.dumps({k: result[k] for k in ("n", "action_macro_f1", "false_hide_rate")}))
    return result


def test_council_dev_floors(model: ToxicityModel) -> None:
    result = report(model, COUNCIL_DEV)  # measured 0.910, 0.013, 0.917, 0.889
    assert result["action_macro_f1"] >= 0.87
    assert result["false_hide_rate"] <= 0.025
    assert result["escalate_recall"] >= 0.80
    assert result["hide_recall"] >= 0.80


@pytest.mark.parametrize(
    ("folder", "macro_f1", "false_hides", "escalate_recall"),
    [
        (ISBURY, 0.81, 0.06, 0.70),  # measured 0.866, 0.043, 0.895
        (TIDEWELL, 0.85, 0.025, 0.80),  # measured 0.875, 0.018, 0.889
    ],
    ids=["isbury", "tidewell"],
)
def test_a_written_council_never_trained_on(
    model: ToxicityModel, folder: Path, macro_f1: float, false_hides: float, escalate_recall: float
) -> None:
    result = report(model, folder)
    assert result["action_macro_f1"] >= macro_f1
    assert result["false_hide_rate"] <= false_hides
    assert result["escalate_recall"] >= escalate_recall


@pytest.mark.parametrize(
    ("folder", "recall"),
    [
        (COUNCIL_DEV, 0.84),  # measured 0.943 (0.886 without the stance check)
        (ISBURY, 0.71),  # measured 0.813 (0.656 without it)
        (TIDEWELL, 0.58),  # measured 0.682 (0.500 without it)
    ],
    ids=["council-dev", "isbury", "tidewell"],
)
def test_misinformation_is_found_with_the_stance_check(
    model: ToxicityModel, folder: Path, recall: float
) -> None:
    found = report(model, folder)["per_category"]["misinformation"]
    assert found["recall"] >= recall


def test_each_functionality_of_our_own_suite_holds_its_floor(model: ToxicityModel) -> None:
    items = read_functional(FUNCTIONAL / "cases.jsonl")
    results = per_functionality(items, judged(model, FUNCTIONAL, items))
    assert set(results) == set(FUNCTIONAL_FLOORS), "every functionality has a floor"
    below = {
        name: (m["pass_rate"], FUNCTIONAL_FLOORS[name])
        for name, m in results.items()
        if m["pass_rate"] < FUNCTIONAL_FLOORS[name]
    }
    assert below == {}
