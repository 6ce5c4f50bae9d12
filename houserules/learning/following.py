"""A classifier that follows the council's current model version, checked between batches.

Long-running processes (scale-out workers, `houserules connect`, `webhook serve`) judge with
whatever version `houserules learn` or `houserules model use` last made current, without a
restart: before
each batch the pointer file is read (one small read), and when it names another version the
classifier is rebuilt on the new heads (the encoder is shared, so this takes milliseconds).
A batch is always judged whole by one version, and each verdict names it. A version that
cannot be loaded is logged and the previous one goes on judging, so no comment waits or is
lost for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from houserules.learning.versions import ModelVersions, VersionError
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment
from moderation.model.onnx_model import ToxicityModel
from moderation.registers import Registers
from moderation.rules import HouseRules
from moderation.verdict import Verdict

log = logging.getLogger(__name__)


class FollowingClassifier:
    """Implements `moderation.classifier.Classifier` over the current model version."""

    def __init__(
        self,
        build: Callable[[ToxicityModel], HouseRulesClassifier],
        base: ToxicityModel,
        versions: ModelVersions,
    ) -> None:
        self._build = build
        self._base = base
        self._versions = versions
        self._lock = threading.Lock()
        pointer = versions.pointer()
        self._failed = ""
        self._pointer: str | None = pointer
        try:
            model = versions.model_for(pointer, base)
        except (VersionError, OSError, ValueError) as exc:
            log.error("judging with %s: %s", base.version, exc)
            model, self._pointer, self._failed = base, None, pointer
        self._current = build(model)

    @property
    def current(self) -> HouseRulesClassifier:
        return self._current

    @property
    def version(self) -> str:
        return self._current.version

    @property
    def model(self) -> ToxicityModel | None:
        model = self._current.model
        return model if isinstance(model, ToxicityModel) else None

    @property
    def rules(self) -> HouseRules:
        return self._current.rules

    @property
    def registers(self) -> Registers:
        return self._current.registers

    def refresh(self) -> bool:
        """Switch to the version the pointer names, if it changed; True if it switched."""
        pointer = self._versions.pointer()
        if pointer == self._pointer:
            return False
        with self._lock:
            if pointer == self._pointer:
                return False
            try:
                model = self._versions.model_for(pointer, self._base)
            except (VersionError, OSError, ValueError) as exc:
                if pointer != self._failed:  # tried again each batch, said once
                    log.error("still judging with %s: %s", self.version, exc)
                    self._failed = pointer
                return False
            self._current = self._build(model)
            self._pointer = pointer
            log.info("now judging with model %s", model.version)
            return True

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        self.refresh()
        return self._current.classify(comments)
