"""Learning from the council's own reviewers, as an officer runs it: comments judged by the
bundled model, reviewers' decisions, `houserules learn`, `houserules model list` and
`houserules model use`, erasure, and the audit log.

The council: its covered market sells faggots and peas (a Black Country dish), and residents
criticise the council sharply over the market; the bundled model hides much of that as
discrimination, because the dish's name is also a slur against gay men, and the reviewers keep
restoring it. Real abuse of gay men using the same word is hidden and they keep confirming it.
After learning, new comments of the first kind stay visible and new ones of the second are
still hidden.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from houserules.bootstrap import build_app, build_classifier, load_base_model
from houserules.cli import main
from houserules.config import load_registers, load_rules
from houserules.learning.examples import ExampleEmbeddings
from houserules.learning.gate import time_split
from houserules.settings import Settings
from moderation.comment import Comment, Platform, Surface
from moderation.review import AuditEvent, DecisionKind, recategorised_detail
from moderation.verdict import Category, Route
from store.base import AuditFilter
from store.sqlite import SqliteStore

HIDING = ("hide", "escalate")
DISHES = ["faggots and peas", "faggots and mushy peas", "faggots and gravy"]
STALLS = ["stall", "van", "counter", "pitch"]
WHERE = [
    "at the council market",
    "on the market square",
    "at the Christmas fair",
    "outside the civic centre",
    "at the food festival",
    "in the covered market",
]
VERDICTS = [
    "has gone since the council tripled the rent.",
    "was shut again because the council never fixed the roof.",
    "is the only thing this council hasn't ruined yet.",
    "deserves better than this useless council.",
    "closed after the council's parking charges drove everyone away.",
]
WHO = [
    "Dirty faggots",
    "Filthy faggots",
    "Those disgusting faggots",
    "The faggots",
    "Bloody faggots",
    "Perverted faggots",
]
AT = ["on the rec", "by the river", "on Mill Field", "at the lay-by", "behind the school"]
ABUSE = [
    "should be run out of town.",
    "are vermin and always will be.",
    "are scum, every last one of them.",
    "ruin every place they go.",
    "need clearing off like the rubbish they are.",
    "are a danger to our kids.",
]
SEEDED, FRESH = 30, 20
LAWFUL_REASON = "criticism of the council; faggots and peas is a dish"
ABUSE_REASON = "abuse of gay men"

Invoke = Callable[..., str]


def _texts() -> tuple[list[str], list[str]]:
    rng = random.Random(20261205)
    lawful = [
        f"The {d} {s} {w} {v}"
        for d, s, w, v in rng.sample(list(itertools.product(DISHES, STALLS, WHERE, VERDICTS)), 50)
    ]
    abusive = [
        f"{w} {a} {x}" for w, a, x in rng.sample(list(itertools.product(WHO, AT, ABUSE)), 50)
    ]
    return lawful, abusive


LAWFUL, ABUSIVE = _texts()


def _write(path: Path, rows: list[tuple[str, str, str]], start: datetime) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i, (cid, author, text) in enumerate(rows):
            row = {
                "id": cid,
                "platform": "facebook",
                "surface": "own_page",
                "author": author,
                "text": text,
                "created_at": (start + timedelta(minutes=i)).isoformat(),
            }
            handle.write(json.dumps(row) + "\n")
    return path


def _runner(data_dir: Path) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, expect: int = 0) -> str:
        result = runner.invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return result.stdout if expect == 0 else result.output

    return invoke


def _seed(data_dir: Path, *, flipped_older: bool) -> dict[str, int]:
    """Post the seeded comments (judged by the bundled model), then decide every review item
    in the order queued: restore the criticism, confirm the abuse. With `flipped_older`, the
    decisions learn would train on are the wrong way round; the newest (held out) are right."""
    rows = []
    for i in range(SEEDED):
        rows.append((f"crit{i}", f"resident{i}", LAWFUL[i]))
        rows.append((f"abuse{i}", f"troll{i}", ABUSIVE[i]))
    feed = _write(data_dir.parent / "seeded.jsonl", rows, datetime(2026, 11, 2, 9, tzinfo=UTC))
    _runner(data_dir)("import", str(feed))
    app = build_app(Settings(data_dir=data_dir), model=None, moderators={})
    items = app.store.queue(Route.REVIEW, limit=1000)
    cut = time_split(len(items)) if flipped_older else 0
    counts = {"restore": 0, "confirm": 0}
    for n, item in enumerate(items):
        lawful = item.comment_key.startswith("facebook:crit")
        if n < cut:
            lawful = not lawful
        kind = DecisionKind.RESTORE if lawful else DecisionKind.CONFIRM
        app.decide(item.item_id, kind, "officer.a", LAWFUL_REASON if lawful else ABUSE_REASON)
        counts[kind.value] += 1
    app.close()
    return counts


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two councils, seeded once: reviewers who decided rightly, and reviewers whose older
    decisions were the wrong way round."""
    root = tmp_path_factory.mktemp("councils")
    out = {}
    for name, flipped in (("right", False), ("flipped", True)):
        (root / name).mkdir()
        _seed(root / name / "data", flipped_older=flipped)
        out[name] = root / name / "data"
    return out


