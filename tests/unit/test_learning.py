"""The parts of learning from reviewers: the refit, the gate's figures and its rule, the model
versions and the classifier that follows the current one between batches (as a worker's
classify step runs it)."""

from __future__ import annotations

import logging
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from houserules.bootstrap import build_classifier, load_base_model
from houserules.config import load_registers, load_rules
from houserules.learning.fit import refit
from houserules.learning.following import FollowingClassifier
from houserules.learning.gate import compare_actions, macro_f1, time_split
from houserules.learning.sample import SampleError, load_sample
from houserules.learning.status import model_status
from houserules.learning.versions import (
    LEARNED,
    ModelVersions,
    VersionError,
    VersionRecord,
    encoder_sha256,
)
from houserules.settings import Settings
from moderation import wire
from moderation.comment import Comment, Platform, Surface
from moderation.evaluation import ACTIONS, LabelledComment, evaluate
from moderation.model import ToxicityHeads, ToxicityModel
from moderation.model.checksums import read_sums
from moderation.model.onnx_model import bundled_folder
from moderation.review import parse_recategorised, recategorised_detail
from moderation.verdict import Action, Category, Verdict
from store.sqlite import SqliteStore
from stream.agents import Incoming, Steps
from stream.clock import SystemClock

NOW = datetime(2026, 12, 5, 10, tzinfo=UTC)
CRITICISM = "The Tinkers End gang at county hall haven't a clue what they are doing."
THANKS = "Thank you to the bin crews for coming out in the snow this morning."


@pytest.fixture(scope="module")
def bundled() -> ToxicityModel:
    model = load_base_model(Settings(data_dir=Path("unused")))
    assert isinstance(model, ToxicityModel)
    return model


@pytest.fixture(scope="module")
def sample(bundled: ToxicityModel) -> np.ndarray:
    return load_sample(encoder_sha256(bundled), bundled.labels).embeddings


# --- the refit -----------------------------------------------------------------------------


def test_with_no_decisions_the_refit_gives_back_the_bundled_heads(
    bundled: ToxicityModel, sample: np.ndarray
) -> None:
    empty = np.zeros((0, 384), np.float32)
    heads, report = refit(bundled.heads, sample, empty, np.zeros((0, 9), np.float32))
    assert np.abs(heads.weights[0] - bundled.heads.weights[0]).max() < 1e-3
    assert np.abs(heads.biases[0] - bundled.heads.biases[0]).max() < 1e-3
    assert set(report.council_rows.values()) == {0}


def test_a_label_no_decision_speaks_for_does_not_move(
    bundled: ToxicityModel, sample: np.ndarray
) -> None:
    council = bundled.embed([CRITICISM] * 3)
    labels = np.full((3, 9), np.nan, np.float32)
    labels[:, bundled.labels.index("discrimination")] = 0.0
    heads, report = refit(bundled.heads, sample, council, labels)
    moved = {label for label, change in report.weight_change.items() if change > 1e-4}
    assert moved == {"discrimination"}
    j = bundled.labels.index("discrimination")
    before = bundled.heads.probabilities(council)[0, j]
    assert heads.probabilities(council)[0, j] < before


def test_the_sample_must_match_the_encoder(bundled: ToxicityModel) -> None:
    with pytest.raises(SampleError, match="another encoder"):
        load_sample("0" * 64, bundled.labels)


# --- the gate ------------------------------------------------------------------------------


def test_the_gates_macro_f1_is_the_one_houserules_eval_reports() -> None:
    rng = random.Random(7)
    gold = [rng.choice(ACTIONS[:3]) for _ in range(200)]
    got = [rng.choice(ACTIONS) for _ in range(200)]
    items = [
        LabelledComment(
            Comment(Platform.FACEBOOK, Surface.OWN_PAGE, str(i), "x", NOW), frozenset(), g
        )
        for i, g in enumerate(gold)
    ]
    verdicts = [
        Verdict(str(i), Action(a), (), (), False, False, "r", "m") for i, a in enumerate(got)
    ]
    codes = [np.array([ACTIONS.index(a) for a in xs]) for xs in (gold, got)]
    assert round(macro_f1(*codes), 4) == evaluate(items, verdicts)["action_macro_f1"]


