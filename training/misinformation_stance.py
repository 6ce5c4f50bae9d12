"""Fit the misinformation detector's stance check and measure it against the match bar alone.

    .venv/bin/python training/misinformation_stance.py [--out moderation/model]

The misinformation detector finds the register claim a comment is closest to (shared words and
the encoder's meaning). Without a stance check it then decides by hand-set bars whether the
comment asserts the claim: a match strength of 1.0, no denial in the clause that carries it,
not a question. Most of what that misses sits just under the bar, where lawful comments on
the same topic score as high, so no bar separates them.

The stance check (moderation/detectors/misinformation_stance.py) learns that decision. For
every comment whose best claim reaches STANCE_CANDIDATE of the bar it reads the comment's
vector times the claim's and times the official fact's, and the detector's own readings; this
script fits a logistic regression on those rows from the written councils that train the model
(training/corpus without a HELD_OUT role, so never a council that chooses thresholds or tests
them), then reports on the selection councils and the test councils, with the match bar alone
and with the stance check: misinformation found, misinformation hidden, and lawful comments
hidden (gold allow or comms). The blind sets are not read.

--out writes the weights into a model folder as misinformation_stance.npz and lists it in that
folder's SHA256SUMS (so the model version changes with it). The weights belong to the encoder
they were fitted with: fit them again whenever the model is retrained. A claim reader in the
folder had its threshold chosen beside the check this replaces, so --out removes it: train it
again with training/stance_cross_encoder.py pairs and fit --out. About 2 minutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from package_model import council_sets  # noqa: E402

from houserules.config import load_registers, load_rules  # noqa: E402
from ingest.files import read_comments  # noqa: E402
from moderation.classifier import HouseRulesClassifier  # noqa: E402
from moderation.detectors.base import Document  # noqa: E402
from moderation.detectors.misinformation import MisinformationDetector  # noqa: E402
from moderation.detectors.misinformation_stance import (  # noqa: E402
    READER_FILE,
    READER_SETTINGS,
    STANCE_FILE,
    StanceCheck,
)
from moderation.model import ToxicityModel  # noqa: E402
from moderation.model.checksums import read_sums, write_sums  # noqa: E402
from moderation.verdict import Category  # noqa: E402

HIDING = ("hide", "escalate")
LAWFUL = ("allow", "comms")


class Council:
    """One labelled council, read once: its classifier, prepared comments and gold labels."""

    def __init__(self, folder: Path, model: ToxicityModel) -> None:
        self.rows = read_comments(folder / "comments.jsonl").rows
        self.classifier = HouseRulesClassifier(load_rules(), load_registers(folder), model)
        self.detector = next(
            d for d in self.classifier.detectors if isinstance(d, MisinformationDetector)
        )
        self.docs: list[Document] = self.classifier.documents([r.comment for r in self.rows])
        self.gold = [set(r.extra.get("gold_categories") or ()) for r in self.rows]
        self.action = [str(r.extra.get("gold_action")) for r in self.rows]

    def stance_rows(self) -> tuple[list[np.ndarray], list[bool]]:
        rows, labels = [], []
        for doc, gold in zip(self.docs, self.gold, strict=True):
            row = self.detector.stance_row(doc)
            if row is not None:
                rows.append(row)
                labels.append("misinformation" in gold)
        return rows, labels

    def tally(self, stance: StanceCheck | None) -> np.ndarray:
        """Misinformation comments, found, hidden; lawful comments, hidden."""
        self.detector.stance = stance
        out = np.zeros(5, dtype=int)
        for doc, gold, action in zip(self.docs, self.gold, self.action, strict=True):
            verdict = self.classifier.judge(doc)
            hidden = verdict.action.value in HIDING
            if "misinformation" in gold:
                out += [1, Category.MISINFORMATION in verdict.categories, hidden, 0, 0]
            elif action in LAWFUL:
                out += [0, 0, 0, 1, hidden]
        self.detector.stance = None
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=0.5, help="probability that asserts")
    parser.add_argument("--regularisation", type=float, default=1.0, help="the regression's C")
    parser.add_argument("--out", type=Path, default=None, help="a model folder to write it into")
    args = parser.parse_args()
    if args.out is not None and not (args.out / "SHA256SUMS").is_file():
        parser.error(f"--out {args.out} is not a model folder: it has no SHA256SUMS")
    if not 0.0 < args.threshold < 1.0:
        parser.error(f"--threshold {args.threshold} is not between 0 and 1")
    model = ToxicityModel.load()
    model.folder = None  # the detector reads no stance check already there: it is refitted
    started = time.time()
    sets = {k: v for k, v in council_sets().items() if not k.startswith("blind-")}
    councils: dict[str, list[Council]] = {}
    rows: list[np.ndarray] = []
    labels: list[bool] = []
    for n, (name, (folder, role)) in enumerate(sorted(sets.items()), start=1):
        council = Council(folder, model)
        if role == "train":
            found, truth = council.stance_rows()
            rows += found
            labels += truth
        else:
            councils.setdefault(role, []).append(council)
        print(f"  {n}/{len(sets)} {name} ({role}) {time.time() - started:.0f}s", flush=True)
    regression = LogisticRegression(C=args.regularisation, max_iter=5000)
    regression.fit(np.array(rows), np.array(labels))
    stance = StanceCheck(
        regression.coef_[0].astype(np.float32), float(regression.intercept_[0]), args.threshold
    )
    print(f"fitted on {len(rows)} comments near a claim ({sum(labels)} misinformation)")
    for role in ("select", "test"):
        print(f"{role} councils:")
        for how, check in (("match bar alone", None), ("stance check", stance)):
            n, found, hidden, lawful, lawful_hidden = sum(c.tally(check) for c in councils[role])
            print(
                f"  {how:15s} misinformation found {found} of {n}, hidden {hidden}; "
                f"lawful hidden {lawful_hidden} of {lawful}"
            )
    if args.out is not None:
        np.savez(
            args.out / STANCE_FILE,
            weights=stance.weights,
            bias=np.float32(stance.bias),
            threshold=np.float32(stance.threshold),
        )
        stale = [args.out / n for n in (READER_FILE, READER_SETTINGS)]
        for path in stale:
            path.unlink(missing_ok=True)
        names = sorted({*read_sums(args.out), STANCE_FILE} - {p.name for p in stale})
        write_sums(args.out, names)
        print(f"wrote {args.out / STANCE_FILE} and listed it in {args.out / 'SHA256SUMS'}")


if __name__ == "__main__":
    main()
