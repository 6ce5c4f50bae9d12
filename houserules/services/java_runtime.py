"""Finding a Java runtime both servers accept (Kafka 3.9 and Elasticsearch 8.19: 17+)."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from houserules.services.errors import ServiceError

MINIMUM_JAVA = 17
_JVM_ROOT = Path("/usr/lib/jvm")


@dataclass(frozen=True)
class JavaRuntime:
    home: Path
    version: str

    @property
    def java(self) -> Path:
        return self.home / "bin" / "java"

    @property
    def major(self) -> int:
        return _major(self.version)


def _major(version: str) -> int:
    match = re.match(r"(?:1\.)?(\d+)", version)
    return int(match.group(1)) if match else 0


def _read_release(home: Path) -> JavaRuntime | None:
    try:
        text = (home / "release").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r'^JAVA_VERSION="([^"]+)"', text, re.MULTILINE)
    if not match or not (home / "bin" / "java").is_file():
        return None
    return JavaRuntime(home=home, version=match.group(1))


def _candidates(configured: Path | None) -> list[Path]:
    if configured is not None:
        return [configured]
    found: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        found.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        found.append(Path(on_path).resolve().parent.parent)
    if _JVM_ROOT.is_dir():
        found.extend(sorted(p for p in _JVM_ROOT.iterdir() if p.is_dir() and not p.is_symlink()))
    return found


def find_java(configured: Path | None = None) -> JavaRuntime:
    """The first Java 17+ found: the configured home, JAVA_HOME, `java` on PATH, /usr/lib/jvm.

    Raises ServiceError naming what was looked at when none fits.
    """
    looked: list[str] = []
    for home in _candidates(configured):
        runtime = _read_release(home)
        looked.append(f"{home} ({runtime.version if runtime else 'no JDK release file'})")
        if runtime is not None and runtime.major >= MINIMUM_JAVA:
            return runtime
    raise ServiceError(
        f"no Java {MINIMUM_JAVA}+ runtime found; looked at: {', '.join(looked) or 'nothing'}. "
        "Install one (apt-get install openjdk-17-jre-headless) or set "
        "HOUSERULES_SERVICES_JAVA_HOME."
    )
