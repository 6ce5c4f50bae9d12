"""Saying loudly that a connector has stopped because of its credentials.

A connector whose token expired, was revoked or could not be renewed, or that lacks a
permission, stops reading (`ConnectorPaused`) until a person acts. Going quiet would be
the worst outcome: comments would pile up unread on the platform, abuse included, while
every screen looked calm. So when a connector pauses, `ConnectorHealth`:

- logs an error naming the connector and what to do (once per pause, not per poll);
- appends an audit event (`connector_paused`, comment key `connector:<platform>`),
  and `connector_resumed` when it works again;
- writes the connector's status to `connectors/<platform>.json` in the data folder,
  which the review app reads to show a banner on every page until it is fixed.

Each connector writes only its own file (replaced atomically), so connectors running in
separate processes never overwrite each other's status. No credential is ever written:
the reason is `ConnectorPaused`'s message, built without secrets.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.failures import ConnectorPaused
from moderation.review import AuditEvent

log = logging.getLogger(__name__)

SYSTEM = "houserules"
AuditWriter = Callable[[AuditEvent], None]


@dataclass(frozen=True)
class ConnectorStatus:
    platform: str
    connector: str  # e.g. `x:9000`, the platform and the council's account
    state: str  # "ok" or "paused"
    reason: str
    since: datetime

    @property
    def paused(self) -> bool:
        return self.state == "paused"


def status_dir(data_dir: Path) -> Path:
    return data_dir / "connectors"


def read_statuses(folder: Path) -> list[ConnectorStatus]:
    """Every connector's last known status, by platform; unreadable files are skipped."""
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(
                ConnectorStatus(
                    platform=str(data["platform"]),
                    connector=str(data["connector"]),
                    state=str(data["state"]),
                    reason=str(data["reason"]),
                    since=datetime.fromisoformat(str(data["since"])),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("connector status %s cannot be read; ignoring it", path.name)
    return found


class ConnectorHealth:
    """Reports a connector's pauses and recoveries (see the module's docstring)."""

    def __init__(
        self,
        folder: Path | None,
        audit: AuditWriter | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._folder = folder
        self._audit = audit
        self._clock = clock
        self._last: dict[str, ConnectorStatus] = {}

    def paused(self, connector: str, exc: ConnectorPaused) -> None:
        """The connector stopped: say so, unless it already said so for the same reason."""
        before = self._known(connector, exc.platform)
        reason = str(exc)
        if before is not None and before.paused and before.reason == reason:
            return
        log.error("%s: %s", connector, reason)
        self._record(ConnectorStatus(exc.platform, connector, "paused", reason, self._clock()))
        self._write_audit("connector_paused", exc.platform, reason)

    def working(self, connector: str, platform: str) -> None:
        """The connector read from the platform again: clear a pause, if there was one."""
        before = self._known(connector, platform)
        if before is not None and not before.paused:
            return
        self._record(ConnectorStatus(platform, connector, "ok", "", self._clock()))
        if before is not None:
            log.warning("%s: working again", connector)
            self._write_audit("connector_resumed", platform, "reading comments again")

    def _known(self, connector: str, platform: str) -> ConnectorStatus | None:
        if connector in self._last:
            return self._last[connector]
        if self._folder is None:
            return None
        for status in read_statuses(self._folder):
            if status.platform == platform and status.connector == connector:
                self._last[connector] = status
                return status
        return None

    def _record(self, status: ConnectorStatus) -> None:
        self._last[status.connector] = status
        if self._folder is None:
            return
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            path = self._folder / f"{status.platform}.json"
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            data = {**asdict(status), "since": status.since.isoformat()}
            temporary.write_text(json.dumps(data), encoding="utf-8")
            os.replace(temporary, path)
        except OSError as exc:
            log.error("the status of %s could not be written: %s", status.connector, exc)

    def _write_audit(self, event: str, platform: str, detail: str) -> None:
        if self._audit is None:
            return
        try:
            self._audit(AuditEvent(self._clock(), SYSTEM, event, f"connector:{platform}", detail))
        except Exception as exc:  # the log line and the status file still say it
            log.error("the audit event %s could not be written: %s", event, exc)


@contextlib.contextmanager
def reported(health: ConnectorHealth, connector: str, platform: str) -> Iterator[None]:
    """Reports the outcome of one poll: a pause (then re-raised) or a success."""
    try:
        yield
    except ConnectorPaused as exc:
        health.paused(connector, exc)
        raise
    health.working(connector, platform)
