"""The review app in scale-out mode: the same flows in the browser on the Elasticsearch store
(the real local node), and decisions handed to the decisions topic of the real local Kafka
broker for the worker (whose applying them is tested in test_kafka_pipeline)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from houserules.services import ElasticsearchNode, KafkaBroker
from moderation import wire
from moderation.review import Decision, DecisionKind, ReviewStatus
from review_app.decisions import SentToWorker
from store.elasticsearch import ElasticsearchStore
from store.elasticsearch_settings import ElasticsearchSettings
from stream.kafka_settings import KafkaSettings
from stream.topics import ensure_topics, topic_names
from tests.browser.harness import axe_violations, chromium, serving, sign_in, text_of, wait_for
from tests.browser.world import PASSWORD, World, build_world
from tests.fakes.facebook_graph import FakeGraph
from tests.integration.test_store_contract import remove_indices
from tests.integration.topic_reading import read_topic


@pytest.fixture
def es_world(tmp_path: Path, elasticsearch: ElasticsearchNode) -> Iterator[World]:
    settings = ElasticsearchSettings(
        url=elasticsearch.url, index_prefix=f"app-{uuid.uuid4().hex[:10]}"
    )
    store = ElasticsearchStore.connect(settings)
    with FakeGraph(token="page-token") as graph:
        built = build_world(tmp_path, graph, store=store)
        try:
            yield built
        finally:
            built.deps.accounts.close()
            remove_indices(store)
            store.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    with chromium(tmp_path) as driver:
        yield driver


def test_the_review_flows_work_on_the_elasticsearch_store(
    es_world: World, browser: WebDriver
) -> None:
    world = es_world
    threat = world.deps.store.items_for(world.keys["threat"])
    assert [r.item.queue.value for r in threat] == ["escalations"], "one item per comment"
    with serving(world.app) as base:
        browser.get(base + "/queues/review")
        assert "/sign-in" in browser.current_url
        sign_in(browser, base, "vi", PASSWORD, go=False)
        item = world.item_for("defamation", "review")
        browser.get(f"{base}/items/{item}")
        wait_for(browser, "#comment-text")
        assert not browser.find_elements(By.CSS_SELECTOR, "button[value='restore']")
        forged = browser.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {method: 'POST', body: new URLSearchParams({kind: 'restore',
              reason: 'x'})}).then(r => done(r.status));
            """,
            f"{base}/items/{item}/decide",
        )
        assert forged == 403
        browser.delete_all_cookies()

        sign_in(browser, base, "mo", PASSWORD)
        browser.get(f"{base}/queues/review")
        wait_for(browser, "tbody#rows tr[data-item]")
        assert axe_violations(browser) == []
        browser.get(f"{base}/items/{world.item_for('script', 'review')}")
        assert text_of(browser, "#comment-text").startswith("<script>")
        browser.get(f"{base}/items/{item}")
        assert axe_violations(browser) == []
        browser.find_element(By.ID, f"reason-{item}").send_keys("fair comment")
        browser.find_element(By.CSS_SELECTOR, "button[value='restore']").click()
        assert "visible again on facebook" in wait_for(browser, ".flash").text
        assert not world.graph.is_hidden(world.keys["defamation"].split(":", 1)[1])
        assert world.deps.store.item(item).status is ReviewStatus.RESTORED  # type: ignore[union-attr]

        browser.get(f"{base}/audit?actor=mo")
        assert "fair comment" in text_of(browser, "main")
        world.clock.advance(timedelta(minutes=31))
        browser.get(f"{base}/audit")
        assert "/sign-in" in browser.current_url


def test_in_scale_out_mode_a_decision_goes_to_the_decisions_topic(
    kafka: KafkaBroker,
) -> None:
    settings = KafkaSettings(
        bootstrap_servers=kafka.bootstrap_servers, topic_prefix=f"app{uuid.uuid4().hex[:8]}"
    )
    ensure_topics(settings)
    sink = SentToWorker(settings)
    decision = Decision(42, DecisionKind.RESTORE, "mo", "fair comment", datetime.now(UTC))
    try:
        message = sink.submit(decision)
    finally:
        sink.close()
    assert "worker applies it" in message
    (record,) = read_topic(kafka.bootstrap_servers, topic_names(settings).moderation_decisions, 1)
    assert record.key == b"42"
    assert wire.decode_decision(record.value) == decision