@pytest.fixture
def council(seeded: dict[str, Path], tmp_path: Path) -> Path:
    shutil.copytree(seeded["right"], tmp_path / "data")
    return tmp_path / "data"


@pytest.fixture
def run(council: Path) -> Invoke:
    return _runner(council)


def _hidden(council: Path, ids: list[str]) -> tuple[int, int, set[str]]:
    """How many of these stored comments are hidden or escalated, of how many found, and the
    model versions that judged them."""
    store = SqliteStore(council / "houserules.db")
    found = [store.get(f"facebook:{i}") for i in ids]
    store.close()
    verdicts = [s.classified.verdict for s in found if s is not None]
    hidden = sum(v.action.value in ("hide", "escalate") for v in verdicts)
    return hidden, len(verdicts), {v.classifier_version for v in verdicts}


def _post_fresh(run: Invoke, council: Path, tag: str) -> None:
    rows = [(f"{tag}-crit{i}", f"new{i}", LAWFUL[SEEDED + i]) for i in range(FRESH)]
    rows += [(f"{tag}-abuse{i}", f"newt{i}", ABUSIVE[SEEDED + i]) for i in range(FRESH)]
    feed = _write(council.parent / f"{tag}.jsonl", rows, datetime(2026, 12, 1, 9, tzinfo=UTC))
    run("import", str(feed))


@pytest.fixture(scope="module")
def bundled_on_fresh() -> tuple[list[str], list[str]]:
    """What the bundled model does with the fresh comments: the lawful and the abusive ones it
    hides."""
    settings = Settings(data_dir=Path("unused"))
    classifier = build_classifier(load_rules(None), load_registers(None), load_base_model(settings))

    def hidden(texts: list[str]) -> list[str]:
        comments = [
            Comment(Platform.FACEBOOK, Surface.OWN_PAGE, f"x{i}", t, datetime.now(UTC))
            for i, t in enumerate(texts)
        ]
        verdicts = classifier.classify(comments)
        return [t for t, v in zip(texts, verdicts, strict=True) if v.action.value in HIDING]

    fresh = slice(SEEDED, SEEDED + FRESH)
    return hidden(LAWFUL[fresh]), hidden(ABUSIVE[fresh])


def test_after_learning_the_restored_kind_stays_visible_and_the_confirmed_kind_is_still_hidden(
    council: Path, run: Invoke, bundled_on_fresh: tuple[list[str], list[str]]
) -> None:
    lawful_before, abusive_before = (len(texts) for texts in bundled_on_fresh)
    assert lawful_before >= FRESH // 4, "the bundled model hides a good share of this criticism"
    assert abusive_before >= FRESH * 3 // 4

    printed = run("learn")
    assert "The candidate passed the gate and is now the current model" in printed
    assert "council's newest decisions" in printed and "bundled evaluation councils" in printed
    assert "false hides" in printed and "macro-F1" in printed and "95% interval" in printed
    report = json.loads(run("model", "list", "--json"))
    version = report["current"]
    assert "+learned1-" in version
    learned = next(v for v in report["versions"] if v["name"] == version)
    council_gate = learned["gate"]["sets"][0]
    assert council_gate["candidate"]["false_hides"] < council_gate["current"]["false_hides"]
    assert learned["examples"]["by_label"]["discrimination"]["negative"] >= 10

    _post_fresh(run, council, "fresh")
    lawful_hidden, lawful_n, versions = _hidden(council, [f"fresh-crit{i}" for i in range(FRESH)])
    abusive_hidden, abusive_n, _ = _hidden(council, [f"fresh-abuse{i}" for i in range(FRESH)])
    assert (lawful_n, abusive_n) == (FRESH, FRESH)
    assert lawful_hidden <= 1, f"{lawful_hidden} of {FRESH} lawful comments still hidden"
    assert abusive_hidden >= abusive_before, "the abuse is still hidden"
    assert versions == {version}, "each verdict names the model version that made it"

    store = SqliteStore(council / "houserules.db")
    events, _ = store.audit_page(AuditFilter(event="model_learned"))
    store.close()
    assert len(events) == 1 and version in events[0].detail
    assert "false hides" in events[0].detail and "macro-F1" in events[0].detail


