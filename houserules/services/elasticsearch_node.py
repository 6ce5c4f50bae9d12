"""A single-node Elasticsearch from the integ-test-zip distribution, on loopback.

Security is off and disk watermarks are disabled: this node is for one machine and the
test suite, never for data that must be protected. Its data directory survives a stop,
so a restarted node comes back with its indices.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from houserules.services.errors import ServiceError
from houserules.services.file_lock import exclusive
from houserules.services.java_runtime import find_java
from houserules.services.maven_central import Progress, elasticsearch_zip
from houserules.services.ports import ensure_free
from houserules.services.server_process import ServerProcess, wait_until_healthy
from houserules.services.service_account import service_account
from houserules.services.settings import ServicesSettings


def _quiet(_: str) -> None:
    return None


def _extract(archive: Path, target: Path) -> None:
    """Unpack the distribution into `target`, keeping execute bits, readable by everyone.

    Unpacks beside the target and renames, so a half-unpacked home is never used.
    """
    staging = target.with_name(target.name + ".unpacking")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            parts = Path(info.filename).parts[1:]  # drop the top "elasticsearch-<v>/" folder
            if not parts or ".." in parts:
                continue
            destination = staging.joinpath(*parts)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                destination.chmod(0o755)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(info) as source, destination.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            mode = (info.external_attr >> 16) & 0o777
            destination.chmod(0o755 if mode & 0o111 else 0o644)
    for directory, _dirs, _files in os.walk(staging):
        Path(directory).chmod(0o755)
    if target.exists():
        shutil.rmtree(target)
    staging.replace(target)


class ElasticsearchNode:
    """Fetch, configure, start, check and stop the local Elasticsearch node."""

    name = "elasticsearch"

    def __init__(self, settings: ServicesSettings, progress: Progress = _quiet) -> None:
        self.settings = settings
        self.progress = progress
        self.directory = settings.run_dir / "elasticsearch"
        self.home = self.directory / f"home-{settings.elasticsearch_version}"
        self.config = self.directory / "config"
        self.log = self.directory / "console.log"
        self.process = ServerProcess(self.directory, marker=str(self.directory))

    @property
    def port(self) -> int:
        state = self.process.state()
        return state.ports["http"] if state else self.settings.elasticsearch_port

    @property
    def url(self) -> str:
        """The HTTP address for the elasticsearch client."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return self.url

    def describe_health(self) -> str:
        """The cluster's colour, or why it is not answering (for `status`)."""
        try:
            return self.cluster_health()
        except (OSError, ValueError) as error:
            return f"not answering: {error}"

    def _install(self) -> None:
        s = self.settings
        if (self.home / "lib").is_dir() and (self.home / "modules").is_dir():
            return
        archive = elasticsearch_zip(
            s.cache_dir, s.maven_repository, s.elasticsearch_version, self.progress
        )
        self.progress(f"elasticsearch: unpacking {archive.name} into {self.home}")
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            _extract(archive, self.home)
        except (zipfile.BadZipFile, OSError) as error:
            raise ServiceError(f"elasticsearch: could not unpack {archive}: {error}") from error

    def _settings_file(self) -> str:
        s = self.settings
        values: dict[str, object] = {
            "cluster.name": "houserules-local",
            "node.name": "local-1",
            "discovery.type": "single-node",
            "network.host": "127.0.0.1",
            "http.port": s.elasticsearch_port,
            "transport.port": s.elasticsearch_transport_port,
            "path.data": str(self.directory / "data"),
            "path.logs": str(self.directory / "logs"),
            "xpack.security.enabled": False,
            "cluster.routing.allocation.disk.threshold_enabled": False,
            "action.destructive_requires_name": False,
        }
        return "".join(f"{key}: {json.dumps(value)}\n" for key, value in values.items())

    def _configure(self) -> None:
        logs = self.directory / "logs"
        for sub in (self.config, self.directory / "data", logs, self.directory / "tmp"):
            sub.mkdir(parents=True, exist_ok=True)
        for item in (self.home / "config").iterdir():
            target = self.config / item.name
            if item.is_dir():
                shutil.copytree(item, target, dirs_exist_ok=True)
            elif not target.exists() or item.name in ("jvm.options", "log4j2.properties"):
                shutil.copy2(item, target)
        (self.config / "elasticsearch.yml").write_text(self._settings_file(), encoding="utf-8")
        options = self.config / "jvm.options.d"
        options.mkdir(exist_ok=True)
        (options / "houserules.options").write_text(
            f"-XX:ErrorFile={logs}/hs_err_pid%p.log\n-XX:HeapDumpPath={logs}\n",
            encoding="utf-8",
        )

    def start(self) -> None:
        """Start the node unless it is already running; return without waiting.

        Idempotent. Raises ServiceError when a port is taken, the distribution cannot be
        had, or the unprivileged account cannot reach the run directory.
        """
        with exclusive(self.directory / ".start.lock"):
            if self.process.running_pid() is None:
                self._start()

    def _start(self) -> None:
        s = self.settings
        ensure_free(s.elasticsearch_port, "elasticsearch")
        ensure_free(s.elasticsearch_transport_port, "elasticsearch transport")
        self._install()
        self._configure()
        account = service_account(s.elasticsearch_user)
        for sub in ("config", "data", "logs", "tmp"):
            account.give(self.directory / sub)
        problem = account.can_use(self.home / "lib", self.directory / "data")
        if problem:
            raise ServiceError(f"elasticsearch: {problem}")
        java = find_java(s.java_home)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ES_", "JAVA_"))}
        env.update(
            ES_JAVA_HOME=str(java.home),
            ES_PATH_CONF=str(self.config),
            ES_TMPDIR=str(self.directory / "tmp"),
            ES_JAVA_OPTS=f"-Xms{s.elasticsearch_heap} -Xmx{s.elasticsearch_heap}",
            HOME=str(self.directory / "tmp"),
        )
        self.progress(f"elasticsearch: starting node on 127.0.0.1:{s.elasticsearch_port}")
        # The launcher looks for modules/apm relative to its working directory and calls
        # the install corrupt if it is missing there, so it must start in the home.
        self.process.spawn(
            [*account.command_prefix(), str(self.home / "bin" / "elasticsearch")],
            env=env,
            cwd=self.home,
            log=self.log,
            ports={"http": s.elasticsearch_port, "transport": s.elasticsearch_transport_port},
            version=s.elasticsearch_version,
        )

    def cluster_health(self, timeout_s: float = 3.0) -> str:
        """The cluster's health colour; raises OSError/ValueError when it does not answer."""
        url = f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=1s"
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = json.loads(error.read() or b"{}")
        return str(body.get("status", "unknown"))

    def health(self) -> str | None:
        """None when the cluster is yellow or green, else the reason."""
        try:
            status = self.cluster_health()
        except (OSError, ValueError) as error:
            return f"no answer from {self.url}/_cluster/health: {error}"
        return None if status in ("yellow", "green") else f"cluster health is {status}"

    def wait_healthy(self, timeout_s: float | None = None) -> None:
        """Block until yellow or green; on timeout or exit, raise ServiceError with the log."""
        limit = timeout_s or self.settings.start_timeout_s
        wait_until_healthy(self.name, self.process, self.health, self.log, limit)

    def restart(self, down_for_s: float = 0.0, timeout_s: float | None = None) -> None:
        """Stop the node, stay down `down_for_s` seconds, start it and wait until healthy.

        For tests of an outage mid-stream: indices written before the stop are there after.
        """
        self.stop()
        time.sleep(down_for_s)
        self.start()
        self.wait_healthy(timeout_s)

    def stop(self) -> bool:
        """Stop the node (idempotent), keeping its data. True if one was running."""
        stopped = self.process.stop(self.settings.stop_timeout_s)
        if stopped:
            self.progress("elasticsearch: stopped")
        return stopped
