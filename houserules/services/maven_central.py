"""Fetching the servers from Maven Central into the download cache.

Every download lands in a temporary name and is renamed into place only once complete
and verified, so an interrupted fetch leaves nothing that looks finished and the next
run starts it again. Once cached, nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from houserules.services.errors import ServiceError
from houserules.services.file_lock import exclusive

Progress = Callable[[str], None]

_CHUNK = 1 << 20
_SLF4J_VERSION = "1.7.36"
_RELOAD4J_VERSION = "1.2.25"
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"


def _quiet(_: str) -> None:
    return None


def _read_url(url: str, timeout: float = 60.0) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data: bytes = response.read()
            return data
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ServiceError(f"could not download {url}: {error}") from error


def download_verified(url: str, target: Path, progress: Progress = _quiet) -> Path:
    """Download `url` to `target` once, verified against Maven Central's .sha1 file.

    Idempotent: an existing `target` is returned untouched without any network access.
    Concurrent callers wait for each other (a lock file beside the target).
    """
    if target.is_file():
        return target
    with exclusive(target.with_name(target.name + ".lock")):
        if target.is_file():
            return target
        return _download(url, target, progress)


def _download(url: str, target: Path, progress: Progress) -> Path:
    expected = _read_url(url + ".sha1").decode("ascii", "replace").split()[0].strip().lower()
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha1(usedforsecurity=False)
    progress(f"downloading {url}")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            next_report = 0.25
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if total and done / total >= next_report:
                    progress(f"  {done >> 20} of {total >> 20} MiB")
                    next_report += 0.25
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        partial.unlink(missing_ok=True)
        raise ServiceError(f"could not download {url}: {error}") from error
    if digest.hexdigest() != expected:
        partial.unlink(missing_ok=True)
        raise ServiceError(
            f"download of {url} is corrupt: sha1 {digest.hexdigest()}, expected {expected}"
        )
    partial.replace(target)
    return target


def elasticsearch_zip(
    cache_dir: Path, repository: str, version: str, progress: Progress = _quiet
) -> Path:
    """The Elasticsearch integ-test-zip distribution for `version`, cached."""
    name = f"elasticsearch-{version}.zip"
    url = (
        f"{repository}/org/elasticsearch/distribution/integ-test-zip/elasticsearch/{version}/{name}"
    )
    return download_verified(url, cache_dir / "elasticsearch" / name, progress)


def _kafka_pom(repository: str, scala: str, version: str) -> str:
    dependencies = [
        ("org.apache.kafka", f"kafka_{scala}", version),
        ("org.slf4j", "slf4j-reload4j", _SLF4J_VERSION),
        ("ch.qos.reload4j", "reload4j", _RELOAD4J_VERSION),
    ]
    body = "".join(
        f"<dependency><groupId>{escape(g)}</groupId><artifactId>{escape(a)}</artifactId>"
        f"<version>{escape(v)}</version></dependency>"
        for g, a, v in dependencies
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0">'
        "<modelVersion>4.0.0</modelVersion>"
        "<groupId>houserules.local</groupId><artifactId>kafka-broker</artifactId>"
        "<version>1</version><packaging>pom</packaging>"
        f"<repositories><repository><id>central</id><url>{escape(repository)}</url>"
        "</repository></repositories>"
        f"<dependencies>{body}</dependencies></project>"
    )


def kafka_libraries(
    cache_dir: Path, repository: str, scala: str, version: str, progress: Progress = _quiet
) -> Path:
    """A directory holding Kafka's broker jar, its runtime dependencies and a log binding.

    Resolved once with Maven (`dependency:copy-dependencies`, its local repository kept
    in the cache); afterwards the directory is returned without running Maven.
    """
    lib_dir = cache_dir / "kafka" / f"kafka_{scala}-{version}" / "lib"
    if (lib_dir / ".complete").is_file():
        return lib_dir
    with exclusive(lib_dir.parent / ".lock"):
        if not (lib_dir / ".complete").is_file():
            _resolve_kafka(lib_dir, cache_dir, repository, scala, version, progress)
    return lib_dir


def _resolve_kafka(
    lib_dir: Path, cache_dir: Path, repository: str, scala: str, version: str, progress: Progress
) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ServiceError(
            "Maven (mvn) is needed once to resolve Kafka's jars from Maven Central; "
            "install it (apt-get install maven) and run again"
        )
    progress(f"resolving org.apache.kafka:kafka_{scala}:{version} and its dependencies (Maven)")
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=lib_dir.parent, prefix=".resolve-") as work:
        work_dir = Path(work)
        (work_dir / "pom.xml").write_text(_kafka_pom(repository, scala, version), encoding="utf-8")
        staged = work_dir / "lib"
        command = [
            mvn,
            "-B",
            "-q",
            f"-Dmaven.repo.local={cache_dir / 'maven-repository'}",
            f"{_DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staged}",
        ]
        result = subprocess.run(command, cwd=work_dir, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not any(staged.glob(f"kafka_{scala}-*.jar")):
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
            raise ServiceError(
                f"Maven could not resolve Kafka {version} (exit {result.returncode})", tail
            )
        (staged / ".complete").write_text(version, encoding="utf-8")
        if lib_dir.exists():
            shutil.rmtree(lib_dir)
        staged.replace(lib_dir)
    jars = len(list(lib_dir.glob("*.jar")))
    progress(f"  {jars} jars in {lib_dir}")
