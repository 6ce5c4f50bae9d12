"""A scale-out worker picks up a new current model version without a restart and without
losing a comment: a real Kafka broker, one `faust -A houserules.worker:app worker` process
with the bundled model, and `houserules model use` run while it works."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from houserules.bootstrap import load_base_model
from houserules.cli import main
from houserules.config import DEMO_REGISTERS_DIR
from houserules.learning.versions import LEARNED, ModelVersions, VersionRecord, encoder_sha256
from houserules.services import KafkaBroker
from houserules.settings import KafkaSettings, Settings
from houserules.worker_processes import WorkerProcess
from ingest.kafka_producer import KafkaCommentProducer
from moderation.comment import Comment, Platform, Surface
from moderation.model import ToxicityHeads, ToxicityModel
from store.sqlite import SqliteStore
from stream.topics import ensure_topics

THANKS = "Thank you to the bin crews for coming out in the snow this morning."


def _comments(tag: str, n: int) -> list[Comment]:
    return [
        Comment(
            Platform.FACEBOOK,
            Surface.OWN_PAGE,
            f"{tag}-{i}",
            f"{THANKS} ({tag} {i})",
            datetime.now(UTC),
        )
        for i in range(n)
    ]


def _wait_for(store: SqliteStore, keys: list[str], worker: WorkerProcess, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while len(store.seen(keys)) < len(keys):
        if not worker.alive:
            pytest.fail(f"the worker exited:\n{worker.log_tail()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{len(store.seen(keys))} of {len(keys)} indexed:\n{worker.log_tail()}")
        time.sleep(0.3)


def _alarmed_version(settings: Settings, base: ToxicityModel) -> str:
    """A learned version that reads every comment as a threat (the bias of one head moved, so
    that which version judged a comment shows in its action; `houserules learn` makes real
    ones, tested in tests/e2e)."""
    biases = base.heads.biases[0].copy()
    biases[base.labels.index("threat")] += 12.0
    name = f"{base.version.rsplit('-', 1)[0]}+learned1-kafka000"
    ModelVersions(settings.model_versions_dir).add_learned(
        ToxicityHeads(base.labels, (base.heads.weights[0],), (biases,)),
        VersionRecord(
            name=name,
            kind=LEARNED,
            created_at=datetime.now(UTC).isoformat(),
            encoder_sha256=encoder_sha256(base),
            thresholds=dict(base.thresholds),
            summary="everything read as a threat",
        ),
    )
    return name


def test_a_running_worker_judges_with_the_new_current_version_from_its_next_batch(
    kafka: KafkaBroker, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        registers_dir=DEMO_REGISTERS_DIR,
        kafka=KafkaSettings(
            bootstrap_servers=kafka.bootstrap_servers, topic_prefix=f"t{uuid.uuid4().hex[:8]}"
        ),
    )
    ensure_topics(settings.kafka)
    base = load_base_model(settings)
    assert isinstance(base, ToxicityModel)
    learned = _alarmed_version(settings, base)
    worker = WorkerProcess(settings, tmp_path / "worker.log", loglevel="info")
    store = SqliteStore(settings.sqlite_path)
    try:
        before = _comments("before", 6)
        with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
            producer.send(before)
        _wait_for(store, [c.key for c in before], worker, 240)

        result = CliRunner().invoke(
            main,
            [
                "--data-dir",
                str(settings.data_dir),
                "model",
                "use",
                learned,
                "--by",
                "officer.b",
                "--reason",
                "learned version",
            ],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        after = _comments("after", 6)
        with KafkaCommentProducer(settings.kafka, max_wait_s=30) as producer:
            producer.send(after)
        _wait_for(store, [c.key for c in after], worker, 120)

        judged = {
            c.key: store.get(c.key).classified.verdict  # type: ignore[union-attr]
            for c in before + after
        }
        assert {judged[c.key].classifier_version for c in before} == {base.version}
        assert {judged[c.key].classifier_version for c in after} == {learned}
        assert {judged[c.key].action.value for c in before} == {"allow"}
        assert {judged[c.key].action.value for c in after} == {"escalate"}
        assert worker.alive, "no restart"
        assert store.count() == 12, "no comment lost or doubled"
        assert "now judging with model" in worker.log.read_text(errors="replace")
    finally:
        store.close()
        worker.stop()
