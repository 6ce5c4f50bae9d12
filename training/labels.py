"""The bundled model's labels, and the council-format category each one learns from.

Shared by `finetune.py` (training) and `package_model.py` (thresholds and packaging).
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
