"""Local Apache Kafka and Elasticsearch servers for development and the test suite.

Fetched from Maven Central into a cache, configured in a run directory, started on
127.0.0.1 as a single-node KRaft broker and a single-node Elasticsearch (as a non-root
account), checked for health and stopped cleanly. `houserules services up|down|status`
and the integration tests' fixtures both use `LocalServices`.
"""

from houserules.services.elasticsearch_node import ElasticsearchNode
from houserules.services.errors import ServiceError
from houserules.services.kafka_broker import KafkaBroker
from houserules.services.local_services import (
    LocalServices,
    ServerStatus,
    settings_on_free_ports,
)
from houserules.services.settings import ServicesSettings

__all__ = [
    "ElasticsearchNode",
    "KafkaBroker",
    "LocalServices",
    "ServerStatus",
    "ServiceError",
    "ServicesSettings",
    "settings_on_free_ports",
]
