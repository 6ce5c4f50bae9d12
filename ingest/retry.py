"""Retrying transient platform failures with exponential backoff and full jitter.

A transient failure (`moderation.platform.is_transient`, e.g. `PlatformUnavailable`) is
retried up to `attempts` times; the wait is a random exponential delay, but never shorter
than what the platform asked for (`retry_after`, from Retry-After, x-rate-limit-reset or
the usage headers). A wait the policy will not
sit through (longer than `max_wait`) is not retried here: the error goes up to the poll
loop, which waits that long before the next poll. Everything else is raised at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import tenacity

from ingest.connector_settings import PollingSettings
from moderation.platform import is_transient

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    initial_wait: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    @classmethod
    def from_settings(
        cls, polling: PollingSettings, sleep: Callable[[float], None] = time.sleep
    ) -> RetryPolicy:
        return cls(
            attempts=polling.retry_attempts,
            initial_wait=polling.retry_initial_seconds,
            max_wait=polling.retry_max_seconds,
            sleep=sleep,
        )

    def call(self, fn: Callable[[], T], *, what: str) -> T:
        """Run `fn`, retrying transient failures; the last failure is raised unchanged."""
        jitter = tenacity.wait_random_exponential(multiplier=self.initial_wait, max=self.max_wait)

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            asked = getattr(exc, "retry_after", 0.0)
            return max(float(asked), float(jitter(state)))

        def worth_retrying(exc: BaseException) -> bool:
            return is_transient(exc) and getattr(exc, "retry_after", 0.0) <= self.max_wait

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.warning(
                "%s failed (%s); retry %d of %d in %.1fs",
                what,
                exc,
                state.attempt_number,
                self.attempts - 1,
                state.next_action.sleep if state.next_action else 0.0,
            )

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(worth_retrying),
            stop=tenacity.stop_after_attempt(self.attempts),
            wait=wait,
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        return retrying(fn)
