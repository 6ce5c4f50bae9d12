"""Riding out a store outage: retry with backoff, for as long as it takes.

A worker that cannot write to the store must neither drop the batch nor acknowledge it,
so the write is retried inside the batch's processing: consumption pauses, the offsets
stay uncommitted, and the batch completes when the store is back. Only failures that a
later attempt can fix are retried (connection refused, timeouts, SQLite "busy", and for
Elasticsearch its own rule, `store.es_retry.is_transient`); anything else is raised to
the caller, which dead-letters what it cannot process.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

import tenacity

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 15.0


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
        return flagged  # a platform or decision error says for itself
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "locked" in text or "busy" in text
    if type(exc).__module__.startswith(("elasticsearch", "elastic_transport")):
        # Imported here: the client is loaded already if it raised, and not otherwise.
        from store.es_retry import is_transient as elasticsearch_is_transient

        return elasticsearch_is_transient(exc)
    return isinstance(exc, OSError)  # connection refused, reset, timed out


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

    def log_retry(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s failed (%s: %s); attempt %d, retrying in %.1f s",
            what,
            exc.__class__.__name__,
            str(exc)[:200],
            state.attempt_number,
            state.upcoming_sleep,
        )

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient),
        wait=tenacity.wait_exponential(multiplier=FIRST_BACKOFF_S, max=MAX_BACKOFF_S),
        before_sleep=log_retry,
        sleep=sleep,
        reraise=True,
    )
    return retrying(call)
