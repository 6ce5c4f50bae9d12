"""Handing comments to a real Kafka broker that is not always there: the producer waits
and retries with a clear message, never crashes, and loses nothing."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from houserules.bench_pipeline import bench_comments
from houserules.config import DEMO_REGISTERS_DIR
from houserules.services import KafkaBroker
from houserules.settings import KafkaSettings
from ingest.files import read_comments
from ingest.kafka_producer import BrokerUnavailable, KafkaCommentProducer
from stream.topics import ensure_topics, topic_names
from tests.integration.topic_reading import read_topic


@pytest.fixture()
def silent_address() -> Iterator[str]:
    """An address that takes TCP connections and never answers, like a hung broker."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"127.0.0.1:{listener.getsockname()[1]}"


def test_a_broker_that_does_not_answer_gives_a_clear_error_after_the_allowed_wait(
    silent_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    address = silent_address
    settings = KafkaSettings(bootstrap_servers=address, topic_prefix="nowhere")
    producer = KafkaCommentProducer(settings, max_wait_s=4, max_block_ms=1000)
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="ingest.kafka_producer"),
        pytest.raises(BrokerUnavailable) as raised,
    ):
        producer.send(bench_comments(3, "nowhere"))
    assert time.monotonic() - started < 30
    message = str(raised.value)
    assert address in message
    assert "houserules services status" in message
    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert retries, "each failed attempt is logged before the next"
    assert all(address in line for line in retries)


def test_an_import_started_while_the_broker_is_down_waits_and_delivers_everything(
    kafka: KafkaBroker, tmp_path: Path
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    settings = KafkaSettings(bootstrap_servers=kafka.bootstrap_servers, topic_prefix=prefix)
    ensure_topics(settings)
    lines = (DEMO_REGISTERS_DIR / "comments.jsonl").read_text(encoding="utf-8").splitlines()[:50]
    file = tmp_path / "comments.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    keys = {c.key for c in read_comments(file).comments}
    env = {
        **os.environ,
        "HOUSERULES_DATA_DIR": str(tmp_path / "data"),
        "HOUSERULES_TRANSPORT": "kafka",
        "HOUSERULES_KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "HOUSERULES_KAFKA__TOPIC_PREFIX": prefix,
    }
    command = [sys.executable, "-m", "houserules", "import", str(file), "--json"]

    kafka.stop()
    try:
        importer = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(8)
        assert importer.poll() is None, "the import gave up (or crashed) while Kafka was down"
    finally:
        kafka.start()
        kafka.wait_healthy()
    stdout, stderr = importer.communicate(timeout=120)

    assert importer.returncode == 0, stderr
    assert "retrying in" in stderr and kafka.bootstrap_servers in stderr
    assert json.loads(stdout)["produced"] == 50
    messages = read_topic(kafka.bootstrap_servers, topic_names(settings).comments_raw, 50, 60)
    on_topic = [m.key.decode() for m in messages]
    assert set(on_topic) == keys
