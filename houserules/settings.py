"""One settings object per process: environment variables, then a YAML file, then defaults.

Environment variables start with HOUSERULES_ (nested keys use `__`, e.g.
HOUSERULES_KAFKA__BOOTSTRAP_SERVERS). The YAML file is named by HOUSERULES_CONFIG or the
CLI's --config option. Secrets are SecretStr and never printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    YamlConfigSettingsSource,
)

from dashboards.settings import KibanaSettings
from houserules.config import ConfigError, explain_validation_error, looks_secret, read_yaml
from houserules.log_safety import install_log_safety, register_secrets
from ingest import new_secrets
from ingest.connector_settings import ConnectorsSettings
from reports.settings import ReportSettings
from review_app.settings import ReviewAppSettings
from store.elasticsearch_settings import ElasticsearchSettings
from stream.kafka_settings import KafkaSettings
from stream.spikes import PatternSettings

__all__ = ["ElasticsearchSettings", "KafkaSettings", "Settings", "load_settings"]


class Settings(BaseSettings):
    """Everything a houserules process needs to start."""

    model_config = SettingsConfigDict(
        env_prefix="HOUSERULES_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    data_dir: Path = Path(".houserules")
    rules_file: Path | None = None
    registers_dir: Path | None = None
    store: Literal["sqlite", "elasticsearch"] = "sqlite"
    model: Literal["bundled", "detoxify", "none"] = "bundled"
    model_dir: Path | None = None
    # Where the council's learned model versions and the pointer to the current one live
    # (default <data_dir>/models). Scale-out workers on several machines share one folder.
    models_dir: Path | None = None
    detoxify_checkpoint: Path | None = None
    detoxify_config_dir: Path | None = None
    retention_days: int = Field(default=365, ge=1)
    queue_size: int = Field(default=256, ge=1)
    transport: Literal["embedded", "kafka"] = "embedded"
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    elasticsearch: ElasticsearchSettings = Field(default_factory=ElasticsearchSettings)
    connectors: ConnectorsSettings = Field(default_factory=ConnectorsSettings)
    worker: PatternSettings = Field(default_factory=PatternSettings)
    review_app: ReviewAppSettings = Field(default_factory=ReviewAppSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    kibana: KibanaSettings = Field(default_factory=KibanaSettings)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "houserules.db"

    @property
    def model_versions_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, YamlConfigSettingsSource(settings_cls))


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from overrides, HOUSERULES_* variables and the YAML file (if any),
    turning any problem into a ConfigError that names its source."""
    source = config_file or (
        Path(os.environ["HOUSERULES_CONFIG"]) if os.environ.get("HOUSERULES_CONFIG") else None
    )
    node = None
    settings_cls: type[Settings] = Settings
    if source is not None:
        data, node = read_yaml(source)
        if data is not None and not isinstance(data, dict):
            raise ConfigError(f"{source}: expected a mapping of settings at the top level")
        settings_cls = type(
            "Settings",
            (Settings,),
            {"model_config": SettingsConfigDict(**{**Settings.model_config, "yaml_file": source})},
        )
    where = source or Path("environment (HOUSERULES_* variables)")
    try:
        settings = settings_cls(**overrides)
    except ValidationError as exc:
        raise ConfigError(explain_validation_error(where, exc, node, model=Settings)) from None
    except SettingsError as exc:
        # A HOUSERULES_* variable for a whole section that is not valid JSON; the message
        # names the section, never the value.
        raise ConfigError(
            f"{where}: {exc} (a variable for a whole section must hold JSON; or set each key"
            " with its own variable, e.g. HOUSERULES_KAFKA__BOOTSTRAP_SERVERS)"
        ) from None
    # From here on, nothing this process logs or prints as an error shows these values,
    # nor the tokens a connector comes to hold later (X's rotated tokens).
    register_secrets(secret_values(settings))
    new_secrets.listen(register_secrets)
    install_log_safety()
    return settings


def secret_values(settings: BaseModel) -> Iterator[str]:
    """Every secret in the settings: SecretStr values, values of keys that look secret
    (e.g. an alert webhook's address) and passwords written into URLs."""
    for name, value in settings:
        if isinstance(value, SecretStr):
            yield value.get_secret_value()
        elif isinstance(value, BaseModel):
            yield from secret_values(value)
        elif isinstance(value, str) and looks_secret(name):
            yield value
        elif isinstance(value, str) and "://" in value:
            try:
                password = urlsplit(value).password
            except ValueError:
                password = None
            if password:
                yield password
