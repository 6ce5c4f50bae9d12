"""The pair of local servers the scale-out mode needs, started and stopped together.

Used by `houserules services up|down|status` and by the integration tests' fixtures, so
both exercise the same start-up path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from houserules.services.elasticsearch_node import ElasticsearchNode
from houserules.services.errors import ServiceError
from houserules.services.kafka_broker import KafkaBroker
from houserules.services.maven_central import Progress
from houserules.services.ports import free_port
from houserules.services.server_process import ServerProcess
from houserules.services.settings import ServicesSettings

SERVER_NAMES = ("kafka", "elasticsearch")


def _quiet(_: str) -> None:
    return None


class LocalServer(Protocol):
    name: str
    log: Path
    process: ServerProcess

    @property
    def port(self) -> int: ...

    @property
    def address(self) -> str: ...

    def describe_health(self) -> str: ...

    def start(self) -> None: ...

    def health(self) -> str | None: ...

    def wait_healthy(self, timeout_s: float | None = None) -> None: ...

    def stop(self) -> bool: ...


@dataclass(frozen=True)
class ServerStatus:
    """What `status` reports for one server."""

    name: str
    state: str  # running | stopped | exited (a state file is left but the process is gone)
    pid: int | None
    ports: dict[str, int]
    address: str
    health: str
    version: str | None
    log: str
    started_at: str | None = None

    @property
    def healthy(self) -> bool:
        return self.state == "running" and self.health in ("ok", "green", "yellow")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state,
            "healthy": self.healthy,
            "pid": self.pid,
            "ports": self.ports,
            "address": self.address,
            "health": self.health,
            "version": self.version,
            "log": self.log,
            "started_at": self.started_at,
        }


def settings_on_free_ports(run_dir: Path, **overrides: Any) -> ServicesSettings:
    """Settings for servers in `run_dir` on ports nothing uses now (for tests)."""
    ports: dict[str, Any] = {
        "kafka_port": free_port(),
        "kafka_controller_port": free_port(),
        "elasticsearch_port": free_port(),
        "elasticsearch_transport_port": free_port(),
    }
    return ServicesSettings(run_dir=run_dir, **{**ports, **overrides})


class LocalServices:
    """The local Kafka broker and Elasticsearch node of one run directory."""

    def __init__(self, settings: ServicesSettings, progress: Progress = _quiet) -> None:
        self.settings = settings
        self.kafka = KafkaBroker(settings, progress)
        self.elasticsearch = ElasticsearchNode(settings, progress)
        self.progress = progress

    def servers(self, names: tuple[str, ...] = SERVER_NAMES) -> list[LocalServer]:
        unknown = set(names) - set(SERVER_NAMES)
        if unknown:
            raise ServiceError(f"unknown server {sorted(unknown)}; choose from {SERVER_NAMES}")
        chosen: list[LocalServer] = []
        if "kafka" in names:
            chosen.append(self.kafka)
        if "elasticsearch" in names:
            chosen.append(self.elasticsearch)
        return chosen

    def up(self, names: tuple[str, ...] = SERVER_NAMES, timeout_s: float | None = None) -> None:
        """Start the named servers (all started before any is waited on) until healthy.

        Idempotent: a server already running is only checked. A server that fails to
        become healthy is stopped again and ServiceError carries its reason and log tail;
        the others are left as they are.
        """
        chosen = self.servers(names)
        for server in chosen:
            server.start()
        for server in chosen:
            try:
                server.wait_healthy(timeout_s)
            except ServiceError:
                server.stop()
                raise
            self.progress(f"{server.name}: healthy")

    def down(self, names: tuple[str, ...] = SERVER_NAMES) -> list[str]:
        """Stop the named servers (idempotent); return the names of those that were running."""
        return [server.name for server in self.servers(names) if server.stop()]

    def status(self, names: tuple[str, ...] = SERVER_NAMES) -> list[ServerStatus]:
        """One status per server, probing health once each (never starts anything)."""
        return [self._status(server) for server in self.servers(names)]

    def _status(self, server: LocalServer) -> ServerStatus:
        state = server.process.state()
        pid = server.process.running_pid()
        address = server.address
        if state is None:
            return ServerStatus(
                server.name, "stopped", None, {}, address, "-", None, str(server.log)
            )
        if pid is None:
            return ServerStatus(
                server.name,
                "exited",
                None,
                dict(state.ports),
                address,
                "-",
                state.version,
                str(state.log),
                state.started_at.isoformat(),
            )
        health = server.describe_health()
        return ServerStatus(
            server.name,
            "running",
            pid,
            dict(state.ports),
            address,
            health,
            state.version,
            str(state.log),
            state.started_at.isoformat(),
        )
