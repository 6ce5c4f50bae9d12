"""Where the Elasticsearch store is. Owned by the store; the process settings
(`houserules.settings`) compose it under `elasticsearch`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ElasticsearchSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = "http://127.0.0.1:9200"
    index_prefix: str = "houserules"
