"""Measure a cross-encoder as the misinformation detector's stance check, against the linear
check the release ships. An experiment: the release does not use it.

    .venv/bin/python training/stance_cross_encoder.py pairs PAIRS.jsonl
    training/.venv/bin/python training/stance_cross_encoder.py measure PAIRS.jsonl [--seed 0]

The shipped stance check (training/misinformation_stance.py) is a logistic regression over
the comment's vector times the claim's: it sees the two texts only through one sentence
vector each, and on comments that put a rumour in their own words it finds a third of them.
A cross-encoder reads the claim and the comment together, word against word. This script
asks whether that separates better, on the same comments and labels:

`pairs` (the houserules environment) writes every comment the misinformation detector puts
near a register claim and would ask the stance check about, from every written council and the
four councils of training/corpus-next weighted towards misinformation: its council and role,
the claim, the comment, whether it is misinformation, whether its gold action is lawful, and the
shipped check's probability. The blind sets are not read.

`measure` (the training environment: torch) fine-tunes all-MiniLM-L6-v2 (minilm_reader.py) on the
pairs from the
councils that train the model (the rows the shipped check was fitted on), then reports for the
selection councils, the test councils and the four fresh councils: ROC AUC of each check, and
the misinformation each finds for as many lawful comments as the shipped check flags at its own
threshold; and the same for a cascade that asks the cross-encoder only where the shipped check is
unsure (probability 0.1 to 0.9), which costs a fraction of the runs. About 6 minutes on 2 cores.
Nothing is written but the report.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FRESH = ("holmsworth", "cardenby", "lanmouth", "aldermoor")
REPORTED = ("select", "test", "fresh")
UNSURE = (0.1, 0.9)  # where a cascade asks the cross-encoder: the shipped check unsure


def found_for_the_same_lawful(
    scores: np.ndarray,
    baseline: np.ndarray,
    threshold: float,
    misinformation: np.ndarray,
    lawful: np.ndarray,
) -> tuple[int, int, int]:
    """The lawful comments the baseline flags at its threshold, the misinformation it finds
    there, and the misinformation `scores` finds at its lowest threshold flagging no more
    lawful comments than that."""
    budget = int(((baseline >= threshold) & lawful).sum())
    found_by_baseline = int(((baseline >= threshold) & misinformation).sum())
    lawful_scores = np.sort(scores[lawful])[::-1]
    # Flagging the budget's worth of lawful comments means a threshold just above the next one.
    cut = np.nextafter(lawful_scores[budget], np.inf) if budget < len(lawful_scores) else -np.inf
    return budget, found_by_baseline, int(((scores >= cut) & misinformation).sum())


def cascade(
    scores: np.ndarray, shipped: np.ndarray, band: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """The cross-encoder asked only where the shipped check is unsure (its probability inside
    `band`); outside it the shipped check's decision stands, ranked above or below every
    cross-encoder score. Returns the combined scores and which comments were asked."""
    low, high = band
    asked = (shipped >= low) & (shipped <= high)
    return np.where(asked, scores, np.where(shipped > high, 2.0, -1.0)), asked


def write_pairs(out: Path) -> None:
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(HERE))
    from misinformation_stance import Council
    from package_model import council_sets

    from moderation.model import ToxicityModel

    model = ToxicityModel.load()
    sets = {k: v for k, v in council_sets().items() if not k.startswith("blind-")}
    sets.update({name: (HERE / "corpus-next" / name, "fresh") for name in FRESH})
    with out.open("w", encoding="utf-8") as f:
        for n, (name, (folder, role)) in enumerate(sorted(sets.items()), start=1):
            council = Council(folder, model)
            written = 0
            for doc, gold, action in zip(council.docs, council.gold, council.action, strict=True):
                near = council.detector.claim_and_stance(doc)
                if near is None:
                    continue
                claim, probability, threshold = near
                row = {
                    "council": name,
                    "role": role,
                    "claim": claim,
                    "comment": doc.comment.text,
                    "misinformation": "misinformation" in gold,
                    "lawful": action in ("allow", "comms"),
                    "shipped": probability,
                    "shipped_threshold": threshold,
                }
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
            print(f"  {n}/{len(sets)} {name} ({role}): {written} near a claim", flush=True)


def measure(pairs: Path, seed: int, epochs: int) -> None:
    from minilm_reader import fine_tune
    from sklearn.metrics import roc_auc_score

    rows = [json.loads(line) for line in pairs.read_text(encoding="utf-8").splitlines()]
    train = [r for r in rows if r["role"] == "train"]
    if not train:
        raise SystemExit(f"{pairs} has no rows from the training councils")
    score = fine_tune(
        [(r["claim"], r["comment"]) for r in train],
        [r["misinformation"] for r in train],
        seed=seed,
        epochs=epochs,
    )
    for role in REPORTED:
        held = [r for r in rows if r["role"] == role]
        if not held:
            continue
        scores = score([(r["claim"], r["comment"]) for r in held])
        shipped = np.array([r["shipped"] for r in held])
        truth = np.array([r["misinformation"] for r in held], dtype=bool)
        lawful = np.array([r["lawful"] for r in held], dtype=bool)
        threshold = held[0]["shipped_threshold"]
        budget, by_shipped, by_cross = found_for_the_same_lawful(
            scores, shipped, threshold, truth, lawful
        )
        auc_shipped, auc_cross = roc_auc_score(truth, shipped), roc_auc_score(truth, scores)
        print(
            f"{role}: {len(held)} near a claim, {truth.sum()} misinformation; ROC AUC shipped "
            f"{auc_shipped:.3f}, cross-encoder {auc_cross:.3f}; "
            f"for {budget} lawful flagged the shipped check finds {by_shipped}, "
            f"the cross-encoder {by_cross}"
        )
        combined, asked = cascade(scores, shipped, UNSURE)
        _, _, by_cascade = found_for_the_same_lawful(combined, shipped, threshold, truth, lawful)
        print(
            f"  asked only where the shipped check says {UNSURE[0]} to {UNSURE[1]} "
            f"({asked.mean():.0%} of these comments): {by_cascade} found"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("pairs", help="write the comments near a claim (houserules environment)")
    p.add_argument("out", type=Path)
    m = sub.add_parser("measure", help="fine-tune and compare (training environment)")
    m.add_argument("pairs", type=Path)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    if args.step == "pairs":
        write_pairs(args.out)
    else:
        if not args.pairs.is_file():
            parser.error(f"{args.pairs} does not exist: write it first with the pairs step")
        measure(args.pairs, args.seed, args.epochs)


if __name__ == "__main__":
    main()
