"""Real local servers for the integration tests: a KRaft Kafka broker and Elasticsearch.

Session-scoped: each server starts once, on free ports, in a fresh run directory under
/tmp (reachable by the unprivileged account Elasticsearch runs as), and is stopped at the
end. A server that cannot start fails the tests that need it, with the reason and the
server's log; it never skips them.

Set HOUSERULES_TEST_REUSE_SERVICES=1 to reuse servers already running and healthy from
`houserules services up` (in HOUSERULES_SERVICES_DIR or ./var/services); they are left
running afterwards. Tests must then use names of their own (topics, indices).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from houserules.services import (
    ElasticsearchNode,
    KafkaBroker,
    LocalServices,
    ServiceError,
    ServicesSettings,
    settings_on_free_ports,
)

_HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    # kafka-python 3.0 reads its protocol schemas with importlib.resources.read_text,
    # deprecated since Python 3.11; the warning is theirs, not ours, and would otherwise
    # fail every import of kafka under "warnings are errors".
    config.addinivalue_line(
        "filterwarnings",
        "ignore:(read|open)_text is deprecated. Use files:DeprecationWarning",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


def _progress(message: str) -> None:
    print(f"[services] {message}")


@pytest.fixture(scope="session")
def local_services() -> Iterator[LocalServices]:
    """Both servers' controller for this session (nothing is started until asked)."""
    run_dir = Path(tempfile.mkdtemp(prefix="houserules-services-"))
    run_dir.chmod(0o755)
    services = LocalServices(settings_on_free_ports(run_dir), _progress)
    try:
        yield services
    finally:
        services.down()
        shutil.rmtree(run_dir, ignore_errors=True)


def _running_from_services_up(name: str) -> LocalServices | None:
    if os.environ.get("HOUSERULES_TEST_REUSE_SERVICES") != "1":
        return None
    existing = LocalServices(ServicesSettings())
    status = existing.status((name,))[0]
    return existing if status.healthy else None


def _start(services: LocalServices, name: str) -> None:
    try:
        services.up((name,))
    except ServiceError as error:
        pytest.fail(f"could not start the local {name} server: {error}", pytrace=False)


@pytest.fixture(scope="session")
def kafka(local_services: LocalServices) -> KafkaBroker:
    """A running Kafka broker; `kafka.bootstrap_servers` is its address."""
    reused = _running_from_services_up("kafka")
    if reused is not None:
        return reused.kafka
    _start(local_services, "kafka")
    return local_services.kafka


@pytest.fixture(scope="session")
def elasticsearch(local_services: LocalServices) -> ElasticsearchNode:
    """A running Elasticsearch node; `.url` is its address, `.stop()`, `.start()`,
    `.wait_healthy()` and `.restart(down_for_s=20)` simulate an outage."""
    reused = _running_from_services_up("elasticsearch")
    if reused is not None:
        return reused.elasticsearch
    _start(local_services, "elasticsearch")
    return local_services.elasticsearch
