"""A single-node Apache Kafka broker in KRaft mode (broker and controller in one JVM).

Configured for one machine and for tests: loopback listeners only, replication factor 1
everywhere, no initial rebalance delay. Its data survives restarts: storage is formatted
only the first time a run directory is used.
"""

from __future__ import annotations

import base64
import os
import socket
import struct
import subprocess
import uuid
from pathlib import Path

from houserules.services.errors import ServiceError
from houserules.services.file_lock import exclusive
from houserules.services.java_runtime import find_java
from houserules.services.maven_central import Progress, kafka_libraries
from houserules.services.ports import ensure_free
from houserules.services.server_process import ServerProcess, wait_until_healthy
from houserules.services.settings import ServicesSettings

_METADATA_API_KEY = 3
_LOG4J = """\
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
"""


def _quiet(_: str) -> None:
    return None


def _random_cluster_id() -> str:
    """A new KRaft cluster id: a random UUID in URL-safe base64, as Kafka's own
    `random-uuid` makes. About one in 64 of those starts with '-', which the storage tool
    reads as an option and refuses; Kafka draws again in that case, and so do we."""
    while True:
        found = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode("ascii")
        if not found.startswith("-"):
            return found


def probe_metadata(host: str, port: int, timeout_s: float = 3.0) -> int:
    """Send a Metadata (v1) request and return how many brokers the answer lists.

    Raises OSError when the broker does not answer; a broker that answers with no
    brokers is still registering with its controller.
    """
    client_id = b"houserules-services"
    header = struct.pack(">hhih", _METADATA_API_KEY, 1, 1, len(client_id)) + client_id
    body = struct.pack(">i", -1)  # v1: a null topic array asks about no topics
    request = header + body
    with socket.create_connection((host, port), timeout=timeout_s) as conn:
        conn.sendall(struct.pack(">i", len(request)) + request)
        size = struct.unpack(">i", _read_exactly(conn, 4))[0]
        answer = _read_exactly(conn, size)
    _correlation, brokers = struct.unpack(">ii", answer[:8])
    return int(brokers)


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = conn.recv(remaining)
        if not chunk:
            raise ConnectionError("broker closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class KafkaBroker:
    """Fetch, configure, start, check and stop the local Kafka broker."""

    name = "kafka"

    def __init__(self, settings: ServicesSettings, progress: Progress = _quiet) -> None:
        self.settings = settings
        self.progress = progress
        self.directory = settings.run_dir / "kafka"
        self.properties = self.directory / "server.properties"
        self.log = self.directory / "kafka.log"
        self.process = ServerProcess(self.directory, marker=str(self.properties))

    @property
    def port(self) -> int:
        state = self.process.state()
        return state.ports["kafka"] if state else self.settings.kafka_port

    @property
    def bootstrap_servers(self) -> str:
        """`host:port` for Kafka clients (kafka-python, Faust's `kafka://` URL)."""
        return f"127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return self.bootstrap_servers

    def describe_health(self) -> str:
        """`ok`, or why the broker is not answering (for `status`)."""
        return self.health() or "ok"

    def _server_properties(self) -> str:
        s = self.settings
        lines = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{s.kafka_controller_port}",
            "listeners": (
                f"PLAINTEXT://127.0.0.1:{s.kafka_port},"
                f"CONTROLLER://127.0.0.1:{s.kafka_controller_port}"
            ),
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{s.kafka_port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.directory / "data"),
            "num.partitions": "1",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "10",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "4",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": str(s.kafka_auto_create_topics).lower(),
            "delete.topic.enable": "true",
            "num.network.threads": "2",
            "num.io.threads": "4",
        }
        return "".join(f"{key}={value}\n" for key, value in lines.items())

    def _java_command(self, lib_dir: Path, main_class: str, heap: str) -> list[str]:
        java = find_java(self.settings.java_home)
        return [
            str(java.java),
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{self.directory / 'log4j.properties'}",
            f"-Dkafka.logs.dir={self.directory / 'logs'}",
            "-cp",
            f"{lib_dir}/*",
            main_class,
        ]

    def _format_storage(self, lib_dir: Path) -> None:
        data = self.directory / "data"
        if (data / "meta.properties").is_file():
            return
        self.progress("kafka: formatting storage (KRaft)")
        command = [
            *self._java_command(lib_dir, "kafka.tools.StorageTool", "256m"),
            "format",
            "-t",
            _random_cluster_id(),
            "-c",
            str(self.properties),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            output = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
            raise ServiceError(
                f"kafka: formatting storage failed (exit {result.returncode})", output
            )

    def start(self) -> None:
        """Start the broker unless it is already running; return without waiting.

        Idempotent. Raises ServiceError when a port is taken or the jars cannot be had.
        """
        with exclusive(self.directory / ".start.lock"):
            if self.process.running_pid() is None:
                self._start()

    def _start(self) -> None:
        s = self.settings
        ensure_free(s.kafka_port, "kafka")
        ensure_free(s.kafka_controller_port, "kafka controller")
        lib_dir = kafka_libraries(
            s.cache_dir, s.maven_repository, s.kafka_scala_version, s.kafka_version, self.progress
        )
        for sub in ("data", "logs"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        self.properties.write_text(self._server_properties(), encoding="utf-8")
        (self.directory / "log4j.properties").write_text(_LOG4J, encoding="utf-8")
        self._format_storage(lib_dir)
        self.progress(f"kafka: starting broker on 127.0.0.1:{s.kafka_port}")
        self.process.spawn(
            [*self._java_command(lib_dir, "kafka.Kafka", s.kafka_heap), str(self.properties)],
            env=os.environ,
            cwd=self.directory,
            log=self.log,
            ports={"kafka": s.kafka_port, "controller": s.kafka_controller_port},
            version=s.kafka_version,
        )

    def health(self) -> str | None:
        """None when the broker answers a metadata request listing itself, else the reason."""
        try:
            brokers = probe_metadata("127.0.0.1", self.port)
        except (OSError, struct.error) as error:
            return f"no answer to a metadata request on 127.0.0.1:{self.port}: {error}"
        return None if brokers > 0 else "broker answered but has not registered yet"

    def wait_healthy(self, timeout_s: float | None = None) -> None:
        """Block until healthy; on timeout or exit, raise ServiceError with the log tail."""
        wait_until_healthy(
            self.name,
            self.process,
            self.health,
            self.log,
            timeout_s or self.settings.start_timeout_s,
        )

    def stop(self) -> bool:
        """Stop the broker (idempotent). True if one was running."""
        stopped = self.process.stop(self.settings.stop_timeout_s)
        if stopped:
            self.progress("kafka: stopped")
        return stopped
