"""The worker's composition root, and the `faust -A houserules.worker:app worker` entry point.

`build_worker` turns settings into a running-ready Faust app: it loads the house rules,
registers and model, opens the store, connects the configured platforms, makes sure the
council's topics exist, and calls `stream.faust_app.create_app`.

Importing this module reads nothing. The module attribute `app` is built on first access
(PEP 562 `__getattr__`), from the settings `houserules.settings.load_settings()` finds
(HOUSERULES_* variables and HOUSERULES_CONFIG), which is what `faust -A` needs: it
imports the module and then asks for `app`. `houserules worker` calls `build_worker`
directly with the CLI's settings.
"""

from __future__ import annotations

from typing import Any

import faust

from houserules.settings import Settings
from stream.faust_app import WorkerOptions, create_app
from stream.spikes import PatternSettings

_built: dict[str, faust.App] = {}


def build_worker(
    settings: Settings,
    *,
    options: WorkerOptions | None = None,
    patterns: PatternSettings | None = None,
    model: Any = "settings",
) -> faust.App:
    from houserules.bootstrap import build_app
    from ingest.runner import moderators_from_settings
    from stream.topics import ensure_topics

    parts = build_app(settings, moderators=moderators_from_settings(settings), model=model)
    ensure_topics(settings.kafka)
    worker_patterns = patterns or getattr(settings, "worker", None) or PatternSettings()
    return create_app(
        settings.kafka, settings.data_dir, parts, patterns=worker_patterns, options=options
    )


def __getattr__(name: str) -> Any:
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if "app" not in _built:
        from houserules.settings import load_settings

        _built["app"] = build_worker(load_settings())
    return _built["app"]
