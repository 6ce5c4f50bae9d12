"""Measure a second reader for threats: all-MiniLM-L6-v2 fine-tuned on the written councils
for the threat label alone, against the bundled model's threat head. An experiment: the
release does not use it.

    .venv/bin/python training/threat_specialist.py rows ROWS.jsonl
    training/.venv/bin/python training/threat_specialist.py measure ROWS.jsonl [--seed 0]

Every training run so far lands on about 30 lawful comments of the selection councils that the
threat head scores as high as the threats it must find (hyperbole, safety warnings, protest
jokes; training/corpus-next/README.md, run 18). This asks whether a reader trained on council
comments only, for threats only, ranks them differently, alone or beside the head.

`rows` (the houserules environment) writes the comments of the councils that train the model
and of the threat contrast pairs (training rows), and of the selection councils with the
bundled threat head's probability (held-out rows). The blind sets and the test councils are
not read.

`measure` (the training environment: torch) fine-tunes the reader (minilm_reader.py) on the
training rows (2
epochs, about 8 minutes on 2 cores) and reports, on the selection councils, how many lawful
comments each ranking flags to find 88, 90, 92 and 94% of the threats: the head, the reader,
their mean, and the reader asked only where the head says 0.5 or more. Nothing is written but
the report.
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
RECALLS = (0.88, 0.90, 0.92, 0.94)


def lawful_at_recall(
    scores: np.ndarray, threat: np.ndarray, lawful: np.ndarray, recall: float
) -> int:
    """Lawful comments flagged at the highest threshold that still finds `recall` of the
    threats."""
    needed = int(np.ceil(recall * threat.sum()))
    threshold = np.sort(scores[threat])[::-1][needed - 1]
    return int(((scores >= threshold) & lawful).sum())


def write_rows(out: Path) -> None:
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(HERE))
    from labels import LABELS
    from package_model import council_sets, gold, read

    from moderation.model.onnx_model import SentenceEncoder, ToxicityHeads

    folder = REPO / "moderation" / "model"
    encoder = SentenceEncoder(folder / "encoder.onnx", folder / "tokenizer.json")
    heads = ToxicityHeads.from_npz(folder / "heads.npz", LABELS)
    threat = LABELS.index("threat")
    with out.open("w", encoding="utf-8") as f:
        for name, (council, role) in sorted(council_sets().items()):
            if role not in ("train", "select"):
                continue
            rows = read(council)
            truth, lawful = gold(rows)
            texts = [str(r["text"]) for r in rows]
            head = (
                heads.probabilities(encoder.embed(texts))[:, threat] if role == "select" else None
            )
            for i, text in enumerate(texts):
                row: dict[str, Any] = {
                    "council": name,
                    "role": role,
                    "text": text,
                    "threat": bool(truth[i, threat]),
                    "lawful": bool(lawful[i]),
                }
                if head is not None:
                    row["head"] = float(head[i])
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"  {name} ({role}): {len(rows)}", flush=True)
        pairs = (HERE / "threat_contrast_pairs.jsonl").read_text(encoding="utf-8").splitlines()
        for line in pairs:
            pair = json.loads(line)
            row = {"council": "threat pairs", "role": "train", "text": pair["text"]}
            row |= {"threat": bool(pair["threat"]), "lawful": not pair["threat"]}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def measure(path: Path, seed: int, epochs: int) -> None:
    from minilm_reader import fine_tune

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    train = [r for r in rows if r["role"] == "train"]
    held = [r for r in rows if r["role"] == "select"]
    if not train or not held:
        raise SystemExit(f"{path} needs training rows and selection rows; write it with `rows`")
    score = fine_tune(
        [(r["text"],) for r in train],
        [r["threat"] for r in train],
        seed=seed,
        epochs=epochs,
        pos_weight_cap=8.0,  # finetune.py's default cap
        by_length=True,
    ).score
    reader = score([(r["text"],) for r in held])
    head = np.array([r["head"] for r in held])
    threat = np.array([r["threat"] for r in held], dtype=bool)
    lawful = np.array([r["lawful"] for r in held], dtype=bool)
    print(f"selection councils: {threat.sum()} threats, {lawful.sum()} lawful comments")
    print(
        "lawful comments flagged to find " + ", ".join(f"{r:.0%}" for r in RECALLS) + " of threats:"
    )
    for name, scores in (
        ("the bundled threat head", head),
        ("the reader", reader),
        ("their mean", (head + reader) / 2),
        ("the reader where the head says 0.5 or more", np.where(head >= 0.5, reader, -1.0)),
    ):
        counts = [lawful_at_recall(scores, threat, lawful, r) for r in RECALLS]
        print(f"  {name}: " + ", ".join(str(c) for c in counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    r = sub.add_parser("rows", help="write the comments (houserules environment)")
    r.add_argument("out", type=Path)
    m = sub.add_parser("measure", help="fine-tune the reader and compare (training environment)")
    m.add_argument("rows", type=Path)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    if args.step == "rows":
        write_rows(args.out)
    else:
        if not args.rows.is_file():
            parser.error(f"{args.rows} does not exist: write it first with the rows step")
        measure(args.rows, args.seed, args.epochs)


if __name__ == "__main__":
    main()
