"""Build the sample of training embeddings that `houserules learn` mixes with a council's own
decisions, so that a handful of decisions cannot swing the model.

    .venv/bin/python training/learning_sample.py [--size 4000]

Runs in the project's own environment (onnxruntime, no torch). It takes a seeded random
sample of the written council corpus that the bundled model was trained on (the councils in
`training/corpus/`, minus those in HELD_OUT; never anything under evaluation/ and no public
set), embeds each comment with the bundled encoder exactly as houserules does, and writes
`houserules/learning/training_sample.npz`:

- `embeddings`: int8, one row per comment (the unit embedding times 127 over the row's
  largest component, so each row keeps its direction to within about 0.5%);
- `scales`: float32, each row's divisor back to the unit vector;
- `labels`: float16, one column per label: 1, 0, or NaN where the comment says nothing;
- `labels_order`, `encoder_sha256`: what the columns mean and which encoder made the rows.

The texts themselves are not shipped: the corpus is ours, but a vector is all learning needs.
A random sample keeps the corpus's own share of each label, so the refitted heads keep the
bundled heads' base rates.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from labels import LABELS, council_labels  # noqa: E402

from moderation.model.checksums import read_sums  # noqa: E402
from moderation.model.onnx_model import SentenceEncoder, bundled_folder  # noqa: E402

SEED = 20261205
OUT = REPO / "houserules" / "learning" / "training_sample.npz"


def held_out() -> set[str]:
    lines = (HERE / "corpus" / "HELD_OUT").read_text(encoding="utf-8").splitlines()
    return {line.split("#", 1)[0].split()[0] for line in lines if line.split("#", 1)[0].strip()}


def corpus_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    skip = held_out()
    for folder in sorted((HERE / "corpus").iterdir()):
        path = folder / "comments.jsonl"
        if folder.name in skip or not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = corpus_rows()
    sample = random.Random(SEED).sample(rows, min(args.size, len(rows)))
    folder = bundled_folder()
    encoder = SentenceEncoder(folder / "encoder.onnx", folder / "tokenizer.json")
    unit = encoder.embed([str(r["text"]) for r in sample])
    scales = np.abs(unit).max(axis=1) / 127.0
    quantised = np.round(unit / scales[:, None]).astype(np.int8)
    labels = np.array(
        [[np.nan if v is None else v for v in council_labels(r)] for r in sample],
        dtype=np.float16,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        embeddings=quantised,
        scales=scales.astype(np.float32),
        labels=labels,
        labels_order=np.array(LABELS),
        encoder_sha256=np.array(read_sums(folder)["encoder.onnx"]),
    )
    back = quantised.astype(np.float32) * scales[:, None]
    back /= np.linalg.norm(back, axis=1, keepdims=True)
    worst = float((back * unit).sum(axis=1).min())
    known = np.nansum(labels.astype(np.float32), axis=0).astype(int).tolist()
    print(f"{len(sample)} of {len(rows)} comments to {args.out} (worst cosine {worst:.5f})")
    print("positives per label:", dict(zip(LABELS, known, strict=True)))


if __name__ == "__main__":
    main()
