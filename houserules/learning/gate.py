"""The evaluation gate: a candidate becomes current only if it is not worse than the current
model, on the council's own newest decisions and on the bundled evaluation councils.

Two sets of comments, each judged by both models through the whole classifier (every
detector and the house rules, as in production):

- the council's held-out decisions: the newest HOLD_OUT share of its examples (at least
  MIN_HELD_OUT), which the candidate was not trained on (train on older, test on newer); the
  reviewer's decision is the gold action (restore: allow; confirm: hide; escalate: escalate);
- the bundled evaluation councils (every `evaluation/*/comments.jsonl`, each judged with its
  own registers), never trained on.

On each set, two figures (as `houserules eval` reports them): the false-hide rate (lawful
comments hidden or escalated) and the action macro-F1. The candidate passes a set when

- it hides no more lawful comments than the current model (the false-hide rate is not worse,
  counted exactly), and
- its macro-F1 is not worse beyond noise: noise is estimated with a paired bootstrap
  (BOOTSTRAP resamples of the set's comments, the same resample for both models, seeded); the
  candidate fails only when the whole 95% interval of (candidate - current) is below zero.

It must pass both sets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment
from moderation.evaluation import ACTIONS, HIDING, LabelledComment
from moderation.model.onnx_model import RUNTIME, SentenceEncoder, ToxicityHeads
from moderation.registers import Registers
from moderation.rules import HouseRules

HOLD_OUT = 0.25
MIN_HELD_OUT = 5
BOOTSTRAP = 1000
SEED = 20261205
LAWFUL = ("allow", "comms")
COUNCIL_SET = "council's newest decisions"
EVALUATION_SET = "bundled evaluation councils"


def time_split(count: int) -> int:
    """How many of `count` examples (oldest first) are trained on; the rest are held out."""
    held = max(MIN_HELD_OUT, round(count * HOLD_OUT))
    return max(0, count - held)


class EmbeddedModel:
    """A `TextModel` over embeddings computed once: both models of the gate share the frozen
    encoder, so each comment is encoded once and only the heads differ. Texts it was not
    given (a register's claims) go through the encoder."""

    def __init__(
        self,
        heads: ToxicityHeads,
        thresholds: dict[str, float],
        version: str,
        known: dict[str, npt.NDArray[np.float32]],
        encoder: SentenceEncoder,
    ) -> None:
        self.heads = heads
        self.thresholds = thresholds
        self.version = version
        self._known = known
        self._encoder = encoder

    @property
    def labels(self) -> tuple[str, ...]:
        return self.heads.labels

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._known]
        if missing:
            self._known.update(zip(missing, self._encoder.embed(missing), strict=True))
        return np.array([self._known[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    def score(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.float32], list[dict[str, float]]]:
        embeddings = self.embed(texts)
        probabilities = self.heads.probabilities(embeddings)
        return embeddings, [
            {label: float(row[j]) for j, label in enumerate(self.labels)} for row in probabilities
        ]


@dataclass(frozen=True)
class EvalSet:
    """Labelled comments and the registers to judge them with."""

    name: str
    items: list[LabelledComment]
    registers: Registers


@dataclass
class SetComparison:
    name: str
    n: int
    lawful: int
    current: dict[str, float]
    candidate: dict[str, float]
    f1_change_interval: tuple[float, float]
    passed: bool
    why: str
    parts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "set": self.name,
            "comments": self.n,
            "lawful": self.lawful,
            "current": self.current,
            "candidate": self.candidate,
            "macro_f1_change_95": list(self.f1_change_interval),
            "passed": self.passed,
            "why": self.why,
            "parts": self.parts,
        }


@dataclass
class GateResult:
    accepted: bool
    sets: list[SetComparison]

    @property
    def why(self) -> str:
        failed = [f"{s.name}: {s.why}" for s in self.sets if not s.passed]
        return "; ".join(failed) if failed else "not worse on any set"

    def to_json(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "why": self.why,
            "sets": [s.to_json() for s in self.sets],
            "rule": "false hides not more than the current model's; action macro-F1 not "
            f"worse beyond noise (paired bootstrap, {BOOTSTRAP} resamples, 95% interval)",
        }

    def summary(self) -> str:
        """One line per set, for the audit log and the review app."""
        lines = []
        for s in self.sets:
            cur, cand = s.current, s.candidate
            lines.append(
                f"{s.name} ({s.n}): false hides {int(cur['false_hides'])} -> "
                f"{int(cand['false_hides'])} of {s.lawful} lawful, macro-F1 "
                f"{cur['macro_f1']:.3f} -> {cand['macro_f1']:.3f}"
            )
        return "; ".join(lines)


# --- the figures, vectorised so the bootstrap is cheap -------------------------------------


def _codes(actions: Sequence[str]) -> npt.NDArray[np.int64]:
    return np.array([ACTIONS.index(a) for a in actions], dtype=np.int64)


def macro_f1(gold: npt.NDArray[np.int64], got: npt.NDArray[np.int64]) -> float:
    """Action macro-F1 over the actions present in the gold labels, exactly as
    `moderation.evaluation.evaluate` computes it (before its rounding)."""
    k = len(ACTIONS)
    confusion = np.bincount(gold * k + got, minlength=k * k).reshape(k, k)
    tp = np.diag(confusion).astype(np.float64)
    predicted = confusion.sum(axis=0)
    support = confusion.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros(k), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros(k), where=total > 0)
    present = support > 0
    return float(f1[present].mean()) if present.any() else 0.0


