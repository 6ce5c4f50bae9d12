"""A fresh clone is all a council has: no tracked file may point outside the repository.

Tests, docs, the eval command and training once read a sibling `shared` folder that only the
project's developers had, so `make check` failed on a user's clone. This test fails on any
tracked file that names a path outside the repository: a relative path that climbs above the
root, an absolute path into a developer's machine, a Markdown link to a file that is not
there, or `Path(__file__).parents[N]` reaching above the root.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIMB = re.compile(r"(?:\.\./)+[\w.\-/]*")
DEVELOPER_PATHS = re.compile(r"/work/|\bshared/(?:data|seeds|house-rules|architecture|style)")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
PARENTS = re.compile(r"Path\(__file__\)\.resolve\(\)\.parents\[(\d+)\]")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    files = []
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if not path.is_file() or name == "uv.lock" or path == Path(__file__).resolve():
            continue  # the lock file holds only URLs; this file spells the patterns out
        try:
            files.append((path, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue  # a binary file (the model, images)
    return [p for p, _ in files]


def _inside(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


def escaping_references(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path.relative_to(ROOT)}:{number}"
        for match in CLIMB.finditer(line):
            if not _inside(path.parent / match.group(0)):
                found.append(f"{where}: {match.group(0)} climbs out of the repository")
        if DEVELOPER_PATHS.search(line):
            found.append(f"{where}: names a developer's folder: {line.strip()[:80]}")
        if path.suffix == ".md":
            for link in MARKDOWN_LINK.findall(line):
                if "://" in link or link.startswith("mailto:"):
                    continue
                target = path.parent / link
                if not _inside(target) or not target.exists():
                    found.append(f"{where}: link to {link}, which is not in the repository")
        if path.suffix == ".py":
            depth = len(path.relative_to(ROOT).parts) - 1
            for level in PARENTS.findall(line):
                if int(level) > depth:
                    found.append(f"{where}: parents[{level}] is above the repository root")
    return found


def test_no_tracked_file_refers_to_a_path_outside_the_repository() -> None:
    files = tracked_text_files()
    assert len(files) > 100, "git ls-files found too few files to be this repository"
    problems = [p for f in files for p in escaping_references(f)]
    assert problems == []


def test_the_check_itself_catches_each_kind_of_escape(tmp_path: Path) -> None:
    probe = ROOT / "tests" / "unit" / "_escape_probe.md"
    probe.write_text(
        "see " + "../" * 3 + "shared/house-rules.md and " + "/work/" + "shared/data\n"
        "[gone](nowhere.md)\n",
        encoding="utf-8",
    )
    try:
        problems = escaping_references(probe)
    finally:
        probe.unlink()
    assert len(problems) == 3, problems
