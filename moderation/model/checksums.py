"""Checking the bundled model files against SHA256SUMS before anything is loaded from them.

A model file that is missing, truncated or swapped must stop the process with a message that
names the file, never load quietly and score comments differently.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SUMS_FILE = "SHA256SUMS"


class ModelFilesError(RuntimeError):
    """The model folder is incomplete or a file does not match its recorded checksum."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sums(folder: Path) -> dict[str, str]:
    """Parse `sha256sum` output (`<hex>  <name>`) into {name: hex}."""
    sums_path = folder / SUMS_FILE
    if not sums_path.is_file():
        raise ModelFilesError(f"model folder {folder} has no {SUMS_FILE} file")
    sums: dict[str, str] = {}
    for number, line in enumerate(sums_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or len(parts[0]) != 64:
            raise ModelFilesError(f"{sums_path} line {number} is not '<sha256>  <file>'")
        sums[parts[1].strip().lstrip("*")] = parts[0].lower()
    return sums


def verify(folder: Path, required: tuple[str, ...]) -> str:
    """Check every listed file (and that each required one is listed); return the SUMS digest.

    The returned digest (sha256 of the SHA256SUMS file itself) identifies this exact set of
    files, so it is used in the model version that every verdict records.
    """
    sums = read_sums(folder)
    unlisted = [name for name in required if name not in sums]
    if unlisted:
        raise ModelFilesError(f"{folder / SUMS_FILE} does not list {', '.join(unlisted)}")
    for name, expected in sums.items():
        path = folder / name
        if not path.is_file():
            raise ModelFilesError(f"model file {path} is missing")
        actual = file_sha256(path)
        if actual != expected:
            raise ModelFilesError(
                f"model file {path} does not match {SUMS_FILE} "
                f"(expected {expected[:12]}…, found {actual[:12]}…): "
                "the file is corrupt or was changed; rebuild it with training/finetune.py "
                "and training/package_model.py"
            )
    return file_sha256(folder / SUMS_FILE)


def write_sums(folder: Path, names: list[str]) -> Path:
    """Record the checksums of `names` (used by the training script that builds the folder)."""
    lines = [f"{file_sha256(folder / name)}  {name}" for name in sorted(names)]
    path = folder / SUMS_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
