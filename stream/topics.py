"""The Kafka topics the scale-out mode uses, named per council with the settings' prefix.

Every message on them is in the versioned wire format (`moderation.wire`, plus the
stream's own records in `stream.records`) and keyed by `platform:comment_id`
(`Comment.key`), so one comment's messages stay in one partition and in order.
`ensure_topics` is idempotent: topics that exist are left as they are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from stream.kafka_settings import KafkaSettings

log = logging.getLogger(__name__)

COMMENTS_RAW = "comments.raw"
COMMENTS_CLASSIFIED = "comments.classified"
MODERATION_ACTIONS = "moderation.actions"
MODERATION_DECISIONS = "moderation.decisions"
COMMS_QUEUE = "comms.queue"
DEADLETTER = "deadletter"

# The worker's own rekeyed copies (by service, by author) for the windowed counts. Created
# here too, before any worker subscribes: a topic that appears after a consumer joined is
# only noticed at its next metadata refresh, minutes later.
COMPLAINTS_BY_SERVICE = "service-complaints"
HIDDEN_BY_AUTHOR = "hidden-by-author"
INTERNAL_NAMES = (COMPLAINTS_BY_SERVICE, HIDDEN_BY_AUTHOR)

# The worker's windowed tables (`stream.faust_app`) keep their state in changelog topics,
# `<prefix>-worker-<table>-changelog`. Faust would create them as it starts, but a worker
# whose consumer has not yet seen a just-created changelog's partitions stops on the first
# count ("the changelog topic has 0 partitions"); created here, before any worker starts,
# with the partition count of the topics they count and Faust's own clean-up policy.
WINDOWED_TABLES = (COMPLAINTS_BY_SERVICE, HIDDEN_BY_AUTHOR)
CHANGELOG_CONFIG = {"cleanup.policy": "compact,delete", "retention.ms": str(7 * 24 * 3600 * 1000)}

BASE_NAMES = (
    COMMENTS_RAW,
    COMMENTS_CLASSIFIED,
    MODERATION_ACTIONS,
    MODERATION_DECISIONS,
    COMMS_QUEUE,
    DEADLETTER,
)


@dataclass(frozen=True, slots=True)
class TopicNames:
    """The full topic names of one council (one prefix on a shared cluster)."""

    prefix: str

    def name(self, base: str) -> str:
        return f"{self.prefix}.{base}" if self.prefix else base

    @property
    def comments_raw(self) -> str:
        return self.name(COMMENTS_RAW)

    @property
    def comments_classified(self) -> str:
        return self.name(COMMENTS_CLASSIFIED)

    @property
    def moderation_actions(self) -> str:
        return self.name(MODERATION_ACTIONS)

    @property
    def moderation_decisions(self) -> str:
        return self.name(MODERATION_DECISIONS)

    @property
    def comms_queue(self) -> str:
        return self.name(COMMS_QUEUE)

    @property
    def deadletter(self) -> str:
        return self.name(DEADLETTER)

    def all(self) -> tuple[str, ...]:
        return tuple(self.name(base) for base in BASE_NAMES + INTERNAL_NAMES)


def topic_names(settings: KafkaSettings) -> TopicNames:
    return TopicNames(settings.topic_prefix)


def changelog_names(settings: KafkaSettings) -> tuple[str, ...]:
    """The worker's tables' changelog topics, named as Faust names them."""
    return tuple(f"{settings.topic_prefix}-worker-{t}-changelog" for t in WINDOWED_TABLES)


def ensure_topics(settings: KafkaSettings, timeout_s: float = 30.0) -> list[str]:
    """Create any of the council's topics that do not exist yet; returns the names created.

    Partitions and replication come from the settings. An existing topic is never
    altered (a topic's partition count decides which partition a key lands in, so it
    is changed only on purpose, by hand). Raises `kafka.errors.KafkaError` when the
    broker cannot be reached within `timeout_s`.
    """
    from kafka.admin import KafkaAdminClient
    from kafka.errors import TopicAlreadyExistsError

    changelogs = changelog_names(settings)
    wanted = topic_names(settings).all() + changelogs
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers.split(","),
        client_id="houserules-topics",
        request_timeout_ms=int(timeout_s * 1000),
    )
    try:
        existing = set(admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        created: list[str] = []
        for name in missing:
            try:
                spec: dict[str, object] = {
                    "num_partitions": settings.partitions,
                    "replication_factor": settings.replication_factor,
                }
                if name in changelogs:
                    spec["configs"] = CHANGELOG_CONFIG
                admin.create_topics(
                    {name: spec},
                    timeout_ms=int(timeout_s * 1000),
                    wait_for_metadata=True,
                )
            except TopicAlreadyExistsError:
                continue  # another process created it between our look and our create
            created.append(name)
            log.info(
                "created topic %s (%d partitions, replication %d)",
                name,
                settings.partitions,
                settings.replication_factor,
            )
        return created
    finally:
        admin.close()
