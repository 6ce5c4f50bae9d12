"""Train the misinformation detector's claim reader, a cross-encoder, and measure it against the
linear stance check it is asked beside.

    .venv/bin/python training/stance_cross_encoder.py pairs PAIRS.jsonl
    training/.venv/bin/python training/stance_cross_encoder.py measure PAIRS.jsonl [--seed 0]
    training/.venv/bin/python training/stance_cross_encoder.py fit PAIRS.jsonl --out MODEL_FOLDER

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
pairs from the councils that train the model (the rows the shipped check was fitted on), then
reports for the
selection councils, the test councils and the four fresh councils: ROC AUC of each check, and
the misinformation each finds for as many lawful comments as the shipped check flags at its own
threshold; and the same for a cascade that asks the cross-encoder only where the shipped check is
unsure (probability 0.1 to 0.9), which costs a fraction of the runs. About 6 minutes on 2 cores.
Nothing is written but the report. "Lawful" in these figures is a comment that is neither
misinformation nor hidden (gold allow or comms): what a wrong flag sends to the comms team.

`fit` (the training environment) trains the reader the same way (seed 0 unless told), exports it
to ONNX with int8 weights and arithmetic as misinformation_reader.onnx in the --out
model folder, and scores the held-out rows with that exported file through the runtime's own
PairReader. It chooses the reader's threshold on the selection councils by one rule: the lowest
at which the cascade flags no more lawful comments there than the linear check does at its own
threshold. It writes the threshold and the unsure band to misinformation_reader.json, lists both
files in the folder's SHA256SUMS (so the model version changes with them), and reports what the
cascade finds and flags on the selection, test and fresh councils at that threshold. The reader
does not read the encoder's vectors, but its band and threshold are chosen beside the linear
check, so package_model.py and misinformation_stance.py --out remove it and it is trained again
after them. About 8 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

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


def choose_threshold(
    reader: np.ndarray,
    shipped: np.ndarray,
    shipped_threshold: float,
    band: tuple[float, float],
    lawful: np.ndarray,
) -> float:
    """The lowest reader threshold at which the cascade flags no more of the `lawful` comments
    than the linear check flags at its own threshold."""
    budget = int(((shipped >= shipped_threshold) & lawful).sum())
    combined, asked = cascade(reader, shipped, band)
    above = int(((combined > 1.0) & lawful).sum())  # the linear check's sure flags
    if above > budget:
        raise ValueError(
            f"the linear check is sure of {above} lawful comments, more than the {budget} it "
            "flags at its threshold: the unsure band is wrong"
        )
    in_band = np.sort(reader[asked & lawful])[::-1]
    room = budget - above
    if room >= len(in_band):
        return float(np.min(reader[asked])) if asked.any() else 0.5
    return float(np.nextafter(np.float32(in_band[room]), np.float32(np.inf)))


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


def _trained(
    pairs: Path, seed: int, epochs: int, *, needs_selection: bool = False
) -> tuple[list[dict[str, Any]], Any]:
    """The pairs file's rows, and the reader fine-tuned on those from the training councils."""
    from minilm_reader import fine_tune

    rows = [json.loads(line) for line in pairs.read_text(encoding="utf-8").splitlines()]
    train = [r for r in rows if r["role"] == "train"]
    if not train:
        raise SystemExit(f"{pairs} has no rows from the training councils")
    if needs_selection and not any(r["role"] == "select" for r in rows):
        raise SystemExit(f"{pairs} has no rows from the selection councils")
    reader = fine_tune(
        [(r["claim"], r["comment"]) for r in train],
        [r["misinformation"] for r in train],
        seed=seed,
        epochs=epochs,
    )
    return rows, reader


def _truth(held: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The linear check's probabilities, which rows are misinformation, which are lawful (neither
    misinformation nor hidden) and the linear check's threshold."""
    truth = np.array([r["misinformation"] for r in held], dtype=bool)
    lawful = np.array([r["lawful"] for r in held], dtype=bool) & ~truth
    return np.array([r["shipped"] for r in held]), truth, lawful, held[0]["shipped_threshold"]


