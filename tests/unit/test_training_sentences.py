"""The written sentences that train the model, and those kept to check its thresholds, are what
their READMEs say: the check sentences are never trained on, and every contrast pair is one
comment over a label's line (contempt for a group, a threat, a personal attack) and one lawful
comment."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

TRAINING = Path(__file__).resolve().parents[2] / "training"
CHECK = TRAINING / "identity_sentences_for_thresholds.txt"
# the trained sentences, and any written since that wait in corpus-next/ for the next release
TRAINED_LINES = (
    TRAINING / "identity_sentences.txt",
    *sorted((TRAINING / "corpus-next").glob("*_sentences.txt")),
)
# each file of contrast pairs, and the key that says which side of a pair a line is
PAIR_FILES = {
    "group_contrast_pairs.jsonl": "hateful",
    "threat_contrast_pairs.jsonl": "threat",
    "harassment_contrast_pairs.jsonl": "harassment",
}


# pairs written after a release, waiting in corpus-next/ to be appended to training/<name>
WAITING_PAIRS = sorted((TRAINING / "corpus-next").glob("more_*_contrast_pairs.jsonl"))


def _where(name: str) -> list[Path]:
    return [path for path in (TRAINING / name, TRAINING / "corpus-next" / name) if path.exists()]


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


def _lines(path: Path) -> set[str]:
    return {_plain(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def _pairs(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_the_threshold_check_sentences_are_never_training_sentences() -> None:
    check = _lines(CHECK)
    assert len(check) > 1000
    for path in TRAINED_LINES:
        assert not check & _lines(path), path.name
    for name in PAIR_FILES:
        for path in [*_where(name), *(p for p in WAITING_PAIRS if p.name == f"more_{name}")]:
            assert not check & {_plain(str(row["text"])) for row in _pairs(path)}, path.name


def _check_pairs(path: Path, key: str) -> list[dict[str, object]]:
    rows = _pairs(path)
    sides: dict[int, list[bool]] = defaultdict(list)
    for number, row in enumerate(rows, start=1):
        assert set(row) == {"pair", "text", key}, f"{path.name} line {number}"
        assert isinstance(row[key], bool), f"{path.name} line {number}"
        assert str(row["text"]).strip(), f"{path.name} line {number}"
        sides[int(row["pair"])].append(bool(row[key]))  # type: ignore[call-overload]
    assert all(sorted(found) == [False, True] for found in sides.values()), path.name
    assert len({_plain(str(row["text"])) for row in rows}) == len(rows), path.name
    return rows


@pytest.mark.parametrize("name", PAIR_FILES)
def test_each_contrast_pair_is_one_comment_over_the_line_and_one_lawful(name: str) -> None:
    (path,) = _where(name)  # in training/ once trained on, in corpus-next/ until then
    assert len(_check_pairs(path, PAIR_FILES[name])) >= 800


@pytest.mark.parametrize("waiting", WAITING_PAIRS, ids=lambda path: path.name)
def test_pairs_waiting_for_a_release_go_on_from_the_trained_ones(waiting: Path) -> None:
    """corpus-next/more_<name> holds pairs to append to training/<name> at the next release:
    checked the same way, numbered on from the last trained pair, and none of them already
    trained on."""
    name = waiting.name.removeprefix("more_")
    (trained,) = _where(name)
    key = PAIR_FILES[name]
    old, new = _check_pairs(trained, key), _check_pairs(waiting, key)
    last = max(int(row["pair"]) for row in old)  # type: ignore[call-overload]
    assert min(int(row["pair"]) for row in new) == last + 1  # type: ignore[call-overload]
    assert not {_plain(str(r["text"])) for r in old} & {_plain(str(r["text"])) for r in new}
