"""The banner for a connector stopped by its credentials, in a real browser: visible on
the queue pages and free of serious or critical axe-core problems."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.connector_health import ConnectorHealth, status_dir
from ingest.failures import ConnectorPaused, PauseReason
from tests.browser.harness import axe_violations, chromium, serving, sign_in, text_of, wait_for
from tests.browser.world import PASSWORD, World, build_world
from tests.fakes.facebook_graph import FakeGraph


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with FakeGraph(token="page-token") as graph:
        built = build_world(tmp_path, graph)
        yield built
        built.deps.accounts.close()
        built.deps.store.close()


def test_a_stopped_connector_is_announced_on_the_queue_pages_accessibly(
    world: World, tmp_path: Path
) -> None:
    health = ConnectorHealth(status_dir(tmp_path / "data"), world.deps.store.append_audit)
    health.paused("x:9000", ConnectorPaused("x", PauseReason.REFRESH_REFUSED, "HTTP 400"))
    with serving(world.app) as base, chromium(tmp_path) as browser:
        sign_in(browser, base, "mo", PASSWORD)
        for path in ("/queues/escalations", "/queues/review"):
            browser.get(base + path)
            wait_for(browser, "main h1")
            assert "Not reading comments from x" in text_of(browser, ".connectors-stopped")
            assert axe_violations(browser) == [], path
