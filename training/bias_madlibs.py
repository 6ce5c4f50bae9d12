"""Identity-term bias on jigsaw_bias/bias_madlibs_77k.csv (evaluation only, never trained on).

The requirement: for every identity term, at most 5% of the non-toxic sentences that
mention it score above the toxicity threshold (would be flagged).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FLAG_LIMIT = 0.05


@dataclass(frozen=True)
class Madlib:
    text: str
    toxic: bool
    template: str
    term: str


def load(root: Path) -> list[Madlib]:
    with (root / "jigsaw_bias" / "bias_madlibs_77k.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    identities = sorted(
        {r["Text"].lower().split(" ", 2)[2] for r in rows if r["Template"] == "am_hate_adj"},
        key=len,
        reverse=True,
    )
    patterns = [(term, re.compile(rf"\b{re.escape(term)}\b")) for term in identities]
    out = []
    for row in rows:
        lowered = row["Text"].lower()
        if row["Template"] == "you_occupation":
            term = "occupation: " + lowered.removeprefix("you are a ").split(" ", 1)[-1]
        else:
            term = next((t for t, p in patterns if p.search(lowered)), "")
        out.append(Madlib(row["Text"], row["Label"] == "BAD", row["Template"], term))
    return out


def flag_rates(
    madlibs: list[Madlib], scores: np.ndarray, threshold: float
) -> dict[str, tuple[float, int]]:
    """{term: (share of non-toxic sentences scored >= threshold, number of them)}."""
    rates: dict[str, tuple[float, int]] = {}
    terms = sorted({m.term for m in madlibs if m.term and not m.toxic})
    for term in terms:
        picked = [i for i, m in enumerate(madlibs) if m.term == term and not m.toxic]
        flagged = float(np.mean(scores[picked] >= threshold))
        rates[term] = (flagged, len(picked))
    return rates
