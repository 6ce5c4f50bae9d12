"""The local servers the scale-out tests rely on really work, and stop and start cleanly."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic

from houserules.services import (
    ElasticsearchNode,
    KafkaBroker,
    LocalServices,
    ServiceError,
    settings_on_free_ports,
)
from houserules.services.commands import services as services_command


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def search(elasticsearch: ElasticsearchNode) -> Iterator[Elasticsearch]:
    client = Elasticsearch(elasticsearch.url, request_timeout=30)
    try:
        yield client
    finally:
        client.close()


def test_the_broker_delivers_a_produced_message_to_a_consumer(kafka: KafkaBroker) -> None:
    topic = _unique("services-check")
    admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    try:
        producer.send(topic, key=b"facebook:123", value=b'{"text": "bins not collected"}')
        producer.flush(timeout=30)
    finally:
        producer.close()
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka.bootstrap_servers,
        group_id=_unique("services-check"),
        auto_offset_reset="earliest",
        consumer_timeout_ms=30_000,
    )
    try:
        received = next(iter(consumer))
    finally:
        consumer.close()

    assert received.key == b"facebook:123"
    assert received.value == b'{"text": "bins not collected"}'


def test_elasticsearch_indexes_a_comment_and_finds_it_by_its_words(
    search: Elasticsearch,
) -> None:
    index = _unique("services-check")
    search.index(
        index=index,
        id="facebook:123",
        document={"text": "The tip on Mill Lane is closing", "platform": "facebook"},
        refresh=True,
    )

    found = search.search(index=index, query={"match": {"text": "tip closing"}})

    assert [hit["_id"] for hit in found["hits"]["hits"]] == ["facebook:123"]


def test_elasticsearch_keeps_its_indexed_comments_across_a_stop_and_start(
    elasticsearch: ElasticsearchNode, search: Elasticsearch
) -> None:
    index = _unique("services-restart")
    search.index(index=index, id="x:42", document={"text": "streetlight out"}, refresh=True)

    elasticsearch.stop()
    assert elasticsearch.health() is not None
    elasticsearch.start()
    elasticsearch.wait_healthy()

    assert search.get(index=index, id="x:42")["_source"] == {"text": "streetlight out"}


def test_status_on_the_command_line_reports_both_servers_running_and_healthy(
    kafka: KafkaBroker, elasticsearch: ElasticsearchNode, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOUSERULES_SERVICES_DIR", str(kafka.settings.run_dir))

    result = CliRunner().invoke(services_command, ["status", "--json"])

    assert result.exit_code == 0, result.output
    report = {server["name"]: server for server in json.loads(result.stdout)["servers"]}
    assert report["kafka"]["state"] == "running"
    assert report["kafka"]["address"] == kafka.bootstrap_servers
    assert report["elasticsearch"]["health"] in ("green", "yellow")
    assert report["elasticsearch"]["address"] == elasticsearch.url


def test_a_broker_that_cannot_start_fails_with_the_reason_and_its_log(tmp_path: Path) -> None:
    broken = LocalServices(settings_on_free_ports(tmp_path, kafka_heap="1k"))

    with pytest.raises(ServiceError) as failure:
        broken.up(("kafka",), timeout_s=60)

    assert "exited during start-up" in failure.value.reason
    assert "heap" in failure.value.log_tail.lower()
    assert broken.status(("kafka",))[0].state == "stopped"


def test_a_server_is_not_started_on_a_port_another_program_holds(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        blocked = LocalServices(settings_on_free_ports(tmp_path, kafka_port=taken))
        with pytest.raises(ServiceError, match=f"port {taken} .* already in use"):
            blocked.up(("kafka",))
