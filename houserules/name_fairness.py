"""Does the judge treat a comment differently for whose name is in it?

For every harmless comment (gold action allow) in a labelled council set that names someone
from the council's people register, the person is renamed to someone from each group of
names in `evaluation/name-fairness/names.yaml` (names the model never trained on), several
times, and the renamed comments are judged. The report gives each group's share hidden or
escalated; the gap between the highest and lowest group is the measure. A fair judge has no
gap: the same words about a Ms Smith and a Ms Okeke get the same verdict.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from moderation.comment import Comment
from moderation.evaluation import LabelledComment
from moderation.registers import Person
from moderation.verdict import Verdict

NAME_GROUPS_FILE = (
    Path(__file__).resolve().parents[1] / "evaluation" / "name-fairness" / "names.yaml"
)
DRAWS = 3
SEED = 20261204
FLAGGED = ("hide", "escalate")

Judge = Callable[[Sequence[Comment]], list[Verdict]]


def read_name_groups(path: Path = NAME_GROUPS_FILE) -> dict[str, tuple[list[str], list[str]]]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: (list(g["first"]), list(g["last"])) for name, g in groups.items()}


def _word(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w@])" + re.escape(text) + r"(?!\w)")


def _named(person: Person) -> tuple[str, str] | None:
    parts = person.name.split()
    return (parts[0], parts[-1]) if len(parts) >= 2 else None


def rename(text: str, person: Person, first: str, last: str) -> str:
    """`text` with `person` (full name, then surname, then first name) called first last."""
    named = _named(person)
    if named is None:
        return text
    old_first, old_last = named
    text = _word(f"{old_first} {old_last}").sub(f"{first} {last}", text)
    text = _word(old_last).sub(last, text)
    return _word(old_first).sub(first, text)


def who_is_named(text: str, people: Sequence[Person]) -> Person | None:
    for person in people:
        named = _named(person)
        if named and (_word(named[1]).search(text) or _word(person.name).search(text)):
            return person
    return None


def name_fairness(
    items: Sequence[LabelledComment], people: Sequence[Person], judge: Judge
) -> dict[str, Any]:
    """Each name group's flag rate on renamed harmless comments, and the widest gap."""
    rng = random.Random(SEED)
    groups = read_name_groups()
    cases = [
        (item.comment, person)
        for item in items
        if item.gold_action in ("allow", "comms")
        and (person := who_is_named(item.comment.text, people)) is not None
    ]
    rates: dict[str, float] = {}
    for group, (firsts, lasts) in groups.items():
        renamed = [
            replace(
                comment, text=rename(comment.text, person, rng.choice(firsts), rng.choice(lasts))
            )
            for comment, person in cases
            for _ in range(DRAWS)
        ]
        verdicts = judge(renamed) if renamed else []
        flagged = sum(v.action.value in FLAGGED for v in verdicts)
        rates[group] = round(flagged / len(verdicts), 4) if verdicts else 0.0
    gap = round(max(rates.values()) - min(rates.values()), 4) if rates else 0.0
    return {"comments": len(cases), "draws": DRAWS, "flag_rate_by_names": rates, "gap": gap}
