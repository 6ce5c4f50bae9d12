"""Running a connector: one poll, or polls forever at an interval.

A poll that fails transiently (outage, rate limit) leaves the cursor where it was; the
loop waits (at least as long as the platform asked) and polls again, so nothing is lost
and nothing crashes. A paused connector (expired token, missing permission) is reported
once per occurrence with its reason (in the log, and through `ConnectorHealth` in the
audit log and the status the review app shows) and re-checked only every `paused_recheck_seconds`,
so it never hammers the platform or crash-loops. Any other exception is a bug and
propagates.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ingest.connector_health import ConnectorHealth
from ingest.connector_settings import PollingSettings
from ingest.failures import ConnectorPaused, PlatformError, PlatformUnavailable

log = logging.getLogger(__name__)


class Connector(Protocol):
    name: str

    def poll_once(self) -> int:
        """Read what is new, hand it to the sink, advance the cursor; returns the count."""
        ...


@dataclass
class PollReport:
    """What the loop has done so far; the CLI shows it, tests read it."""

    polls: int = 0
    delivered: int = 0
    failures: list[str] = field(default_factory=list)
    paused: ConnectorPaused | None = None


def poll_once(connector: Connector) -> int:
    """One poll. Raises `ConnectorPaused` or `PlatformUnavailable` for the caller to report."""
    delivered = connector.poll_once()
    log.info("%s: delivered %d comment(s)", connector.name, delivered)
    return delivered


def run_forever(
    connector: Connector,
    polling: PollingSettings,
    *,
    stop: threading.Event | None = None,
    sleep: Callable[[float], None] | None = None,
    report: PollReport | None = None,
    health: ConnectorHealth | None = None,
) -> PollReport:
    """Poll until `stop` is set. Returns the report when stopped. `health` is told of
    every pause and recovery (log, audit, the status the review app shows)."""
    stop = stop or threading.Event()
    report = report or PollReport()

    def wait(seconds: float) -> None:
        if sleep is not None:
            sleep(seconds)
        else:
            stop.wait(seconds)

    while not stop.is_set():
        started = time.monotonic()
        delay = polling.interval_seconds
        try:
            report.delivered += poll_once(connector)
            report.paused = None
            if health is not None:
                health.working(connector.name, connector.name.split(":", 1)[0])
        except ConnectorPaused as exc:
            if health is not None:
                health.paused(connector.name, exc)
            elif report.paused is None or report.paused.reason != exc.reason:
                log.error("%s", exc)
            report.paused = exc
            report.failures.append(str(exc))
            delay = polling.paused_recheck_seconds
        except PlatformUnavailable as exc:
            log.warning("%s: poll failed, will try again: %s", connector.name, exc)
            report.failures.append(str(exc))
            delay = max(delay, exc.retry_after)
        except PlatformError as exc:
            log.error("%s: poll failed: %s", connector.name, exc)
            report.failures.append(str(exc))
        report.polls += 1
        elapsed = time.monotonic() - started
        wait(max(0.0, delay - elapsed) if report.paused is None else delay)
    return report
