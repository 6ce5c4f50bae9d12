"""Retrying Elasticsearch calls: transient failures wait and retry, everything else raises.

Transient means the cluster could not answer now: no connection, a timeout, 408, 429 (too
many requests) or a 5xx. These are retried with exponential backoff; when the budget runs out
the call raises `ElasticsearchUnavailable`, so a caller (the worker) can pause and try the
same batch again later instead of losing it. Any other 4xx is a bug or bad data and
raises at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class ElasticsearchUnavailable(ConnectionError):
    """Elasticsearch did not accept a write or answer a read within the retry budget.

    Nothing was silently dropped: the caller still holds the data and may retry later.
    """


class TransientFailure(Exception):
    """Raised inside a retried block when some items of a bulk request must be sent again."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to keep trying: `attempts` calls, waiting first_wait_s, doubling, capped."""

    attempts: int = 8
    first_wait_s: float = 0.5
    max_wait_s: float = 8.0


def is_transient(error: BaseException) -> bool:
    """The Elasticsearch boundary's one rule for retrying, used by the store's own retries
    and by the worker's (`stream.outages`)."""
    if isinstance(error, TransientFailure | TransportConnectionError | ConnectionTimeout):
        return True
    return isinstance(error, ApiError) and error.meta.status in RETRYABLE_STATUS


def without_credentials(url: str) -> str:
    """The URL with any user:password removed, safe for messages and logs."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def call_with_retry(backoff: Backoff, where: str, what: str, fn: Callable[[], T]) -> T:
    """Run `fn`, retrying transient failures; `fn` must be safe to repeat (idempotent)."""
    retrying = Retrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(backoff.attempts),
        wait=wait_exponential(multiplier=backoff.first_wait_s, max=backoff.max_wait_s),
        reraise=False,
    )
    try:
        return retrying(fn)
    except RetryError as gave_up:
        last = gave_up.last_attempt.exception()
        raise ElasticsearchUnavailable(
            f"Elasticsearch at {where} could not {what} after {backoff.attempts} attempts: "
            f"{_describe(last)}"
        ) from last


def _describe(error: BaseException | None) -> str:
    if isinstance(error, ApiError):
        return f"HTTP {error.meta.status}: {error.message}"
    return f"{type(error).__name__}: {error}"
