"""Riding out a store outage: retry with backoff, for as long as it takes.

A worker that cannot write to the store must neither drop the batch nor acknowledge it,
so the write is retried inside the batch's processing: consumption pauses, the offsets
stay uncommitted, and the batch completes when the store is back. Only failures that a
later attempt can fix are retried (connection refused, timeouts, "busy", 429/5xx);
anything else is raised to the caller, which dead-letters what it cannot process.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 15.0
_RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


def is_transient(exc: BaseException) -> bool:
    """Whether trying the same call again later may succeed."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _transient_here(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _transient_here(exc: BaseException) -> bool:
    flagged = getattr(exc, "transient", None)
    if isinstance(flagged, bool):
        return flagged
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "locked" in text or "busy" in text
    module = type(exc).__module__
    if module.startswith("elastic_transport"):
        return True  # connection refused, reset, timed out: the node is away
    if module.startswith("elasticsearch"):
        status = getattr(exc, "status_code", None)
        if status is None:
            meta = getattr(exc, "meta", None)
            status = getattr(meta, "status", None)
        return status in _RETRYABLE_STATUS or type(exc).__name__ in (
            "ConnectionError",
            "ConnectionTimeout",
            "TransportError",
        )
    return isinstance(exc, OSError)


def keep_trying(
    call: Callable[[], T],
    what: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `call`, retrying transient failures with exponential backoff until it succeeds.

    Logs one line per failed attempt (the exception's class and message, which for the
    stores never carry credentials). Raises non-transient errors at once. A worker asked
    to stop during an outage waits for the store too (or is killed, losing nothing: the
    batch was not acknowledged and is read again).
    """
    backoff = FIRST_BACKOFF_S
    attempt = 1
    while True:
        try:
            return call()
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning(
                "%s failed (%s: %s); attempt %d, retrying in %.1f s",
                what,
                exc.__class__.__name__,
                str(exc)[:200],
                attempt,
                backoff,
            )
            sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)
            attempt += 1