def test_the_gate_refuses_one_more_false_hide_and_a_worse_f1_beyond_noise() -> None:
    gold = ["allow"] * 30 + ["hide"] * 30
    current = ["allow"] * 29 + ["hide"] + ["hide"] * 30
    assert compare_actions("same", gold, current, current).passed
    one_more = ["allow"] * 28 + ["hide"] * 32
    result = compare_actions("more hides", gold, current, one_more)
    assert not result.passed and "hides more lawful comments (2 against 1)" in result.why
    misses = ["allow"] * 29 + ["hide"] + ["allow"] * 20 + ["hide"] * 10
    result = compare_actions("misses", gold, current, misses)
    assert not result.passed and "worse beyond noise" in result.why
    assert result.f1_change_interval[1] < 0
    one_miss = ["allow"] * 29 + ["hide"] + ["allow"] + ["hide"] * 29
    assert compare_actions("within noise", gold, current, one_miss).passed


def test_the_newest_quarter_is_held_out_and_never_fewer_than_five() -> None:
    assert time_split(42) == 32
    assert time_split(20) == 15
    assert time_split(8) == 3


def test_a_correction_reads_back_and_an_erased_one_is_not_a_correction() -> None:
    detail = recategorised_detail([Category.THREAT, Category.CRITICISM], [Category.HARASSMENT])
    assert detail == "categories: threat, criticism; was: harassment"
    assert parse_recategorised(detail) == {Category.THREAT, Category.CRITICISM}
    assert parse_recategorised(recategorised_detail([], [Category.THREAT])) == frozenset()
    assert parse_recategorised("[erased at request: 2026-12-05]") is None


# --- versions and the classifier that follows them -----------------------------------------


def _learned(
    versions: ModelVersions,
    base: ToxicityModel,
    shift: float,
    n: int,
    label: str = "discrimination",
) -> str:
    """A learned version with one head's bias shifted (a stand-in for a real fit)."""
    weights = base.heads.weights[0].copy()
    biases = base.heads.biases[0].copy()
    biases[base.labels.index(label)] += shift
    heads = ToxicityHeads(base.labels, (weights,), (biases,))
    name = f"{base.version.rsplit('-', 1)[0]}+learned{n}-test{n:04d}"
    versions.add_learned(
        heads,
        VersionRecord(
            name=name,
            kind=LEARNED,
            created_at=NOW.isoformat(),
            encoder_sha256=read_sums(bundled_folder())["encoder.onnx"],
            thresholds=dict(base.thresholds),
            summary=f"{label} shifted by {shift}",
        ),
    )
    return name


def _comments(tag: str, n: int = 3, text: str = CRITICISM) -> list[Comment]:
    return [Comment(Platform.FACEBOOK, Surface.OWN_PAGE, f"{tag}{i}", text, NOW) for i in range(n)]


def test_the_classifier_switches_version_between_batches_and_names_it(
    bundled: ToxicityModel, tmp_path: Path
) -> None:
    versions = ModelVersions(tmp_path / "models")
    rules, registers = load_rules(None), load_registers(None)
    follow = FollowingClassifier(lambda m: build_classifier(rules, registers, m), bundled, versions)
    first = follow.classify(_comments("a", text=THANKS))
    assert {v.classifier_version for v in first} == {bundled.version}
    assert {v.action for v in first} == {Action.ALLOW}

    alarmed = _learned(versions, bundled, 12.0, 1, label="threat")  # everything is a threat
    versions.ensure_bundled(bundled, NOW)
    versions.use(alarmed, NOW, "test", "try it")
    second = follow.classify(_comments("b", text=THANKS))
    assert {v.classifier_version for v in second} == {alarmed}
    assert {v.action for v in second} == {Action.ESCALATE}

    versions.use(bundled.version, NOW, "test", "back")
    assert {v.classifier_version for v in follow.classify(_comments("c"))} == {bundled.version}


