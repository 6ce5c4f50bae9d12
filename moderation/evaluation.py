"""Measuring the classifier against labelled comments.

Reports the action confusion matrix, per-action and per-category precision, recall and F1,
the false-hide rate (gold allow or comms items that were hidden or escalated: lawful speech
silenced), hide recall, escalate recall, and the worst misses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from moderation.comment import Comment
from moderation.verdict import Action, Category, Verdict

ACTIONS = [a.value for a in Action]
HIDING = {Action.HIDE.value, Action.ESCALATE.value}


@dataclass(frozen=True, slots=True)
class LabelledComment:
    comment: Comment
    gold_categories: frozenset[str]
    gold_action: str


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def _miss_weight(gold: str, got: str) -> int:
    """How bad a mistake is: silencing lawful speech and missing threats are the worst."""
    if gold == Action.ESCALATE.value and got != gold:
        return 4
    if gold in (Action.ALLOW.value, Action.COMMS.value) and got in HIDING:
        return 3
    if gold in HIDING and got not in HIDING:
        return 2
    return 1 if gold != got else 0


def evaluate(
    items: Sequence[LabelledComment], verdicts: Sequence[Verdict], worst: int = 15
) -> dict[str, Any]:
    if len(items) != len(verdicts):
        raise ValueError("one verdict per labelled comment is needed")
    confusion = {g: dict.fromkeys(ACTIONS, 0) for g in ACTIONS}
    for item, v in zip(items, verdicts, strict=True):
        confusion[item.gold_action][v.action.value] += 1

    per_action = {}
    for a in ACTIONS:
        tp = confusion[a][a]
        fp = sum(confusion[g][a] for g in ACTIONS if g != a)
        fn = sum(confusion[a][p] for p in ACTIONS if p != a)
        per_action[a] = _prf(tp, fp, fn)
    present = [a for a in ACTIONS if per_action[a]["support"]]
    macro = sum(per_action[a]["f1"] for a in present) / max(1, len(present))

    per_category = {}
    for c in Category:
        tp = fp = fn = 0
        for item, v in zip(items, verdicts, strict=True):
            gold, got = c.value in item.gold_categories, c in v.categories
            tp += gold and got
            fp += got and not gold
            fn += gold and not got
        per_category[c.value] = _prf(tp, fp, fn)

    lawful = [i for i, it in enumerate(items) if it.gold_action in ("allow", "comms")]
    harmful = [i for i, it in enumerate(items) if it.gold_action in HIDING]
    escal = [i for i, it in enumerate(items) if it.gold_action == "escalate"]
    false_hides = sum(verdicts[i].action.value in HIDING for i in lawful)
    hidden = sum(verdicts[i].action.value in HIDING for i in harmful)
    escalated = sum(verdicts[i].action is Action.ESCALATE for i in escal)

    misses = sorted(
        (
            (_miss_weight(it.gold_action, v.action.value), it, v)
            for it, v in zip(items, verdicts, strict=True)
            if it.gold_action != v.action.value
        ),
        key=lambda t: -t[0],
    )
    return {
        "n": len(items),
        "action_macro_f1": round(macro, 4),
        "false_hide_rate": round(false_hides / len(lawful), 4) if lawful else 0.0,
        "hide_recall": round(hidden / len(harmful), 4) if harmful else 0.0,
        "escalate_recall": round(escalated / len(escal), 4) if escal else 0.0,
        "confusion": confusion,
        "per_action": per_action,
        "per_category": per_category,
        "gold_actions": dict(Counter(it.gold_action for it in items)),
        "worst_misses": [
            {
                "id": it.comment.comment_id,
                "gold_action": it.gold_action,
                "got_action": v.action.value,
                "gold_categories": sorted(it.gold_categories),
                "got_categories": [c.value for c in v.categories],
                "text": it.comment.text,
                "why": v.explain(),
            }
            for _, it, v in misses[:worst]
        ],
    }
