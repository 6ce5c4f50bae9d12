"""Starting and stopping worker processes on this machine (the bench and the tests).

Each process runs Faust's own command line, `faust -A houserules.worker:app worker`, with its
settings passed as HOUSERULES_* environment variables, so the documented entry point is
the one exercised.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

from houserules.settings import Settings


def worker_environment(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment variables that rebuild `settings` in a worker (secrets excluded: they
    come from the parent's own environment or config file)."""
    env = dict(os.environ if base is None else base)
    k, es = settings.kafka, settings.elasticsearch
    env.update(
        {
            "HOUSERULES_DATA_DIR": str(settings.data_dir),
            "HOUSERULES_STORE": settings.store,
            "HOUSERULES_MODEL": settings.model,
            "HOUSERULES_KAFKA__BOOTSTRAP_SERVERS": k.bootstrap_servers,
            "HOUSERULES_KAFKA__TOPIC_PREFIX": k.topic_prefix,
            "HOUSERULES_KAFKA__PARTITIONS": str(k.partitions),
            "HOUSERULES_KAFKA__REPLICATION_FACTOR": str(k.replication_factor),
            "HOUSERULES_ELASTICSEARCH__URL": es.url,
            "HOUSERULES_ELASTICSEARCH__INDEX_PREFIX": es.index_prefix,
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        }
    )
    for name, value in (
        ("HOUSERULES_RULES_FILE", settings.rules_file),
        ("HOUSERULES_REGISTERS_DIR", settings.registers_dir),
        ("HOUSERULES_MODEL_DIR", settings.model_dir),
        ("HOUSERULES_MODELS_DIR", settings.models_dir),
    ):
        if value is not None:
            env[name] = str(value)
    return env


class WorkerProcess:
    """One `faust -A houserules.worker:app worker` process, its output in `log`."""

    def __init__(self, settings: Settings, log: Path, loglevel: str = "warn") -> None:
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._out: IO[bytes] = log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "faust",
                "-A",
                "houserules.worker:app",
                "worker",
                "-l",
                loglevel,
                "--without-web",
            ],
            env=worker_environment(settings),
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent.parent,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no goodbye, no commit; what it held is read again by the others."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout_s: float = 30.0) -> int:
        """SIGTERM and wait (SIGKILL after `timeout_s`); returns the exit status."""
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
        return self.process.returncode

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
