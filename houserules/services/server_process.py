"""A server process started in the background, found again later through its state file.

The state file (`state.json` in the server's directory) records the pid, ports and log
of a running server, so `houserules services down` in another shell can stop what `up`
started. A pid is trusted only while /proc shows the same program there (its command
line contains the server's marker), so a stale file never makes us signal a stranger.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from houserules.services.errors import ServiceError

LOG_TAIL_LINES = 40


@dataclass(frozen=True)
class ServerState:
    """What a running server left behind for whoever stops or checks it."""

    pid: int
    ports: Mapping[str, int]
    started_at: datetime
    log: Path
    version: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "pid": self.pid,
                "ports": dict(self.ports),
                "started_at": self.started_at.isoformat(),
                "log": str(self.log),
                "version": self.version,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> ServerState:
        data = json.loads(text)
        started = datetime.fromisoformat(data["started_at"])
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        return cls(
            pid=int(data["pid"]),
            ports={str(k): int(v) for k, v in data["ports"].items()},
            started_at=started,
            log=Path(data["log"]),
            version=str(data["version"]),
        )


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last `lines` lines of a log file, or an empty string if there is none yet."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace")


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is `pgid`."""
    members: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        after_name = fields.rsplit(")", 1)[-1].split()
        if len(after_name) > 2 and after_name[0] != "Z" and after_name[2] == str(pgid):
            members.append(int(entry.name))
    return members


class ServerProcess:
    """One background server: spawn it, tell whether it runs, stop it.

    `marker` is a string the server's command line is known to contain (its main class
    or a path inside its own run directory).
    """

    def __init__(self, directory: Path, marker: str) -> None:
        self.directory = directory
        self.marker = marker
        self.state_file = directory / "state.json"
        self._child: subprocess.Popen[bytes] | None = None

    def state(self) -> ServerState | None:
        """The recorded state, or None when no state file exists or it cannot be read."""
        try:
            return ServerState.from_json(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _pid_is_ours(self, pid: int) -> bool:
        if self._child is not None and self._child.pid == pid:
            return self._child.poll() is None
        return self.marker in _cmdline(pid) and not _is_zombie(pid)

    def running_pid(self) -> int | None:
        """The pid of the recorded server if it is alive, else None."""
        state = self.state()
        if state is None or not self._pid_is_ours(state.pid):
            return None
        return state.pid

    def exit_code(self) -> int | None:
        """The exit code of a server this object spawned and that has ended, else None."""
        return None if self._child is None else self._child.poll()

    def spawn(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        log: Path,
        ports: Mapping[str, int],
        version: str,
    ) -> int:
        """Start `command` in its own session, output appended to `log`, and record it.

        The server outlives this Python process (so `services up` can return); it is
        stopped with `stop`, which signals its whole process group.
        """
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            output.write(f"\n=== started {datetime.now(UTC).isoformat()} ===\n".encode())
            output.flush()
            try:
                self._child = subprocess.Popen(
                    list(command),
                    cwd=cwd,
                    env=dict(env),
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            except OSError as error:
                raise ServiceError(f"could not run {command[0]}: {error}") from error
        state = ServerState(
            pid=self._child.pid,
            ports=dict(ports),
            started_at=datetime.now(UTC),
            log=log,
            version=version,
        )
        self.state_file.write_text(state.to_json(), encoding="utf-8")
        return self._child.pid

    def _alive(self, pid: int) -> bool:
        """Whether the server's process group still has a live member (leader or child)."""
        if self._child is not None and self._child.pid == pid:
            self._child.poll()
        return bool(_group_members(pid))

    def _signal_group(self, pid: int, signum: int) -> None:
        try:
            os.killpg(pid, signum)
        except ProcessLookupError:
            pass
        except PermissionError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def stop(self, timeout_s: float) -> bool:
        """Stop the server: SIGTERM to its process group, then SIGKILL after `timeout_s`.

        Waits until every process of the group is gone (the Elasticsearch server outlives
        its launcher by a moment), so the ports and data directory are free on return.

        Idempotent: stopping a stopped server only removes its state file. Returns True
        if a running server was stopped.
        """
        pid = self.running_pid()
        stopped = False
        if pid is not None:
            self._signal_group(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout_s
            while self._alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if self._alive(pid):
                self._signal_group(pid, signal.SIGKILL)
                while self._alive(pid):
                    time.sleep(0.1)
            stopped = True
        if self._child is not None:
            self._child.wait()
            self._child = None
        self.state_file.unlink(missing_ok=True)
        return stopped


def wait_until_healthy(
    name: str,
    process: ServerProcess,
    health: Callable[[], str | None],
    log: Path,
    timeout_s: float,
) -> None:
    """Poll `health` until it reports no problem; fail early if the server exits."""
    deadline = time.monotonic() + timeout_s
    reason = "not checked yet"
    while True:
        if process.running_pid() is None:
            code = process.exit_code()
            ended = f" (exit code {code})" if code is not None else ""
            raise ServiceError(
                f"{name}: the server exited during start-up{ended}", tail(log), str(log)
            )
        problem = health()
        if problem is None:
            return
        reason = problem
        if time.monotonic() >= deadline:
            raise ServiceError(
                f"{name}: not healthy after {timeout_s:.0f} s; last check: {reason}",
                tail(log),
                str(log),
            )
        time.sleep(0.5)
