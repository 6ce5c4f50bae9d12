"""An experiment, not yet used by houserules: learn the misinformation detector's last step.

    .venv/bin/python training/misinformation_stance.py [--threshold 0.5] [--out stance.npz]

The misinformation detector finds the register claim a comment is closest to (shared words and
the encoder's meaning), then decides by hand-set bars whether the comment asserts it: a match
strength of 1.0, no denial in the clause that carries the claim, not a question. Most of the
misinformation it still misses sits just under that bar, where lawful comments on the same
topic score as high (docs/evaluation.md), so no bar separates them.

This script learns that decision instead. For every comment whose best claim reaches 0.6 of
the bar, it takes the comment's vector times the claim's vector and times the official fact's
vector (element by element: which parts of the meaning agree with the rumour and which with
the council's line), and the detector's own readings (likeness to the claim and to the official
fact, match strength, shared words, a question, a denial, sentences), and fits a logistic
regression on the written councils that train the model (training/corpus without a HELD_OUT
role). It reports, on the selection councils and on the test councils, which it never saw,
how many misinformation comments each way finds and how many other comments each marks as
misinformation (those lawful in the gold labels are false hides on the council's own pages).
The blind sets are not read. --out keeps the weights for a later change that uses them.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from package_model import council_sets  # noqa: E402

from houserules.config import load_registers, load_rules  # noqa: E402
from ingest.files import read_comments  # noqa: E402
from moderation.classifier import HouseRulesClassifier  # noqa: E402
from moderation.detectors.misinformation import (  # noqa: E402
    CONTRADICTED_FIGURE,
    LEADING_MENTIONS,
    MisinformationDetector,
    _is_question,
    _sentences,
)
from moderation.model import ToxicityModel  # noqa: E402
from moderation.verdict import Category  # noqa: E402

# A comment is a candidate when its best claim reaches this share of the detector's bar.
CANDIDATE = 0.6
LAWFUL = ("allow", "comms")


@dataclass
class Candidates:
    features: list[npt.NDArray[np.float32]]
    misinformation: list[bool]  # gold
    found_now: list[bool]  # the detector as it stands
    lawful: list[bool]  # gold action allow or comms


def candidates(folder: Path, model: ToxicityModel) -> tuple[Candidates, int]:
    """The candidate comments of one council, and how many misinformation comments it has."""
    rows = read_comments(folder / "comments.jsonl").rows
    classifier = HouseRulesClassifier(load_rules(), load_registers(folder), model)
    detector = next(d for d in classifier.detectors if isinstance(d, MisinformationDetector))
    out = Candidates([], [], [], [])
    gold_total = sum("misinformation" in (r.extra.get("gold_categories") or ()) for r in rows)
    if detector.claim_vectors is None:
        return out, gold_total
    official = model.embed([f.official_fact for f in detector.facts])
    claim_of_fact = {}
    for i, (fact, _) in enumerate(detector.claims):
        claim_of_fact.setdefault(fact, i)
    for row, doc in zip(rows, classifier.documents([r.comment for r in rows]), strict=True):
        text = LEADING_MENTIONS.sub("", doc.comment.text)
        sentences = _sentences(text)
        lexical = detector._lexical(text, sentences)
        semantic = detector._semantic(text, doc.embedding, sentences)
        match = detector._combine(lexical, semantic)
        if match is None or match.strength < CANDIDATE or doc.embedding is None:
            continue
        fact = next(i for i, f in enumerate(detector.facts) if f.id == match.fact.id)
        claim = next(
            (i for i, (f, c) in enumerate(detector.claims) if f == fact and c == match.claim),
            claim_of_fact[fact],
        )
        vector, claim_vector = doc.embedding, detector.claim_vectors[claim]
        readings = [
            float(claim_vector @ vector),
            float(official[fact] @ vector),
            match.strength,
            lexical.strength / detector.words if lexical is not None else 0.0,
            float(any(_is_question(s) for s in sentences)),
            float(match.how != CONTRADICTED_FIGURE and detector._denies(match)),
            float(len(sentences)),
        ]
        out.features.append(
            np.concatenate(
                [10 * vector * claim_vector, 10 * vector * official[fact], readings]
            ).astype(np.float32)
        )
        gold = row.extra.get("gold_categories") or ()
        out.misinformation.append("misinformation" in gold)
        verdict = classifier.judge(doc)
        out.found_now.append(Category.MISINFORMATION in verdict.categories)
        out.lawful.append(row.extra.get("gold_action") in LAWFUL)
    return out, gold_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=0.5, help="probability that asserts")
    parser.add_argument("--regularisation", type=float, default=1.0, help="the regression's C")
    parser.add_argument("--out", type=Path, default=None, help="keep the weights (npz)")
    args = parser.parse_args()
    model = ToxicityModel.load()
    by_role: dict[str, Candidates] = {}
    totals: dict[str, int] = {}
    started = time.time()
    sets = {k: v for k, v in council_sets().items() if not k.startswith("blind-")}
    for n, (name, (folder, role)) in enumerate(sorted(sets.items()), start=1):
        found, total = candidates(folder, model)
        pooled = by_role.setdefault(role, Candidates([], [], [], []))
        for field in ("features", "misinformation", "found_now", "lawful"):
            getattr(pooled, field).extend(getattr(found, field))
        totals[role] = totals.get(role, 0) + total
        print(f"  {n}/{len(sets)} {name} ({role}) {time.time() - started:.0f}s", flush=True)
    train = by_role["train"]
    regression = LogisticRegression(C=args.regularisation, max_iter=5000)
    regression.fit(np.array(train.features), np.array(train.misinformation))
    print(
        f"fitted on {len(train.features)} candidates from the training councils "
        f"({sum(train.misinformation)} misinformation)"
    )
    for role in ("select", "test"):
        c = by_role[role]
        gold, now, lawful = (np.array(x) for x in (c.misinformation, c.found_now, c.lawful))
        learned = regression.predict_proba(np.array(c.features))[:, 1] >= args.threshold
        print(f"{role} councils: {totals[role]} misinformation comments, {len(gold)} candidates")
        for how, marked in (("detector now", now), ("learned stance", learned)):
            print(
                f"  {how:15s} found {int((marked & gold).sum())}, "
                f"other comments marked {int((marked & ~gold).sum())} "
                f"(lawful {int((marked & ~gold & lawful).sum())})"
            )
    if args.out is not None:
        np.savez(
            args.out,
            weights=regression.coef_[0].astype(np.float32),
            bias=np.float32(regression.intercept_[0]),
            threshold=np.float32(args.threshold),
        )
        print(f"weights written to {args.out}")


if __name__ == "__main__":
    main()
