"""What the review app shows about the model: the current version, since when, when it last
learned from the council's reviewers and what that changed. Read from the versions folder on
each view (small files), so a `learn` or `model use` shows at once, without loading a model."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from houserules.learning.versions import BUNDLED, LEARNED, ModelVersions, VersionError
from review_app.web import ModelStatus

SHIPPED = "the model shipped with houserules"


def _when(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def model_status(folder: Path) -> ModelStatus:
    versions = ModelVersions(folder)
    try:
        records = versions.records()
    except VersionError:
        records = []
    pointer = versions.pointer()
    bundled = next((r for r in records if r.kind == BUNDLED), None)
    name = pointer or (bundled.name if bundled else SHIPPED)
    current = next((r for r in records if r.name == name), None)
    since = next(
        (_when(h.get("at", "")) for h in reversed(versions.history()) if h.get("version") == name),
        None,
    )
    learned = [r for r in records if r.kind == LEARNED]
    ran = versions.last_run() or {}
    refused = ran.get("status") == "refused"
    changed = current.summary if current is not None and current.kind == LEARNED else ""
    if current is not None and current.kind == BUNDLED and learned:
        changed = f"Went back to {SHIPPED}; nothing learned is in use."
    return ModelStatus(
        current=name,
        learned=current is not None and current.kind == LEARNED,
        since=since,
        last_learned=_when(learned[-1].created_at) if learned else None,
        changed=changed,
        last_attempt=_when(str(ran.get("at", ""))) if refused else None,
        last_attempt_refused=str(ran.get("why", "")) if refused else "",
    )
