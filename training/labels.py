"""The bundled model's labels, and the council-format category each one learns from.

Shared by `finetune.py` (training), `package_model.py` (thresholds and packaging) and
`learning_sample.py` (the sample `houserules learn` mixes in).
"""

from __future__ import annotations

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
# The gold category of the council format behind each label ("negative" is any of several).
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
# A comment with any of these is negative in tone (the "negative" label).
NEGATIVE_CATEGORIES = {
    "criticism",
    "service_complaint",
    "threat",
    "harassment",
    "discrimination",
    "obscenity",
    "defamation",
}


def council_labels(row: dict[str, object]) -> list[float | None]:
    """One council-format row's value per label: 1, 0, or None where the row cannot say
    (tone of a comment with only misinformation, personal data or a scam in it)."""
    cats = set(row["gold_categories"])  # type: ignore[call-overload]
    labels: list[float | None] = [float(CATEGORY_OF[label] in cats) for label in LABELS[:-1]]
    if cats & NEGATIVE_CATEGORIES:
        negative: float | None = 1.0
    elif not cats and row["gold_action"] == "allow":
        negative = 0.0
    else:
        negative = None
    return [*labels, negative]
