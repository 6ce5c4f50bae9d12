"""`houserules worker`: run one scale-out worker until it is stopped (Ctrl-C, SIGTERM).

Start as many as there are cores to spare, on as many machines as needed: workers of one
council share the consumer group `<topic_prefix>-worker` and split the topics' partitions
between them. A stopped or killed worker's partitions move to the others; what it had not
finished is read again, and writes are idempotent, so nothing is lost or doubled.
"""

from __future__ import annotations

from typing import Any

import click

from stream.faust_app import WorkerOptions
from stream.spikes import PatternSettings


@click.command(name="worker")
@click.option("--loglevel", default="info", show_default=True, help="Faust's log level.")
@click.option("--classify-batch", default=32, show_default=True, help="Comments per model call.")
@click.option(
    "--session-timeout",
    default=30.0,
    show_default=True,
    help="Seconds before a silent worker's partitions are given to the others.",
)
@click.option(
    "--spike-threshold", type=int, default=None, help="Complaints per service per window."
)
@click.option("--abuse-threshold", type=int, default=None, help="Hide-worthy comments per author.")
@click.option(
    "--web-port", type=int, default=None, help="Serve Faust's web views on 127.0.0.1:PORT."
)
@click.option("--no-model", is_flag=True, help="Rules only (no text model): for tests and demos.")
@click.pass_obj
def worker(
    obj: Any,
    loglevel: str,
    classify_batch: int,
    session_timeout: float,
    spike_threshold: int | None,
    abuse_threshold: int | None,
    web_port: int | None,
    no_model: bool,
) -> None:
    """Run a scale-out worker: classify, act, route and index from Kafka, and apply
    reviewers' decisions. Needs Kafka (`houserules services up`) and the topics, which
    it creates if missing."""
    import faust

    from houserules.worker import build_worker

    settings = obj.settings()
    base = getattr(settings, "worker", None) or PatternSettings()
    overrides = {
        k: v
        for k, v in (("spike_threshold", spike_threshold), ("abuse_threshold", abuse_threshold))
        if v is not None
    }
    patterns = base.model_copy(update=overrides)
    options = WorkerOptions(
        classify_batch=classify_batch, session_timeout_s=session_timeout, web_port=web_port
    )
    app = build_worker(
        settings, options=options, patterns=patterns, model=None if no_model else "settings"
    )
    faust.Worker(app, loglevel=loglevel).execute_from_commandline()