def test_a_version_that_cannot_load_leaves_the_previous_one_judging(
    bundled: ToxicityModel, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    versions = ModelVersions(tmp_path / "models")
    name = _learned(versions, bundled, -8.0, 1)
    (versions.folder / "versions" / name / "heads.npz").write_bytes(b"damaged")
    follow = FollowingClassifier(
        lambda m: build_classifier(load_rules(None), load_registers(None), m), bundled, versions
    )
    versions.use(name, NOW, "test", "switch")
    with caplog.at_level(logging.ERROR):
        for tag in "xyz":
            verdicts = follow.classify(_comments(tag))
            assert {v.classifier_version for v in verdicts} == {bundled.version}
    errors = [r for r in caplog.records if "does not match its recorded checksum" in r.message]
    assert len(errors) == 1, "said once, not every batch"


def test_a_version_learned_on_another_encoder_is_refused(
    bundled: ToxicityModel, tmp_path: Path
) -> None:
    versions = ModelVersions(tmp_path / "models")
    name = _learned(versions, bundled, 1.0, 1)
    record = versions.record(name)
    assert record is not None
    versions.save_record(replace(record, encoder_sha256="f" * 64))
    with pytest.raises(VersionError, match="another encoder"):
        versions.model_for(name, bundled)
    versions.use(name, NOW, "test", "x")
    assert versions.current_model(bundled) is bundled


def test_a_workers_classify_step_switches_between_batches_and_loses_nothing(
    bundled: ToxicityModel, tmp_path: Path
) -> None:
    """What the Faust classify agent runs per batch (stream.agents.Steps.classify)."""
    settings = Settings(data_dir=tmp_path / "data")
    versions = ModelVersions(settings.model_versions_dir)
    rules, registers = load_rules(None), load_registers(None)

    parts = SimpleNamespace(
        classifier=FollowingClassifier(
            lambda m: build_classifier(rules, registers, m), bundled, versions
        ),
        store=SqliteStore(settings.sqlite_path),
        moderators={},
        clock=SystemClock(),
    )
    steps = Steps(parts)

    def batch(tag: str) -> list[Incoming]:
        return [
            Incoming(wire.encode_comment(c), c.key.encode(), "comments.raw", 0, i)
            for i, c in enumerate(_comments(tag, 5))
        ]

    first = steps.classify(batch("one"))
    name = _learned(versions, bundled, -8.0, 1)
    versions.use(name, NOW, "houserules learn", "passed the gate")
    second = steps.classify(batch("two"))
    for result, version in ((first, bundled.version), (second, name)):
        assert result.done == 5 and not result.dead
        verdicts = [wire.decode_classified(o.value).verdict for o in result.outgoing]
        assert {v.classifier_version for v in verdicts} == {version}
    parts.store.close()


def test_the_review_apps_model_status_follows_learn_and_model_use(
    bundled: ToxicityModel, tmp_path: Path
) -> None:
    folder = tmp_path / "models"
    status = model_status(folder)
    assert status.current == "the model shipped with houserules" and not status.learned
    assert status.last_learned is None
    versions = ModelVersions(folder)
    versions.ensure_bundled(bundled, NOW)
    name = _learned(versions, bundled, -1.0, 1)
    versions.use(name, NOW, "houserules learn", "passed the gate")
    status = model_status(folder)
    assert (status.current, status.learned, status.since) == (name, True, NOW)
    assert status.last_learned == NOW and "shifted" in status.changed
    versions.use(bundled.version, NOW, "officer", "back")
    status = model_status(folder)
    assert status.current == bundled.version and "Went back" in status.changed


def test_every_decision_is_read_back_across_pages(tmp_path: Path) -> None:
    """The audit log is read by time in pages; events close together are neither lost nor
    counted twice."""
    from datetime import timedelta

    from houserules.learning.examples import audit_events
    from moderation.review import AuditEvent

    store = SqliteStore(tmp_path / "db.sqlite")
    for i in range(95):
        at = NOW + timedelta(microseconds=3 * i) + timedelta(seconds=i // 10)
        store.append_audit(AuditEvent(at, "officer", "restore", f"facebook:{i}", "fair", i))
    store.append_audit(AuditEvent(NOW, "officer", "confirm", "facebook:x", "abuse", 99))
    found = audit_events(store, "restore", page=4)
    assert [e.comment_key for e in found] == [f"facebook:{i}" for i in range(95)]
    store.close()
