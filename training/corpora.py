"""The public training sets, read from the folder named on the command line, mapped to our labels.

Each example carries a value per label: 1, 0, or None when the source says nothing about
that label (the head for it ignores the example). ethos/ and jigsaw_bias/ are never read
here: they are evaluation-only (docs/training-data.md).

The sets' own labels (`finetune.py` maps them onto the house-rules labels):
- davidson: hate -> toxicity, identity_attack; offensive -> toxicity; neither -> all 0.
  No target information, so `insult` is unknown for toxic tweets.
- hatexplain (majority label): hatespeech -> toxicity, identity_attack; offensive ->
  toxicity (identity_attack unknown when a group is targeted, else 0); normal -> all 0.
- cad: any abuse -> toxicity; PersonDirectedAbuse -> insult; IdentityDirectedAbuse ->
  identity_attack; Neutral and CounterSpeech -> all 0.
- olid: OFF -> toxicity; OFF/TIN/IND -> insult; OFF/TIN/GRP -> identity_attack unknown
  (groups include political ones); NOT -> all 0.
- threat and obscene: no public set here labels them; `finetune.py` leaves them out of the
  loss for public examples (0 where the gold toxicity label is 0).
"""

from __future__ import annotations

import csv
import html
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("toxicity", "insult", "identity_attack", "threat", "obscene")
SPLITS = ("train", "val", "test")
SEED = 20261122

Label = int | None


@dataclass(frozen=True)
class Example:
    text: str
    source: str
    split: str
    labels: dict[str, Label] = field(default_factory=dict)


_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    text = html.unescape(text)
    text = text.replace("[linebreak]", " ").replace("<user>", "@USER")
    return _SPACES.sub(" ", text).strip()


def _example(text: str, source: str, split: str, gold: dict[str, Label]) -> Example:
    text = clean(text)
    return Example(text, source, split, dict(gold))


def _all_zero() -> dict[str, Label]:
    return {"toxicity": 0, "insult": 0, "identity_attack": 0}


def davidson(root: Path) -> Iterator[Example]:
    """No official split: a seeded 80/10/10 split."""
    rng = random.Random(SEED)
    with (root / "davidson" / "labeled_data.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            draw = rng.random()
            split = "train" if draw < 0.8 else "val" if draw < 0.9 else "test"
            label = row["class"]
            if label == "2":
                gold = _all_zero()
            else:
                gold = {"toxicity": 1, "insult": None, "identity_attack": int(label == "0")}
            yield _example(row["tweet"], "davidson", split, gold)


def _hatexplain_gold(label: int, targets: list[str]) -> dict[str, Label]:
    if label == 1:
        return _all_zero()
    if label == 0:
        return {"toxicity": 1, "insult": None, "identity_attack": 1}
    group = any(t not in ("None", "Other", "") for t in targets)
    return {"toxicity": 1, "insult": None, "identity_attack": None if group else 0}


def hatexplain(root: Path) -> Iterator[Example]:
    folder = root / "hatexplain"
    with (folder / "swiyasree_training_data.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            targets = [t.strip() for t in row["targets"].split(",")]
            gold = _hatexplain_gold(int(row["majority_label"]), targets)
            yield _example(row["text"], "hatexplain", "train", gold)
    for split, name in (("val", "hatexplain_validation.json"), ("test", "hatexplain_test.json")):
        with (folder / name).open(encoding="utf-8") as handle:
            for line in handle:
                post = json.loads(line)
                votes = post["annotators"]["label"]
                label = max(set(votes), key=votes.count)
                if votes.count(label) < 2:
                    continue
                targets = [t for per in post["annotators"]["target"] for t in per]
                gold = _hatexplain_gold(label, targets)
                yield _example(" ".join(post["post_tokens"]), "hatexplain", split, gold)


def cad(root: Path) -> Iterator[Example]:
    for split, name in (("train", "train"), ("val", "dev"), ("test", "test")):
        path = root / "cad" / f"cad_v1_1_{name}.tsv"
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                kinds = set(row["labels"].split(","))
                abuse = kinds & {
                    "IdentityDirectedAbuse",
                    "AffiliationDirectedAbuse",
                    "PersonDirectedAbuse",
                }
                gold: dict[str, Label] = {
                    "toxicity": int(bool(abuse)),
                    "insult": int("PersonDirectedAbuse" in kinds),
                    "identity_attack": int("IdentityDirectedAbuse" in kinds),
                }
                yield _example(row["text"], "cad", split, gold)


def _olid_gold(a: str, b: str, c: str) -> dict[str, Label]:
    if a == "NOT":
        return _all_zero()
    targeted = b == "TIN"
    return {
        "toxicity": 1,
        "insult": int(targeted and c == "IND"),
        "identity_attack": None if targeted and c == "GRP" else 0,
    }


def olid(root: Path) -> Iterator[Example]:
    """Official train; its official test (with levels b and c) is split half val, half test."""
    folder = root / "olid"
    with (folder / "olid-training-v1.0.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            gold = _olid_gold(row["subtask_a"], row["subtask_b"], row["subtask_c"])
            yield _example(row["tweet"], "olid", "train", gold)
    rng = random.Random(SEED)
    with (folder / "olid-training-v1.0-extra.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            gold = _olid_gold(row["subtask_a"], row["subtask_b"], row["subtask_c"])
            split = "val" if rng.random() < 0.5 else "test"
            yield _example(row["tweet"], "olid", split, gold)


SOURCES = {"davidson": davidson, "hatexplain": hatexplain, "cad": cad, "olid": olid}


def load(root: Path) -> list[Example]:
    """Every example, with exact-duplicate texts removed from train when they are in val/test."""
    examples = [e for read in SOURCES.values() for e in read(root) if e.text]
    held_out = {e.text.lower() for e in examples if e.split != "train"}
    seen: set[str] = set()
    kept: list[Example] = []
    for e in examples:
        key = e.text.lower()
        if e.split == "train" and (key in held_out or key in seen):
            continue
        if e.split == "train":
            seen.add(key)
        kept.append(e)
    return kept
