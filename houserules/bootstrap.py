"""The composition root: builds settings, rules, registers, model, store and pipeline.

Every entry point (CLI, worker, tests) calls `build_app`; tests pass fakes or real local
services through the same function. Nothing here runs at import time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from houserules.config import ConfigError, load_registers, load_rules
from houserules.settings import Settings
from ingest.sink import CommentSink
from moderation.classifier import Classifier, HouseRulesClassifier
from moderation.comment import Platform
from moderation.model_interface import TextModel
from moderation.platform import PlatformModerator
from moderation.registers import Registers
from moderation.review import Decision, DecisionKind, QueueItem
from moderation.rules import HouseRules
from store.base import Store
from stream.clock import Clock, SystemClock
from stream.decisions import apply_decision
from stream.embedded import EmbeddedPipeline, ProgressCallback

log = logging.getLogger(__name__)


def model_cache_dir() -> Path:
    """Where onnxruntime's optimised copy of the encoder is kept between runs (a cache: safe
    to delete): $XDG_CACHE_HOME/houserules, else ~/.cache/houserules."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "houserules"


def load_model(settings: Settings) -> TextModel | None:
    """The text model the settings ask for, as the council's current model version (the
    bundled model, or heads learned from its reviewers: docs/learning.md); a clear
    ConfigError if it cannot be loaded."""
    model = load_base_model(settings)
    if settings.model != "bundled" or model is None:
        return model
    from houserules.learning.versions import ModelVersions
    from moderation.model import ToxicityModel

    assert isinstance(model, ToxicityModel)
    return ModelVersions(settings.model_versions_dir).current_model(model)


def load_base_model(settings: Settings) -> TextModel | None:
    """The text model the settings ask for, as installed (no learned version applied)."""
    if settings.model == "none":
        return None
    if settings.model == "detoxify":
        from moderation.model.detoxify_backend import DetoxifyModel

        if settings.detoxify_checkpoint is None:
            raise ConfigError("model is 'detoxify' but detoxify_checkpoint is not set")
        from moderation.model import ModelFilesError

        try:
            return DetoxifyModel.load(settings.detoxify_checkpoint, settings.detoxify_config_dir)
        except (ImportError, OSError, ModelFilesError) as exc:
            raise ConfigError(f"the Detoxify model could not be loaded: {exc}") from None
    from moderation.model import ModelFilesError, ToxicityModel

    try:
        return ToxicityModel.load(settings.model_dir, cache_dir=model_cache_dir())
    except (OSError, ValueError, ModelFilesError) as exc:
        raise ConfigError(f"the bundled model could not be loaded: {exc}") from None


def build_classifier(
    rules: HouseRules, registers: Registers, model: TextModel | None
) -> HouseRulesClassifier:
    return HouseRulesClassifier(rules, registers, model)


def open_store(settings: Settings) -> Store:
    if settings.store == "elasticsearch":
        from store.elasticsearch import ElasticsearchStore

        return ElasticsearchStore.connect(settings.elasticsearch)
    from store.sqlite import SqliteStore

    return SqliteStore(settings.sqlite_path)


@dataclass
class App:
    settings: Settings
    rules: HouseRules
    registers: Registers
    classifier: Classifier
    store: Store
    clock: Clock
    moderators: dict[Platform, PlatformModerator] = field(default_factory=dict)

    def pipeline(self, on_progress: ProgressCallback | None = None) -> EmbeddedPipeline:
        return EmbeddedPipeline(
            self.classifier,
            self.store,
            self.moderators,
            self.clock,
            queue_size=self.settings.queue_size,
            on_progress=on_progress,
        )

    @property
    def sink(self) -> EmbeddedPipeline:
        """Where connectors hand comments in embedded mode."""
        return self.pipeline()

    def decide(self, item_id: int, kind: DecisionKind, by: str, reason: str) -> QueueItem:
        decision = Decision(item_id, kind, by, reason, self.clock.now())
        return apply_decision(decision, self.store, self.moderators, self.clock)

    def close(self) -> None:
        self.store.close()


def build_app(
    settings: Settings,
    *,
    registers_dir: Path | None = None,
    moderators: Mapping[Platform, PlatformModerator] | None = None,
    store: Store | None = None,
    model: TextModel | str | None = "settings",
    clock: Clock | None = None,
) -> App:
    rules = load_rules(settings.rules_file)
    registers = load_registers(registers_dir or settings.registers_dir)
    text_model = load_base_model(settings) if model == "settings" else model
    assert not isinstance(text_model, str)
    classifier: Classifier
    if model == "settings" and settings.model == "bundled" and text_model is not None:
        # The council's current model version, followed between batches (docs/learning.md).
        from houserules.learning.following import FollowingClassifier
        from houserules.learning.versions import ModelVersions
        from moderation.model import ToxicityModel

        assert isinstance(text_model, ToxicityModel)
        classifier = FollowingClassifier(
            lambda m: build_classifier(rules, registers, m),
            text_model,
            ModelVersions(settings.model_versions_dir),
        )
    else:
        classifier = build_classifier(rules, registers, text_model)
    if moderators is None:
        # The platform clients are heavy to import; only processes that act load them.
        from ingest.runner import platform_moderators

        moderators = platform_moderators(settings)
    return App(
        settings=settings,
        rules=rules,
        registers=registers,
        classifier=classifier,
        store=store or open_store(settings),
        clock=clock or SystemClock(),
        moderators=dict(moderators),
    )


def comment_sink(settings: Settings) -> tuple[CommentSink, Callable[[], None]]:
    """Where connectors and the webhook receiver deliver comments, and how to close it:
    the embedded pipeline, or the Kafka producer in scale-out mode."""
    if settings.transport == "kafka":
        from ingest.kafka_producer import KafkaCommentProducer

        producer = KafkaCommentProducer(settings.kafka)
        return producer, producer.close
    app = build_app(settings)
    return app.pipeline(), app.close
