"""Reading what a test's Kafka topic holds, from the beginning, with a plain consumer."""

from __future__ import annotations

import time
from typing import Any


def read_topic(
    bootstrap_servers: str, topic: str, at_least: int, timeout_s: float = 30
) -> list[Any]:
    """The topic's messages from the start, once `at_least` are there or `timeout_s` passed."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=1000,
    )
    found: list[Any] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(found) < at_least and time.monotonic() < deadline:
            found.extend(consumer)
    finally:
        consumer.close()
    return found