def false_hides(gold: npt.NDArray[np.int64], got: npt.NDArray[np.int64]) -> int:
    lawful = np.isin(gold, [ACTIONS.index(a) for a in LAWFUL])
    hidden = np.isin(got, [ACTIONS.index(a) for a in HIDING])
    return int((lawful & hidden).sum())


def compare_actions(
    name: str,
    gold_actions: Sequence[str],
    current_actions: Sequence[str],
    candidate_actions: Sequence[str],
    parts: dict[str, int] | None = None,
) -> SetComparison:
    gold, cur, cand = _codes(gold_actions), _codes(current_actions), _codes(candidate_actions)
    n = len(gold)
    lawful = int(np.isin(gold, [ACTIONS.index(a) for a in LAWFUL]).sum())

    def figures(got: npt.NDArray[np.int64]) -> dict[str, float]:
        hides = false_hides(gold, got)
        return {
            "false_hides": hides,
            "false_hide_rate": round(hides / lawful, 4) if lawful else 0.0,
            "macro_f1": round(macro_f1(gold, got), 4),
        }

    rng = np.random.default_rng(SEED)
    changes = np.empty(BOOTSTRAP)
    for b in range(BOOTSTRAP):
        pick = rng.integers(0, n, n) if n else np.zeros(0, dtype=np.int64)
        changes[b] = macro_f1(gold[pick], cand[pick]) - macro_f1(gold[pick], cur[pick])
    low, high = (float(x) for x in np.percentile(changes, [2.5, 97.5])) if n else (0.0, 0.0)
    current, candidate = figures(cur), figures(cand)
    reasons = []
    if candidate["false_hides"] > current["false_hides"]:
        reasons.append(
            f"hides more lawful comments ({int(candidate['false_hides'])} against "
            f"{int(current['false_hides'])})"
        )
    if high < 0:
        reasons.append(
            f"macro-F1 worse beyond noise ({current['macro_f1']:.3f} -> "
            f"{candidate['macro_f1']:.3f}; 95% interval of the change {low:+.3f} to {high:+.3f})"
        )
    return SetComparison(
        name=name,
        n=n,
        lawful=lawful,
        current=current,
        candidate=candidate,
        f1_change_interval=(round(low, 4), round(high, 4)),
        passed=not reasons,
        why="; ".join(reasons) or "not worse",
        parts=parts or {},
    )


# --- judging the sets --------------------------------------------------------------------


def judge(
    classifier: HouseRulesClassifier, comments: Sequence[Comment], batch: int = 64
) -> list[str]:
    actions: list[str] = []
    for start in range(0, len(comments), batch):
        actions += [v.action.value for v in classifier.classify(comments[start : start + batch])]
    return actions


def compare(
    rules: HouseRules,
    sets: Sequence[EvalSet],
    current: EmbeddedModel,
    candidate: EmbeddedModel,
    name: str,
    build: Callable[[HouseRules, Registers, EmbeddedModel], HouseRulesClassifier] | None = None,
) -> SetComparison:
    """Both models over the pooled sets, each set judged with its own registers."""
    make = build or (lambda r, reg, m: HouseRulesClassifier(r, reg, m))
    gold: list[str] = []
    cur: list[str] = []
    cand: list[str] = []
    parts: dict[str, int] = {}
    for s in sets:
        comments = [it.comment for it in s.items]
        gold += [it.gold_action for it in s.items]
        cur += judge(make(rules, s.registers, current), comments)
        cand += judge(make(rules, s.registers, candidate), comments)
        parts[s.name] = len(s.items)
    return compare_actions(name, gold, cur, cand, parts)


# --- the bundled evaluation councils -----------------------------------------------------


def evaluation_folder() -> Path:
    return Path(__file__).resolve().parents[2] / "evaluation"


def texts_digest(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for t in texts:
        digest.update(t.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def cached_embeddings(
    texts: Sequence[str], encoder: SentenceEncoder, encoder_sha: str, cache: Path | None
) -> npt.NDArray[np.float32]:
    """The texts' embeddings, kept in `cache` keyed by the encoder, how it is run (`RUNTIME`)
    and the texts (these are the bundled evaluation councils, not personal data of the
    council's)."""
    path = None
    if cache is not None:
        path = cache / f"learning-eval-{encoder_sha[:16]}-{RUNTIME}-{texts_digest(texts)}.npy"
        if path.is_file():
            try:
                found = np.load(path, allow_pickle=False)
                if found.shape == (len(texts), 384):
                    return np.asarray(found, dtype=np.float32)
            except (OSError, ValueError):
                pass
    vectors = encoder.embed(texts)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial.npy")
            np.save(partial, vectors)
            partial.replace(path)
        except OSError:
            pass
    return vectors
