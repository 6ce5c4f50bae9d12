"""The council's model versions: every model it has judged with, kept with its figures, and
which one is current.

    <models_dir>/CURRENT                       the current version's name (none: the bundled one)
    <models_dir>/history.jsonl                 each change of the current version: when, who, why
    <models_dir>/versions/<name>/version.json  what the version is, from what, and its gate figures
    <models_dir>/versions/<name>/heads.npz     a learned version's heads (checksum in version.json)

A learned version is heads only: it runs on the bundled encoder it was learned with, named by
that encoder's checksum. Every verdict records the version that made it (its
`classifier_version`), so `model list` names what each past decision was judged by.

Writes are whole-or-nothing: a version's folder is written under a temporary name and renamed,
and CURRENT is replaced in one rename, so a worker reading it between batches sees the old
name or the new one, never half of either.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from moderation.model.checksums import file_sha256, read_sums
from moderation.model.onnx_model import ENCODER_FILE, ToxicityHeads, ToxicityModel

log = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
HISTORY_FILE = "history.jsonl"
LAST_RUN_FILE = "last_learn.json"
VERSIONS = "versions"
RECORD_FILE = "version.json"
HEADS_FILE = "heads.npz"
BUNDLED = "bundled"
LEARNED = "learned"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,120}$")


class VersionError(Exception):
    """A model version that does not exist, is damaged, or does not fit this encoder; the
    message names it and says what to do."""


@dataclass(frozen=True)
class VersionRecord:
    """One model version as `model list` shows it."""

    name: str
    kind: str  # BUNDLED or LEARNED
    created_at: str  # ISO 8601
    encoder_sha256: str
    thresholds: dict[str, float]
    heads_sha256: str = ""
    learned_from: str = ""  # the version that was current when this one was learned
    summary: str = ""  # what changed, in a sentence an officer can read
    gate: dict[str, Any] = field(default_factory=dict)  # the comparison that let it in
    measured: dict[str, Any] = field(default_factory=dict)  # its own figures, newest gate
    examples: dict[str, Any] = field(default_factory=dict)  # decisions learned from, by kind
    # sha256 of each comment key it learned from, so erasure can say which versions learned
    # from a since-erased comment (the keys themselves are not kept).
    trained_on: tuple[str, ...] = ()
    erased_since: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VersionRecord:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["trained_on"] = tuple(known.get("trained_on", ()))
        return cls(**known)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["trained_on"] = list(self.trained_on)
        return data


def key_digest(comment_key: str) -> str:
    return hashlib.sha256(comment_key.encode()).hexdigest()


def encoder_sha256(model: ToxicityModel) -> str:
    if model.folder is None:
        raise VersionError("the model was not loaded from a folder, so it has no encoder checksum")
    return read_sums(model.folder)[ENCODER_FILE]


class ModelVersions:
    """The versions folder of one council (settings.model_versions_dir)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    # --- which version is current ---------------------------------------------------------

    def pointer(self) -> str:
        """The name in CURRENT, or "" when the council judges with the bundled model. Cheap
        (one small read): workers call it before every batch."""
        try:
            return (self.folder / CURRENT_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""

    def use(self, name: str, at: datetime, by: str, why: str) -> None:
        """Make `name` current (it must exist), and note it in the history."""
        record = self.record(name)
        if record is None:
            raise VersionError(f"there is no model version {name!r}: `houserules model list`")
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f"{CURRENT_FILE}.{os.getpid()}.partial"
        partial.write_text(name + "\n", encoding="utf-8")
        os.replace(partial, self.folder / CURRENT_FILE)
        line = {"at": at.isoformat(), "version": name, "by": by, "why": why}
        with (self.folder / HISTORY_FILE).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")

    def history(self) -> list[dict[str, str]]:
        path = self.folder / HISTORY_FILE
        if not path.is_file():
            return []
        return [
            json.loads(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]

    def note_last_run(self, data: dict[str, Any]) -> None:
        """What the last `houserules learn` did (accepted or refused), for the review app."""
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{LAST_RUN_FILE}.{os.getpid()}.partial"
        partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, self.folder / LAST_RUN_FILE)

    def last_run(self) -> dict[str, Any] | None:
        try:
            found = json.loads((self.folder / LAST_RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        return found if isinstance(found, dict) else None

    # --- the versions ---------------------------------------------------------------------

    def _dir(self, name: str) -> Path:
        if not NAME.match(name):
            raise VersionError(f"{name!r} is not a model version name")
        return self.folder / VERSIONS / name

    def record(self, name: str) -> VersionRecord | None:
        path = self._dir(name) / RECORD_FILE
        if not path.is_file():
            return None
        try:
            return VersionRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, TypeError) as exc:
            raise VersionError(f"{path} is damaged: {exc}") from None

    def records(self) -> list[VersionRecord]:
        """Every version: the bundled one first, then the learned ones, oldest first."""
        root = self.folder / VERSIONS
        if not root.is_dir():
            return []
        found = [self.record(p.name) for p in root.iterdir() if NAME.match(p.name)]
        return sorted(
            (r for r in found if r is not None),
            key=lambda r: (r.kind != BUNDLED, r.created_at, r.name),
        )

    def save_record(self, record: VersionRecord) -> None:
        """Replace a version's record (its figures or erasure count), in one rename."""
        path = self._dir(record.name) / RECORD_FILE
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(record.to_json(), indent=1) + "\n", encoding="utf-8")
        os.replace(partial, path)

    @staticmethod
    def bundled_record(model: ToxicityModel, at: datetime) -> VersionRecord:
        return VersionRecord(
            name=model.version,
            kind=BUNDLED,
            created_at=at.isoformat(),
            encoder_sha256=encoder_sha256(model),
            thresholds=dict(model.thresholds),
            summary="the model shipped with houserules",
        )

    def ensure_bundled(self, model: ToxicityModel, at: datetime) -> VersionRecord:
        """The bundled model's record (written the first time it is asked for)."""
        found = self.record(model.version)
        if found is not None:
            return found
        record = self.bundled_record(model, at)
        self._dir(record.name).mkdir(parents=True, exist_ok=True)
        self.save_record(record)
        return record

    def next_learned_name(self, base: ToxicityModel, fingerprint: str) -> str:
        """e.g. minilm-judge-2026.12+learned3-1ab237f5: the bundled model's name, how many
        learned versions there are, and the start of the heads' fingerprint."""
        learned = sum(1 for r in self.records() if r.kind == LEARNED)
        stem = base.version.rsplit("-", 1)[0]
        return f"{stem}+learned{learned + 1}-{fingerprint[:8]}"

    def add_learned(self, heads: ToxicityHeads, record: VersionRecord) -> None:
        """Write a learned version's folder whole (temporary name, then one rename)."""
        target = self._dir(record.name)
        if target.exists():
            raise VersionError(f"model version {record.name} already exists")
        partial = target.with_name(f".{record.name}.{os.getpid()}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        save_heads(heads, partial / HEADS_FILE)
        digest = file_sha256(partial / HEADS_FILE)
        if record.heads_sha256 and record.heads_sha256 != digest:
            raise VersionError("the heads written do not match their checksum")
        final = VersionRecord.from_json({**record.to_json(), "heads_sha256": digest})
        (partial / RECORD_FILE).write_text(
            json.dumps(final.to_json(), indent=1) + "\n", encoding="utf-8"
        )
        os.replace(partial, target)

    # --- loading --------------------------------------------------------------------------

    def model_for(self, name: str, base: ToxicityModel) -> ToxicityModel:
        """The model for version `name` ("" or the bundled name: `base` itself): the learned
        heads on `base`'s encoder. VersionError if it is missing, damaged or was learned on
        another encoder."""
        if not name or name == base.version:
            return base
        record = self.record(name)
        if record is None:
            raise VersionError(
                f"model version {name!r} is named current but is not in {self.folder}"
            )
        if record.kind == BUNDLED:
            raise VersionError(
                f"model version {name} is a bundled model other than the one installed "
                f"({base.version}): `houserules model use` one learned on this one"
            )
        if record.encoder_sha256 != encoder_sha256(base):
            raise VersionError(
                f"model version {name} was learned on another encoder than the installed "
                f"model's ({base.version}); run `houserules learn` again"
            )
        path = self._dir(name) / HEADS_FILE
        if not path.is_file() or file_sha256(path) != record.heads_sha256:
            raise VersionError(f"{path} is missing or does not match its recorded checksum")
        heads = ToxicityHeads.from_npz(path, base.labels)
        model = ToxicityModel(base.encoder, heads, name, dict(record.thresholds))
        model.folder = base.folder
        return model

    def current_model(self, base: ToxicityModel) -> ToxicityModel:
        """The current version's model; the bundled one (with a warning in the log) when the
        current version cannot be used, so comments are still judged."""
        name = self.pointer()
        try:
            return self.model_for(name, base)
        except VersionError as exc:
            log.warning("judging with %s: %s", base.version, exc)
            return base


def heads_fingerprint(heads: ToxicityHeads) -> str:
    """sha256 of the heads' numbers (not of their file, whose zip entries carry a time)."""
    digest = hashlib.sha256()
    for array in (*heads.weights, *heads.biases):
        digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
    return digest.hexdigest()


def save_heads(heads: ToxicityHeads, path: Path) -> None:
    arrays: dict[str, Any] = {}
    for i, (weight, bias) in enumerate(zip(heads.weights, heads.biases, strict=True)):
        arrays[f"weight{i}"] = weight
        arrays[f"bias{i}"] = bias
    with path.open("wb") as handle:
        np.savez(handle, **arrays)