def measure(pairs: Path, seed: int, epochs: int) -> None:
    from sklearn.metrics import roc_auc_score

    rows, reader = _trained(pairs, seed, epochs)
    for role in REPORTED:
        held = [r for r in rows if r["role"] == role]
        if not held:
            continue
        scores = reader.score([(r["claim"], r["comment"]) for r in held])
        shipped, truth, lawful, threshold = _truth(held)
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


def fit(pairs: Path, out: Path, seed: int, epochs: int) -> None:
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    sys.path.insert(0, str(REPO))
    from moderation.detectors.misinformation_stance import READER_FILE, READER_SETTINGS
    from moderation.model.checksums import read_sums, write_sums
    from moderation.model.pair_reader import PairReader

    rows, reader = _trained(pairs, seed, epochs, needs_selection=True)
    with tempfile.TemporaryDirectory() as scratch:
        # int8 weights and int8 arithmetic: the reader runs one pair at a time, where
        # onnxruntime's int8 kernels take half the time of float32 (the activations' scale is
        # the pair's own, so a score never depends on another comment); reduce_range keeps
        # it exact on processors without VNNI instructions.
        quantize_dynamic(
            str(reader.export(Path(scratch) / "reader-fp32.onnx")),
            str(out / READER_FILE),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            op_types_to_quantize=["MatMul", "Gather"],
        )
    exported = PairReader(out / READER_FILE, out / "tokenizer.json")
    sample = [(r["claim"], r["comment"]) for r in rows if r["role"] == "select"][:64]
    drift = np.abs(exported.probabilities(sample) - reader.score(sample)).max()
    print(f"exported int8 against the trained reader: largest difference {drift:.4f}")
    chosen: float | None = None
    for role in ("select", *[r for r in REPORTED if r != "select"]):
        held = [r for r in rows if r["role"] == role]
        if not held:
            continue
        scores = exported.probabilities([(r["claim"], r["comment"]) for r in held])
        shipped, truth, lawful, threshold = _truth(held)
        if chosen is None:
            chosen = choose_threshold(scores, shipped, threshold, UNSURE, lawful)
            print(f"reader threshold chosen on the selection councils: {chosen:.3f}")
        combined, asked = cascade(scores, shipped, UNSURE)
        flagged, linear = combined >= chosen, shipped >= threshold
        print(
            f"{role}: {len(held)} near a claim, {truth.sum()} misinformation, {lawful.sum()} "
            f"lawful; linear check finds {(linear & truth).sum()}, flags {(linear & lawful).sum()}"
            f" lawful; cascade (asks {asked.mean():.0%}) finds {(flagged & truth).sum()}, flags "
            f"{(flagged & lawful).sum()} lawful"
        )
    settings = {
        "threshold": round(float(chosen or 0.5), 4),
        "unsure": list(UNSURE),
        "trained_on": f"{sum(r['role'] == 'train' for r in rows)} comments near a claim from "
        "the training councils",
        "seed": seed,
        "epochs": epochs,
    }
    (out / READER_SETTINGS).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    write_sums(out, sorted({*read_sums(out), READER_FILE, READER_SETTINGS}))
    print(f"wrote {out / READER_FILE} and {out / READER_SETTINGS}, listed in SHA256SUMS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("pairs", help="write the comments near a claim (houserules environment)")
    p.add_argument("out", type=Path)
    m = sub.add_parser("measure", help="fine-tune and compare (training environment)")
    m.add_argument("pairs", type=Path)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--epochs", type=int, default=3)
    f = sub.add_parser("fit", help="train, export and choose the threshold (training environment)")
    f.add_argument("pairs", type=Path)
    f.add_argument("--out", type=Path, required=True, help="the model folder to write into")
    f.add_argument("--seed", type=int, default=0)
    f.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    if args.step == "pairs":
        write_pairs(args.out)
        return
    if not args.pairs.is_file():
        parser.error(f"{args.pairs} does not exist: write it first with the pairs step")
    if args.step == "measure":
        measure(args.pairs, args.seed, args.epochs)
        return
    if not (args.out / "SHA256SUMS").is_file() or not (args.out / "tokenizer.json").is_file():
        parser.error(
            f"--out {args.out} is not a model folder: it needs SHA256SUMS and tokenizer.json"
        )
    fit(args.pairs, args.out, args.seed, args.epochs)


if __name__ == "__main__":
    main()
