"""Handing comments to Kafka: the scale-out mode's `CommentSink`.

`send` returns only after the broker has acknowledged every comment (acks=all, the
idempotent producer, so a retried request is not written twice), which is what lets a
connector advance its cursor. The buffer is bounded: kafka-python 3 has no
`buffer_memory`, so `send` waits for the broker's acknowledgement after every
`max_buffered` messages; when the broker is slow, `send` blocks rather than growing memory
(and `max_block_ms` bounds each wait for metadata).

When the broker cannot be reached, the producer does not crash: it logs one clear line
per attempt (the broker address, never credentials) and tries again with exponential
backoff, so ingestion pauses and resumes when Kafka is back. `max_wait_s` bounds the wait
for callers that would rather fail (a one-off import); connectors leave it unbounded.
A comment whose delivery failed is sent again, so the topic may hold it twice; the
worker's writes are idempotent by comment key, so the index does not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import tenacity

from moderation import wire
from moderation.comment import Comment
from stream.kafka_settings import KafkaSettings
from stream.topics import topic_names

log = logging.getLogger(__name__)

FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 30.0


def is_transient(error: BaseException) -> bool:
    """The Kafka boundary's one rule for retrying: any error from the Kafka client (no
    broker, a timeout, a failed delivery) may pass once the broker is back."""
    from kafka.errors import KafkaError

    return isinstance(error, KafkaError)


def _failure(outcome: tenacity.Future | None) -> str:
    """The failed attempt's error class (its message may carry broker details)."""
    return outcome.exception().__class__.__name__ if outcome is not None else "unknown"


class BrokerUnavailable(Exception):
    """Kafka could not be reached (or did not acknowledge) within the allowed wait."""


class KafkaCommentProducer:
    """A `CommentSink` that writes comments to the raw comments topic, keyed by
    `platform:comment_id`, in the versioned wire format."""

    def __init__(
        self,
        settings: KafkaSettings,
        *,
        topic: str | None = None,
        max_wait_s: float | None = None,
        max_buffered: int = 1000,
        max_block_ms: int = 10_000,
        linger_ms: int = 5,
        request_timeout_ms: int = 10_000,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.topic = topic or topic_names(settings).comments_raw
        self.max_wait_s = max_wait_s
        self.max_buffered = max_buffered
        self._config: dict[str, Any] = {
            "bootstrap_servers": settings.bootstrap_servers.split(","),
            "client_id": "houserules-ingest",
            "acks": "all",
            "enable_idempotence": True,
            "max_block_ms": max_block_ms,
            # kafka-python bootstraps inside the constructor, for 30 s by default; one
            # attempt should last no longer than any other wait for the broker.
            "bootstrap_timeout_ms": max_block_ms,
            "linger_ms": linger_ms,
            "request_timeout_ms": request_timeout_ms,
            "delivery_timeout_ms": max(120_000, request_timeout_ms + linger_ms + 1),
        }
        self._sleep = sleep
        self._monotonic = monotonic
        self._producer: Any = None

    def _connect(self) -> Any:
        from kafka import KafkaProducer
        from kafka.net.compat import KafkaNetClient

        made: list[Any] = []

        def client(**config: Any) -> Any:
            made.append(KafkaNetClient(**config))
            return made[-1]

        try:
            return KafkaProducer(kafka_client=client, **self._config)
        except Exception:
            # kafka-python bootstraps inside the constructor and, when that fails,
            # leaves its connections open; close them so retries do not pile up sockets.
            for c in made:
                c.close()
            raise

    def _with_retries(self, what: str, attempt_once: Callable[[], Any]) -> Any:
        """Run `attempt_once` until it succeeds, backing off while Kafka is unreachable."""
        started = self._monotonic()
        servers = self.settings.bootstrap_servers

        def out_of_time(state: tenacity.RetryCallState) -> bool:
            waited = self._monotonic() - started
            return self.max_wait_s is not None and waited + state.upcoming_sleep > self.max_wait_s

        def log_retry(state: tenacity.RetryCallState) -> None:
            log.warning(
                "Kafka at %s: %s failed (%s); attempt %d, retrying in %.1f s",
                servers,
                what,
                _failure(state.outcome),
                state.attempt_number,
                state.upcoming_sleep,
            )

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_transient),
            stop=out_of_time,
            wait=tenacity.wait_exponential(multiplier=FIRST_BACKOFF_S, max=MAX_BACKOFF_S),
            after=lambda state: self._drop_producer(),
            before_sleep=log_retry,
            sleep=self._sleep,
        )
        try:
            return retrying(attempt_once)
        except tenacity.RetryError as gave_up:
            raise BrokerUnavailable(
                f"Kafka at {servers} did not accept {what} within "
                f"{self.max_wait_s:.0f} s ({gave_up.last_attempt.attempt_number} attempts): "
                f"{_failure(gave_up.last_attempt)}. "
                "Is the broker running (`houserules services status`)?"
            ) from None

    def _drop_producer(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            try:
                producer.close(timeout=1)
            except Exception:  # closing a broken producer is best effort
                log.debug("closing a failed producer raised", exc_info=True)

    def _ensure_producer(self) -> Any:
        if self._producer is None:
            self._producer = self._connect()
        return self._producer

    def connect(self) -> None:
        """Connect now (retrying as `send` would), so a bad address shows at start-up."""
        self._with_retries("a connection", self._ensure_producer)

    def send(self, comments: Sequence[Comment]) -> None:
        """Write the comments; returns once the broker has acknowledged all of them."""
        for start in range(0, len(comments), self.max_buffered):
            self._send_acknowledged(comments[start : start + self.max_buffered])

    def _send_acknowledged(self, comments: Sequence[Comment]) -> None:
        if not comments:
            return
        payload = [(c.key.encode(), wire.encode_comment(c)) for c in comments]

        def attempt_once() -> None:
            producer = self._ensure_producer()
            futures = [producer.send(self.topic, key=key, value=value) for key, value in payload]
            producer.flush()
            for future in futures:
                future.get(timeout=0)  # raises the delivery error, if there was one

        self._with_retries(f"{len(comments)} comment(s)", attempt_once)

    def close(self) -> None:
        """Flush what is buffered and close; idempotent."""
        if self._producer is not None:
            producer, self._producer = self._producer, None
            producer.flush()
            producer.close()

    def __enter__(self) -> KafkaCommentProducer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
