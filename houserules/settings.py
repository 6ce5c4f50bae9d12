"""One settings object per process: environment variables, then a YAML file, then defaults.

Environment variables start with HOUSERULES_ (nested keys use `__`, e.g.
HOUSERULES_KAFKA__BOOTSTRAP_SERVERS). The YAML file is named by HOUSERULES_CONFIG or the
CLI's --config option. Secrets are SecretStr and never printed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from houserules.config import ConfigError, explain_validation_error, read_yaml


class KafkaSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = "houserules"
    partitions: int = Field(default=4, ge=1)
    replication_factor: int = Field(default=1, ge=1)


class ElasticsearchSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = "http://127.0.0.1:9200"
    index_prefix: str = "houserules"


class Settings(BaseSettings):
    """Everything a houserules process needs to start."""

    model_config = SettingsConfigDict(
        env_prefix="HOUSERULES_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    data_dir: Path = Path(".houserules")
    rules_file: Path | None = None
    registers_dir: Path | None = None
    store: str = Field(default="sqlite", pattern="^(sqlite|elasticsearch)$")
    retention_days: int = Field(default=365, ge=1)
    queue_size: int = Field(default=256, ge=1)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    elasticsearch: ElasticsearchSettings = Field(default_factory=ElasticsearchSettings)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "houserules.db"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("HOUSERULES_CONFIG")
        if config_file:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
        return tuple(sources)


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings, turning any problem into a ConfigError that names its source."""
    if config_file is not None:
        os.environ["HOUSERULES_CONFIG"] = str(config_file)
    source = os.environ.get("HOUSERULES_CONFIG")
    node = None
    if source:
        data, node = read_yaml(Path(source))
        if data is not None and not isinstance(data, dict):
            raise ConfigError(f"{source}: expected a mapping of settings at the top level")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        where = Path(source) if source else Path("environment (HOUSERULES_* variables)")
        raise ConfigError(explain_validation_error(where, exc, node)) from None
