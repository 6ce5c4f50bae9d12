"""Evaluation-only sets: never trained on, only scored, to show how the model travels.

- ethos/Ethos_Dataset_Binary.csv (GPL-3.0, evaluation only): isHate >= 0.5 -> toxicity.
- jigsaw_bias/toxicity_nonfuzzed_testset.csv (Wikipedia talk pages): toxic -> toxicity.
- jigsaw_sample_ibm/test_examples.csv (101 rows, smoke test): the Jigsaw labels map to
  toxicity (toxic), insult, identity_attack (identity_hate), threat, obscene.
- council-dev/comments.jsonl (UK council comments): toxicity = any of harassment,
  discrimination, threat, obscenity; insult = harassment; identity_attack = discrimination;
  threat = threat; obscene = obscenity.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

COUNCIL_DEV = Path(__file__).resolve().parents[1] / "evaluation" / "council-dev" / "comments.jsonl"
LABELS = ("toxicity", "insult", "identity_attack", "threat", "obscene")

Labelled = tuple[list[str], np.ndarray]


def _matrix(rows: list[dict[str, int]]) -> np.ndarray:
    return np.array([[row.get(label, -1) for label in LABELS] for row in rows], dtype=np.int64)


def ethos(public: Path) -> Labelled:
    with (public / "ethos" / "Ethos_Dataset_Binary.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    texts = [r["comment"] for r in rows]
    return texts, _matrix([{"toxicity": int(float(r["isHate"]) >= 0.5)} for r in rows])


def jigsaw_wikipedia(public: Path) -> Labelled:
    path = public / "jigsaw_bias" / "toxicity_nonfuzzed_testset.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = [" ".join(r["comment"].split()) for r in rows]
    return texts, _matrix([{"toxicity": int(r["toxic"] == "True")} for r in rows])


def jigsaw_sample(public: Path) -> Labelled:
    path = public / "jigsaw_sample_ibm" / "test_examples.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    mapping = {
        "toxicity": "toxic",
        "insult": "insult",
        "identity_attack": "identity_hate",
        "threat": "threat",
        "obscene": "obscene",
    }
    labels = [{ours: int(r[theirs]) for ours, theirs in mapping.items()} for r in rows]
    return [r["comment_text"] for r in rows], _matrix(labels)


def council_dev() -> Labelled:
    path = COUNCIL_DEV
    texts, labels = [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            cats = set(item["gold_categories"])
            abusive = cats & {"harassment", "discrimination", "threat", "obscenity"}
            texts.append(item["text"])
            labels.append(
                {
                    "toxicity": int(bool(abusive)),
                    "insult": int("harassment" in cats),
                    "identity_attack": int("discrimination" in cats),
                    "threat": int("threat" in cats),
                    "obscene": int("obscenity" in cats),
                }
            )
    return texts, _matrix(labels)


def all_sets(public: Path) -> dict[str, Labelled]:
    sets = {
        "ethos_binary": ethos(public),
        "jigsaw_wikipedia_test": jigsaw_wikipedia(public),
        "jigsaw_sample_ibm": jigsaw_sample(public),
    }
    sets["council_dev"] = council_dev()
    return sets
