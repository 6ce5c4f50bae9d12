"""Where the Elasticsearch store is. Owned by the store; the process settings
(`houserules.settings`) compose it under `elasticsearch`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ElasticsearchSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = "http://127.0.0.1:9200"
    index_prefix: str = "houserules"
    # How many times a call is tried before the store says Elasticsearch is unavailable
    # (waits double from half a second, at most 8 s apart: 8 attempts take about 30 s).
    retry_attempts: int = Field(default=8, ge=1)
