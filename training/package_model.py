"""Choose the fine-tuned model's thresholds across councils, then package it for houserules.

    .venv/bin/python training/package_model.py [--model DIR] [--out moderation/model]

Runs in the project's own environment (onnxruntime, no torch). It scores every labelled
council with the exported model exactly as houserules will (the int8 ONNX encoder and the
numpy heads), then chooses one threshold per label on the selection councils: the written
councils marked `select` in training/corpus/HELD_OUT, council-dev and the demo council.

- labels that hide (harassment, discrimination, obscenity, allegation, scam): the threshold
  with the best F1 among those that flag at most HIDE_BUDGET of the lawful comments (gold
  action allow or comms), so criticism stays visible;
- threat (escalates): the lowest threshold that flags at most THREAT_BUDGET of the lawful
  comments: escalation favours recall;
- service_complaint, criticism, negative (never hide): the best F1.

Leave-one-council-out: each selection council's figures are measured with thresholds chosen
on the other selection councils, so the estimate is of a council the thresholds never saw.
The test councils (HELD_OUT `test`, the blind sets) are only scored, with the final thresholds.
Writes labels.json, heads.npz, encoder.onnx, tokenizer.json and SHA256SUMS to --out, and
the figures to training/finetune-metrics.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from moderation.model.onnx_model import SentenceEncoder, ToxicityHeads  # noqa: E402

LABELS = (
    "threat",
    "harassment",
    "discrimination",
    "obscenity",
    "allegation",
    "scam",
    "service_complaint",
    "criticism",
    "negative",
)
CATEGORY_OF = {
    "threat": "threat",
    "harassment": "harassment",
    "discrimination": "discrimination",
    "obscenity": "obscenity",
    "allegation": "defamation",
    "scam": "spam_scam",
    "service_complaint": "service_complaint",
    "criticism": "criticism",
}
HIDING = ("harassment", "discrimination", "obscenity", "allegation", "scam")
HIDE_BUDGET = 0.004
THREAT_BUDGET = 0.006
GRID = np.round(np.arange(0.05, 0.99, 0.01), 2)
NAME = "minilm-judge-2026.12"


def council_sets() -> dict[str, tuple[Path, str]]:
    """name -> (folder, role) for every labelled council: select, test or train."""
    roles = {}
    for line in (HERE / "corpus" / "HELD_OUT").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            council, role = line.split()
            roles[council] = role
    sets = {
        "council-dev": (REPO / "evaluation" / "council-dev", "select"),
        "demo": (REPO / "houserules" / "demo_data", "select"),
        "blind-eastbrook": (REPO / "evaluation" / "blind-eastbrook", "test"),
        "blind-wrenfield": (REPO / "evaluation" / "blind-wrenfield", "test"),
    }
    for folder in sorted((HERE / "corpus").iterdir()):
        if (folder / "comments.jsonl").exists():
            sets[folder.name] = (folder, roles.get(folder.name, "train"))
    return {k: v for k, v in sets.items() if (v[0] / "comments.jsonl").exists()}


def read(folder: Path) -> list[dict[str, object]]:
    with (folder / "comments.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold(rows: list[dict[str, object]]) -> tuple[np.ndarray, np.ndarray]:
    """(n, labels) 0/1 matrix (negative: any negative category), and the lawful mask."""
    y = np.zeros((len(rows), len(LABELS)), dtype=np.int8)
    lawful = np.zeros(len(rows), dtype=bool)
    for i, row in enumerate(rows):
        cats = set(row["gold_categories"])  # type: ignore[call-overload]
        for j, label in enumerate(LABELS[:-1]):
            y[i, j] = CATEGORY_OF[label] in cats
        y[i, -1] = bool(cats - {"misinformation", "personal_data", "spam_scam"})
        lawful[i] = row["gold_action"] in ("allow", "comms")
    return y, lawful


def f1(truth: np.ndarray, flagged: np.ndarray) -> tuple[float, float, float]:
    tp = int((truth & flagged).sum())
    precision = tp / max(1, int(flagged.sum()))
    recall = tp / max(1, int(truth.sum()))
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def choose(label: str, p: np.ndarray, truth: np.ndarray, lawful: np.ndarray) -> float:
    def lawful_rate(t: float) -> float:
        return float((p[lawful & ~truth.astype(bool)] >= t).mean()) if lawful.any() else 0.0

    if label == "threat":
        feasible = [t for t in GRID if lawful_rate(t) <= THREAT_BUDGET]
        return float(min(feasible)) if feasible else float(GRID[-1])
    candidates = [t for t in GRID if label not in HIDING or lawful_rate(t) <= HIDE_BUDGET]
    if not candidates:
        return float(GRID[-1])
    return float(max(candidates, key=lambda t: (f1(truth.astype(bool), p >= t)[2], t)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=HERE / ".cache" / "finetune" / "model")
    parser.add_argument("--out", type=Path, default=REPO / "moderation" / "model")
    args = parser.parse_args()
    encoder = SentenceEncoder(args.model / "encoder.onnx", args.model / "tokenizer.json")
    heads = ToxicityHeads.from_npz(args.model / "heads.npz", LABELS)

    scored: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, str]] = {}
    for name, (folder, role) in council_sets().items():
        rows = read(folder)
        probabilities = heads.probabilities(encoder.embed([str(r["text"]) for r in rows]))
        y, lawful = gold(rows)
        scored[name] = (probabilities, y, lawful, role)
        print(f"scored {name} ({role}, {len(rows)})", flush=True)

    select = [n for n, s in scored.items() if s[3] == "select"]

    def pooled(names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.concatenate([scored[n][0] for n in names]),
            np.concatenate([scored[n][1] for n in names]),
            np.concatenate([scored[n][2] for n in names]),
        )

    def thresholds_on(names: list[str]) -> dict[str, float]:
        p, y, lawful = pooled(names)
        return {label: choose(label, p[:, j], y[:, j], lawful) for j, label in enumerate(LABELS)}

    def report(name: str, chosen: dict[str, float]) -> dict[str, object]:
        p, y, lawful, role = scored[name]
        out: dict[str, object] = {"role": role, "n": len(y)}
        any_hide = np.zeros(len(y), dtype=bool)
        for j, label in enumerate(LABELS):
            flagged = p[:, j] >= chosen[label]
            if label in HIDING or label == "threat":
                any_hide |= flagged
            precision, recall, score = f1(y[:, j].astype(bool), flagged)
            out[label] = {
                "positives": int(y[:, j].sum()),
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(score, 3),
            }
        out["lawful_flagged_by_model"] = round(float(any_hide[lawful].mean()), 4)
        return out

    final = thresholds_on(select)
    metrics: dict[str, object] = {"thresholds": final, "leave_one_council_out": {}, "sets": {}}
    for held in select:
        others = [n for n in select if n != held]
        metrics["leave_one_council_out"][held] = report(held, thresholds_on(others))  # type: ignore[index]
    for name in scored:
        metrics["sets"][name] = report(name, final)  # type: ignore[index]

    args.out.mkdir(parents=True, exist_ok=True)
    for file in ("encoder.onnx", "heads.npz", "tokenizer.json"):
        if args.model.resolve() != args.out.resolve():
            shutil.copyfile(args.model / file, args.out / file)
    card = {
        "name": NAME,
        "labels": list(LABELS),
        "thresholds": final,
        "thresholds_note": (
            "chosen by training/package_model.py on the selection councils: hiding labels keep "
            f"lawful comments flagged at most {HIDE_BUDGET:.1%} each; threat at most "
            f"{THREAT_BUDGET:.1%}, lowest such; the rest best F1"
        ),
        "encoder": "all-MiniLM-L6-v2 fine-tuned end to end (training/finetune.py), mean pooling, "
        "L2-normalised, weight-only int8; token vectors exported for word evidence",
        "heads": "linear",
        "max_tokens": 128,
        "embedding_dim": 384,
    }
    (args.out / "labels.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    (args.out / "heads.npz").touch()
    lines = []
    for file in ("encoder.onnx", "heads.npz", "labels.json", "tokenizer.json"):
        digest = hashlib.sha256((args.out / file).read_bytes()).hexdigest()
        lines.append(f"{digest}  {file}")
    (args.out / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (HERE / "finetune-metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    print(json.dumps({"thresholds": final}, indent=1))
    for name, m in metrics["sets"].items():  # type: ignore[attr-defined]
        print(
            f"{name:18} {m['role']:6} lawful flagged {m['lawful_flagged_by_model']:.3f}  "
            + "  ".join(
                f"{label[:5]} {m[label]['recall']:.2f}/{m[label]['precision']:.2f}"
                for label in LABELS[:6]
            )
        )


if __name__ == "__main__":
    main()
