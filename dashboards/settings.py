"""Where Kibana is and how to sign in to it. Owned by the dashboards; the process settings
(`houserules.settings`) compose it under `kibana`. Secrets are SecretStr: never printed."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class KibanaSettings(BaseModel):
    """Either a user and password (basic authentication) or an API key (`id:key` encoded
    as Kibana shows it), or neither for a Kibana without security."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = "http://127.0.0.1:5601"
    space: str = ""
    username: str = ""
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=30.0, gt=0)
