"""Where the council's Kafka cluster is, and how its topics are made. Owned by the stream;
the process settings (`houserules.settings`) compose it under `kafka`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class KafkaSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = "houserules"
    partitions: int = Field(default=4, ge=1)
    replication_factor: int = Field(default=1, ge=1)