def test_a_candidate_trained_on_flipped_decisions_is_refused_and_nothing_changes(
    seeded: dict[str, Path], tmp_path: Path
) -> None:
    council = tmp_path / "data"
    shutil.copytree(seeded["flipped"], council)
    run = _runner(council)
    before = json.loads(run("model", "list", "--json"))["current"]

    printed = run("learn")
    assert "The candidate was refused" in printed
    assert "FAIL" in printed and "the current model is unchanged" in printed
    after = json.loads(run("model", "list", "--json"))
    assert after["current"] == before
    assert [v["kind"] for v in after["versions"]] == ["bundled"], "no version was kept"
    assert not (council / "models" / "CURRENT").exists()
    store = SqliteStore(council / "houserules.db")
    events, _ = store.audit_page(AuditFilter(event="model_refused"))
    store.close()
    assert len(events) == 1 and "macro-F1" in events[0].detail


def test_a_dry_run_reports_the_gate_and_keeps_nothing(council: Path, run: Invoke) -> None:
    report = json.loads(run("learn", "--dry-run", "--json"))
    assert report["status"] == "accepted" and report["dry_run"] is True
    assert report["gate"]["sets"][0]["comments"] == report["held_out"]
    assert report["trained_on"] + report["held_out"] == report["examples"]
    assert not (council / "models").exists()
    store = SqliteStore(council / "houserules.db")
    assert store.audit_page(AuditFilter(event="model_learned"))[1] == 0
    store.close()


def test_erasure_removes_an_authors_examples_and_marks_the_version_learned_from_them(
    council: Path, run: Invoke
) -> None:
    run("learn")
    kept = ExampleEmbeddings(council / "models").comment_keys()
    restored = [i for i in range(SEEDED) if f"facebook:crit{i}" in kept]
    assert restored, "the restored criticism was learned from"
    first = restored[0]
    before = json.loads(run("learn", "--dry-run", "--json"))["examples"]

    printed = run(
        "erase",
        "--platform",
        "facebook",
        "--author",
        f"resident{first}",
        "--by",
        "dpo",
        "--reason",
        "SAR-17",
        "--yes",
    )
    assert "1 learning example of these comments removed" in printed
    assert f"facebook:crit{first}" not in ExampleEmbeddings(council / "models").comment_keys()
    assert json.loads(run("learn", "--dry-run", "--json"))["examples"] == before - 1
    learned = json.loads(run("model", "list", "--json"))["versions"][-1]
    assert learned["erased_since"] == 1
    assert "have since been erased" in run("model", "list")


def test_model_use_goes_back_to_the_bundled_model_and_forward_again(
    council: Path, run: Invoke, bundled_on_fresh: tuple[list[str], list[str]]
) -> None:
    criticism = bundled_on_fresh[0][0]
    run("learn")
    learned = json.loads(run("model", "list", "--json"))["current"]

    run("model", "use", "bundled", "--by", "officer.b", "--reason", "checking a complaint")
    bundled = json.loads(run("model", "list", "--json"))["current"]
    assert "+learned" not in bundled
    verdict = json.loads(run("classify", criticism, "--json"))
    assert verdict["classifier_version"] == bundled
    assert verdict["action"] in HIDING, "the bundled model hides it again"

    run("model", "use", learned, "--by", "officer.b", "--reason", "complaint answered")
    verdict = json.loads(run("classify", criticism, "--json"))
    assert verdict["classifier_version"] == learned
    assert verdict["action"] not in HIDING
    store = SqliteStore(council / "houserules.db")
    used = [e.detail for e in store.audit_page(AuditFilter(event="model_used"))[0]]
    store.close()
    assert len(used) == 2 and "checking a complaint" in used[1]
    assert "nope" in run("model", "use", "nope", "--by", "x", "--reason", "y", expect=2)


def test_a_reviewers_corrected_categories_are_learned_from(council: Path, run: Invoke) -> None:
    store = SqliteStore(council / "houserules.db")
    stored = store.get("facebook:abuse1")
    assert stored is not None
    store.append_audit(
        AuditEvent(
            datetime.now(UTC),
            "officer.a",
            "recategorised",
            "facebook:abuse1",
            recategorised_detail([Category.DISCRIMINATION, Category.THREAT], []),
        )
    )
    store.close()
    report = json.loads(run("learn", "--dry-run", "--json"))
    assert report["by_label"]["threat"]["positive"] >= 1


def test_learning_needs_enough_decisions(tmp_path: Path) -> None:
    run = _runner(tmp_path / "data")
    rows = [(f"c{i}", f"a{i}", LAWFUL[i]) for i in range(3)]
    run("import", str(_write(tmp_path / "few.jsonl", rows, datetime(2026, 11, 2, tzinfo=UTC))))
    report = json.loads(run("learn", "--json"))
    assert report["status"] == "too_few" and report["examples"] == 0
    assert not (tmp_path / "data" / "models").exists()


@pytest.fixture(autouse=True)
def _bundled_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOUSERULES_MODEL", raising=False)
    monkeypatch.delenv("HOUSERULES_MODELS_DIR", raising=False)
