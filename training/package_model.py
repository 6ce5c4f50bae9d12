"""Choose the fine-tuned model's thresholds across councils, then package it for houserules.

    .venv/bin/python training/package_model.py [--model DIR] [--out moderation/model]

Runs in the project's own environment (onnxruntime, no torch). It scores every labelled
council with the exported model exactly as houserules will (the ONNX encoder with its int8
weights folded to float32 at load, and the numpy heads), then chooses one threshold per label
on the selection councils: the written councils marked `select` in training/corpus/HELD_OUT,
council-dev and the demo council.

- every label starts at its best F1 (F2 for threat: escalation favours recall);
- then, while the labels that hide or escalate (threat, harassment, discrimination,
  obscenity, allegation, scam) together flag more than LAWFUL_BUDGET of the lawful comments
  (gold action allow or comms), the one whose raise loses the fewest true findings per lawful
  comment spared is raised a step (a threat lost counts THREAT_LOSS times), so criticism stays
  visible;
- then the same again while they flag more than IDENTITY_BUDGET of the harmless sentences
  about identities in IDENTITY_CHECK (written to check thresholds, never trained on), so a
  comment is not hidden for naming who someone is;
- service_complaint, criticism and negative never hide: they keep their best F1.

Leave-one-council-out: each selection council's figures are measured with thresholds chosen
on the other selection councils, so the estimate is of a council the thresholds never saw.
The test councils (HELD_OUT `test`, the blind sets) are only scored, with the final thresholds.
Writes labels.json, heads.npz, encoder.onnx, tokenizer.json and SHA256SUMS to --out, and
the figures to training/finetune-metrics.json. A misinformation stance check already in --out
belongs to the encoder it replaces, so it is removed, and with it the claim reader whose
threshold was chosen beside it: fit them again with training/misinformation_stance.py --out,
then training/stance_cross_encoder.py pairs and fit --out.
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
sys.path.insert(0, str(HERE))

from labels import CATEGORY_OF, LABELS  # noqa: E402

from moderation.model.onnx_model import SentenceEncoder, ToxicityHeads  # noqa: E402

HIDING = ("harassment", "discrimination", "obscenity", "allegation", "scam")
# ...and with the threat label (which escalates), every label that takes a comment down
FLAGGING = (*HIDING, "threat")
# The hiding labels together may flag this share of the lawful comments (gold allow or
# comms) on the selection councils; the register detectors' own false hides come on top.
LAWFUL_BUDGET = 0.015
# ...and at most this share of the harmless sentences about identities kept for checking
# thresholds (IDENTITY_CHECK, never trained on).
IDENTITY_BUDGET = 0.01
IDENTITY_CHECK = HERE / "identity_sentences_for_thresholds.txt"
# A threat missed costs this many other findings missed.
THREAT_LOSS = 8.0
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
        "blind-ferrisby": (REPO / "evaluation" / "blind-ferrisby", "test"),
        "blind-sallowby": (REPO / "evaluation" / "blind-sallowby", "test"),
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


def fbeta(truth: np.ndarray, flagged: np.ndarray, beta: float) -> float:
    precision, recall, _ = f1(truth, flagged)
    b2 = beta * beta
    return (1 + b2) * precision * recall / max(1e-9, b2 * precision + recall)


def choose_all(
    p: np.ndarray, y: np.ndarray, lawful: np.ndarray, identity: np.ndarray | None = None
) -> dict[str, float]:
    """Every label's threshold. Each starts where it scores best on its own (F1; F2 for the
    threat label, since escalation favours recall); then, while the labels that hide flag more
    than LAWFUL_BUDGET of the lawful comments between them, the label whose raise costs the
    fewest true findings per lawful comment spared is raised a step. Then the same again
    while they flag more than IDENTITY_BUDGET of the harmless identity sentences (`identity`,
    their probabilities), which no council set has enough of to guard on its own."""
    chosen: dict[str, float] = {}
    for j, label in enumerate(LABELS):
        beta = 2.0 if label == "threat" else 1.0
        truth = y[:, j].astype(bool)
        chosen[label] = float(max(GRID, key=lambda t: (fbeta(truth, p[:, j] >= t, beta), t)))
    _raise_until(chosen, p, y, p[lawful], LAWFUL_BUDGET)
    if identity is not None and len(identity):
        _raise_until(chosen, p, y, identity, IDENTITY_BUDGET)
    return chosen


def flagged_by_hiding_labels(p: np.ndarray, th: dict[str, float]) -> np.ndarray:
    """Which rows any label that hides or escalates flags at the thresholds `th`."""
    flagged = np.zeros(len(p), dtype=bool)
    for label in FLAGGING:
        flagged |= p[:, LABELS.index(label)] >= th[label]
    return flagged


def _raise_until(
    chosen: dict[str, float], p: np.ndarray, y: np.ndarray, harmless: np.ndarray, budget: float
) -> None:
    """Raise the hiding labels' thresholds in `chosen`, cheapest first (true findings lost in
    `p`, `y` per harmless row spared), until they flag at most `budget` of `harmless`."""

    def flags(th: dict[str, float]) -> int:
        return int(flagged_by_hiding_labels(harmless, th).sum())

    allowed = budget * len(harmless)
    while (now := flags(chosen)) > allowed:
        best: tuple[float, str, float] | None = None
        for label in FLAGGING:
            j = LABELS.index(label)
            # The next threshold up that spares at least one harmless row, and what it leaves.
            found = next(
                (
                    (float(t), left)
                    for t in GRID[chosen[label] < GRID]
                    for left in [flags({**chosen, label: float(t)})]
                    if left < now
                ),
                None,
            )
            if found is None:
                continue
            step, left = found
            spared = now - left
            truth = y[:, j].astype(bool)
            lost = int((truth & (p[:, j] >= chosen[label]) & (p[:, j] < step)).sum())
            weight = THREAT_LOSS if label == "threat" else 1.0
            cost = lost * weight / spared
            if best is None or cost < best[0]:
                best = (cost, label, step)
        if best is None:
            break
        chosen[best[1]] = best[2]


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
    identity_lines = [
        line.strip()
        for line in IDENTITY_CHECK.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    identity = heads.probabilities(encoder.embed(identity_lines))
    print(f"scored the identity sentences for thresholds ({len(identity_lines)})", flush=True)

    def pooled(names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.concatenate([scored[n][0] for n in names]),
            np.concatenate([scored[n][1] for n in names]),
            np.concatenate([scored[n][2] for n in names]),
        )

    def thresholds_on(names: list[str]) -> dict[str, float]:
        return choose_all(*pooled(names), identity)

    def report(name: str, chosen: dict[str, float]) -> dict[str, object]:
        p, y, lawful, role = scored[name]
        out: dict[str, object] = {"role": role, "n": len(y)}
        for j, label in enumerate(LABELS):
            flagged = p[:, j] >= chosen[label]
            precision, recall, score = f1(y[:, j].astype(bool), flagged)
            out[label] = {
                "positives": int(y[:, j].sum()),
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(score, 3),
            }
        lawful_flagged = flagged_by_hiding_labels(p[lawful], chosen).mean()
        out["lawful_flagged_by_model"] = round(float(lawful_flagged), 4)
        return out

    final = thresholds_on(select)
    metrics: dict[str, object] = {"thresholds": final, "leave_one_council_out": {}, "sets": {}}
    for held in select:
        others = [n for n in select if n != held]
        metrics["leave_one_council_out"][held] = report(held, thresholds_on(others))  # type: ignore[index]
    for name in scored:
        metrics["sets"][name] = report(name, final)  # type: ignore[index]
    metrics["identity_sentences_flagged"] = round(
        float(flagged_by_hiding_labels(identity, final).mean()), 4
    )

    args.out.mkdir(parents=True, exist_ok=True)
    for file in ("encoder.onnx", "heads.npz", "tokenizer.json"):
        if args.model.resolve() != args.out.resolve():
            shutil.copyfile(args.model / file, args.out / file)
    card = {
        "name": NAME,
        "labels": list(LABELS),
        "thresholds": final,
        "thresholds_note": (
            "chosen by training/package_model.py on the selection councils: each label's best "
            "F1 (F2 for threat), then the hiding labels raised, cheapest first, until together "
            f"they flag at most {LAWFUL_BUDGET:.1%} of lawful comments"
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
    for name, how in (
        ("misinformation_stance.npz", "training/misinformation_stance.py"),
        ("misinformation_reader.onnx", "training/stance_cross_encoder.py fit"),
        ("misinformation_reader.json", "training/stance_cross_encoder.py fit"),
    ):
        stale = args.out / name
        if stale.exists():  # fitted with (or beside) the encoder this one replaces
            stale.unlink()
            print(f"removed {stale}: fit it again for this model with {how}")
    (HERE / "finetune-metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    print(json.dumps({"thresholds": final}, indent=1))
    print(
        f"identity sentences flagged by the hiding labels: {metrics['identity_sentences_flagged']}"
    )
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
