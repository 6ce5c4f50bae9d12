"""Turning detector findings into a verdict, as rules.yaml says.

The promise: an action is only ever the heaviest action of categories that passed their
thresholds, so every hide names its rule and carries its evidence. Criticism counts only
when nothing else applies. A public mention is never hidden on the platform; it goes to
review marked not_hideable.
"""

from __future__ import annotations

from collections.abc import Iterable

from moderation.comment import Comment
from moderation.detectors.base import Detection
from moderation.rules import HouseRules
from moderation.verdict import Action, Category, CommsNote, Finding, Route, Verdict, heaviest

RUMOUR_QUESTION = "rumour question"


def _strongest_per_category(findings: Iterable[Finding]) -> dict[Category, Finding]:
    """Keep the highest score per category, with the evidence of every detector that agreed."""
    best: dict[Category, Finding] = {}
    for f in findings:
        old = best.get(f.category)
        if old is None:
            best[f.category] = f
            continue
        top, other = (f, old) if f.score > old.score else (old, f)
        best[f.category] = Finding(
            top.category, top.score, top.detector, top.evidence + other.evidence
        )
    return best


def decide(
    comment: Comment,
    detections: Iterable[Detection],
    rules: HouseRules,
    classifier_version: str,
) -> Verdict:
    detections = list(detections)
    strongest = _strongest_per_category(f for d in detections for f in d.findings)
    passed = {c: f for c, f in strongest.items() if f.score >= rules.rule(c).threshold}
    if len(passed) > 1:
        passed.pop(Category.CRITICISM, None)
    below = tuple(f for c, f in strongest.items() if c not in passed)
    # A finding in a category's doubtful middle (at or over comms_from, under threshold) is
    # sent to the comms team to judge; it never hides.
    doubtful = {
        c
        for c, f in strongest.items()
        if c not in passed and (floor := rules.rule(c).comms_from) is not None and f.score >= floor
    }

    actions = [rules.rule(c).action_on(comment.surface) for c in passed]
    if doubtful:
        actions.append(Action.COMMS)
    notes: list[CommsNote] = []
    # A rumour question is answered by the comms team unless something heavier applies;
    # criticism alongside it does not stop the question reaching them.
    only_opinion = set(passed) <= {Category.CRITICISM}
    for d in detections:
        # A note travels with its detector's findings: it counts only if one of them passed
        # and routes to comms.
        carried = any(
            (f.category in passed and rules.rule(f.category).comms) or f.category in doubtful
            for f in d.findings
        )
        for note in d.notes:
            if carried or (note.reason == RUMOUR_QUESTION and only_opinion):
                notes.append(note)
    if only_opinion and any(n.reason == RUMOUR_QUESTION for n in notes):
        actions.append(rules.rumour_questions)
    action = heaviest(actions)

    routes: list[Route] = []
    if action.weight >= Action.HIDE.weight:
        routes.append(Route.REVIEW)
    if action is Action.ESCALATE:
        routes.append(Route.ESCALATIONS)
    wants_comms = (
        any(rules.rule(c).comms for c in passed) or bool(doubtful) or action is Action.COMMS
    )
    if wants_comms:
        routes.append(Route.COMMS)
        if not notes:
            reasons = [c.value for c in passed if rules.rule(c).comms] or ["comms"]
            notes.append(CommsNote(reason=", ".join(reasons)))

    hides = action.weight >= Action.HIDE.weight
    referral = ""
    if action is Action.ESCALATE:
        referral = next((rules.rule(c).referral for c in passed if rules.rule(c).referral), "")
    order = list(Category)
    return Verdict(
        comment_key=comment.key,
        action=action,
        findings=tuple(sorted(passed.values(), key=lambda f: order.index(f.category))),
        routes=tuple(routes),
        hide_on_platform=hides and comment.hideable and rules.hiding == "automatic",
        not_hideable=hides and not comment.hideable,
        rules_version=rules.version,
        classifier_version=classifier_version,
        comms=tuple(dict.fromkeys(notes)),
        referral=referral,
        below_threshold=below,
    )
