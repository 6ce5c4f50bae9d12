"""Where the local servers live, which versions they run and on which ports.

Read from the environment (HOUSERULES_SERVICES_*) when the object is built, never at
import time. The cache (downloads) is shared by every run directory; a run directory
holds one Kafka broker's and one Elasticsearch node's configuration, data, logs and state.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "houserules" / "services"


class ServicesSettings(BaseSettings):
    """Settings for the local Kafka broker and Elasticsearch node.

    `HOUSERULES_SERVICES_CACHE` names the download cache (default
    `~/.cache/houserules/services`), `HOUSERULES_SERVICES_DIR` the run directory
    (default `./var/services`, made absolute against the current directory).
    """

    model_config = SettingsConfigDict(
        env_prefix="HOUSERULES_SERVICES_", frozen=True, extra="ignore", populate_by_name=True
    )

    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        validation_alias=AliasChoices("HOUSERULES_SERVICES_CACHE", "cache_dir"),
    )
    run_dir: Path = Field(
        default=Path("var/services"),
        validation_alias=AliasChoices("HOUSERULES_SERVICES_DIR", "run_dir"),
    )
    maven_repository: str = "https://repo1.maven.org/maven2"
    java_home: Path | None = None

    kafka_version: str = "3.9.2"
    kafka_scala_version: str = "2.13"
    kafka_port: int = Field(default=9092, ge=1, le=65535)
    kafka_controller_port: int = Field(default=9093, ge=1, le=65535)
    kafka_heap: str = "512m"
    kafka_auto_create_topics: bool = False

    elasticsearch_version: str = "8.19.21"
    elasticsearch_port: int = Field(default=9200, ge=1, le=65535)
    elasticsearch_transport_port: int = Field(default=9300, ge=1, le=65535)
    elasticsearch_heap: str = "512m"
    elasticsearch_user: str = "houserules"

    start_timeout_s: float = Field(default=180.0, gt=0)
    stop_timeout_s: float = Field(default=30.0, gt=0)

    @field_validator("cache_dir", "run_dir", "java_home")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return None if value is None else value.expanduser().absolute()
