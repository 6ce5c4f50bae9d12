"""Measuring the tone model on TweetEval's sentiment task (SemEval-2017 task 4A).

TweetEval ships `test_text.txt` with one tweet a line and `test_labels.txt` with 0
(negative), 1 (neutral) or 2 (positive) on the matching line. Its licence is unclear, so it
is only ever read to measure, from a folder the user names: nothing from it is kept in the
repository but the numbers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reports.tone import TONES, Tone, ToneModel

LABELS = {"0": Tone.NEGATIVE, "1": Tone.NEUTRAL, "2": Tone.POSITIVE}


class SentimentSetError(ValueError):
    """The folder is not a TweetEval sentiment split; the message names the file and line."""


def read_split(folder: Path, split: str = "test") -> tuple[list[str], list[Tone]]:
    texts_file, labels_file = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
    for path in (texts_file, labels_file):
        if not path.is_file():
            raise SentimentSetError(f"{path} is missing: expected TweetEval's sentiment folder")
    texts = texts_file.read_text(encoding="utf-8").splitlines()
    raw = labels_file.read_text(encoding="utf-8").splitlines()
    if len(texts) != len(raw):
        raise SentimentSetError(
            f"{texts_file} has {len(texts)} lines but {labels_file} has {len(raw)}"
        )
    labels = []
    for n, value in enumerate(raw, 1):
        if value.strip() not in LABELS:
            raise SentimentSetError(f"{labels_file}:{n}: label {value!r} is not 0, 1 or 2")
        labels.append(LABELS[value.strip()])
    return texts, labels


def measure(model: ToneModel, texts: Sequence[str], gold: Sequence[Tone]) -> dict[str, Any]:
    """Accuracy, macro-averaged recall (TweetEval's own measure for this task), per-tone
    recall and precision, the negative label alone as negative-or-not, and the confusion."""
    predicted: list[Tone] = []
    for start in range(0, len(texts), 256):
        predicted += model.read(texts[start : start + 256]).tones
    pairs = Counter(zip(gold, predicted, strict=True))
    n = len(gold)
    recall = {t.value: _ratio(pairs[(t, t)], sum(pairs[(t, p)] for p in TONES)) for t in TONES}
    precision = {t.value: _ratio(pairs[(t, t)], sum(pairs[(g, t)] for g in TONES)) for t in TONES}
    negative_right = sum(
        v for (g, p), v in pairs.items() if (g is Tone.NEGATIVE) == (p is Tone.NEGATIVE)
    )
    return {
        "items": n,
        "accuracy": _ratio(sum(pairs[(t, t)] for t in TONES), n),
        "macro_recall": round(sum(recall.values()) / len(TONES), 4),
        "recall": recall,
        "precision": precision,
        "negative_or_not_accuracy": _ratio(negative_right, n),
        "confusion": {g.value: {p.value: pairs[(g, p)] for p in TONES} for g in TONES},
        "gold": {t.value: sum(1 for g in gold if g is t) for t in TONES},
    }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


# The categories the `negative` label was trained to cover (moderation/model/MODEL_CARD.md).
NEGATIVE_CATEGORIES = frozenset(
    {
        "criticism",
        "service_complaint",
        "threat",
        "harassment",
        "discrimination",
        "obscenity",
        "defamation",
    }
)


def measure_council(model: ToneModel, comments_file: Path) -> dict[str, Any]:
    """Negative or not, against a labelled council file (one JSON object a line with `text`
    and `gold_categories`): a comment counts as negative when it carries a negative
    category. Council labels say nothing about positive against neutral."""
    rows = [json.loads(line) for line in comments_file.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if isinstance(r, dict) and "text" in r]
    gold = [bool(set(r.get("gold_categories") or ()) & NEGATIVE_CATEGORIES) for r in rows]
    tones: list[Tone] = []
    for start in range(0, len(rows), 256):
        tones += model.read([r["text"] for r in rows[start : start + 256]]).tones
    said = [t is Tone.NEGATIVE for t in tones]
    hits = sum(1 for g, s in zip(gold, said, strict=True) if g and s)
    return {
        "file": comments_file.parent.name,
        "items": len(rows),
        "negative": sum(gold),
        "accuracy": _ratio(sum(1 for g, s in zip(gold, said, strict=True) if g == s), len(rows)),
        "recall": _ratio(hits, sum(gold)),
        "precision": _ratio(hits, sum(said)),
    }
