"""Each week's tone shares, kept in the report's state folder, so the Monday report reads
only its own week's comments with the tone model rather than eight weeks' again.

An entry is used only for the same model, the same sample size and the same number of
comments in that week as the store holds now: a week that changed (late comments, retention,
an erasure) is read again. The shares are a function of those comments, so a kept entry
gives the numbers a fresh reading would."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BOOK_FILE = "tone.json"


@dataclass
class ToneBook:
    model: str
    weeks: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path, model: str) -> ToneBook:
        path = folder / BOOK_FILE
        if not path.is_file():
            return cls(model)
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if data.get("model") != model:
            return cls(model)
        return cls(model, {w: {k: int(v) for k, v in e.items()} for w, e in data["weeks"].items()})

    def get(self, week: str, of: int, sample: int) -> dict[str, int] | None:
        entry = self.weeks.get(week)
        if entry is None or entry.get("of") != of or entry.get("sample") != sample:
            return None
        return entry

    def put(self, week: str, sample: int, counts: dict[str, int]) -> None:
        self.weeks[week] = {**counts, "sample": sample}

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{BOOK_FILE}.{os.getpid()}.partial"
        data = {"model": self.model, "weeks": dict(sorted(self.weeks.items()))}
        partial.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(partial, folder / BOOK_FILE)
