"""One learning run: the council's decisions to examples, a candidate fitted on the older ones,
the gate on the newer ones and the bundled evaluation councils, and (unless a dry run) the
candidate kept and made current if it passed. Either way the comparison goes to the audit log.

The candidate always starts again from the bundled heads, never from the last learned
version: each version is the bundled model plus everything the council's reviewers have
decided that is still stored, so nothing erased lingers in the next one and no drift builds up
over many runs.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from houserules.learning import examples as ex
from houserules.learning.fit import refit
from houserules.learning.gate import (
    COUNCIL_SET,
    EVALUATION_SET,
    EmbeddedModel,
    EvalSet,
    GateResult,
    cached_embeddings,
    compare,
    evaluation_folder,
    time_split,
)
from houserules.learning.sample import load_sample
from houserules.learning.versions import (
    LEARNED,
    ModelVersions,
    VersionRecord,
    encoder_sha256,
    heads_fingerprint,
    key_digest,
)
from moderation.evaluation import LabelledComment
from moderation.model.onnx_model import ToxicityModel
from moderation.registers import Registers
from moderation.review import AuditEvent
from moderation.rules import HouseRules
from store.base import Store

# Fewer decisions than this and there is nothing to learn from yet.
MIN_EXAMPLES = 20
ACTOR = "houserules learn"
LEARNED_EVENT = "model_learned"
REFUSED_EVENT = "model_refused"
USED_EVENT = "model_used"


class LearnError(Exception):
    """Learning cannot run here; the message says what is missing."""


@dataclass
class LearnReport:
    """What a run found and did; `to_json` is what `learn --json` prints."""

    dry_run: bool
    current: str
    examples: int = 0
    trained_on: int = 0
    held_out: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    by_decision: dict[str, int] = field(default_factory=dict)
    by_label: dict[str, dict[str, int]] = field(default_factory=dict)
    weight_change: dict[str, float] = field(default_factory=dict)
    gate: GateResult | None = None
    version: str = ""  # the new current version, when one was kept
    status: str = ""  # accepted, refused, too_few
    message: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    forgotten: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "dry_run": self.dry_run,
            "message": self.message,
            "current_before": self.current,
            "new_version": self.version,
            "examples": self.examples,
            "trained_on": self.trained_on,
            "held_out": self.held_out,
            "skipped": self.skipped,
            "by_decision": self.by_decision,
            "by_label": self.by_label,
            "weight_change": self.weight_change,
            "gate": self.gate.to_json() if self.gate else None,
            "examples_forgotten": self.forgotten,
            "seconds": self.seconds,
        }


def evaluation_sets(folder: Path | None = None) -> list[EvalSet]:
    """The bundled evaluation councils (every `comments.jsonl` under evaluation/), each with
    its own registers."""
    from houserules.config import load_registers
    from houserules.eval_command import read_labelled

    root = folder or evaluation_folder()
    found = sorted(p for p in root.glob("*/comments.jsonl"))
    return [
        EvalSet(p.parent.name, read_labelled(p, "council"), load_registers(p.parent)) for p in found
    ]


def _label_counts(examples: list[ex.Example], labels: tuple[str, ...]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for j, label in enumerate(labels):
        values = [e.labels[j] for e in examples if e.labels[j] is not None]
        if values:
            positive = sum(1 for v in values if v == 1.0)
            counts[label] = {"positive": positive, "negative": len(values) - positive}
    return counts


def learn(
    *,
    store: Store,
    rules: HouseRules,
    registers: Registers,
    base: ToxicityModel,
    versions: ModelVersions,
    now: datetime,
    dry_run: bool = False,
    by: str = ACTOR,
    evaluation: list[EvalSet] | None = None,
    cache_dir: Path | None = None,
) -> LearnReport:
    started = time.perf_counter()
    clock: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        clock[name] = round(time.perf_counter() - since, 2)
        return time.perf_counter()

    current = versions.current_model(base)
    report = LearnReport(dry_run=dry_run, current=current.version)
    if not dry_run:
        report.forgotten = ex.forget_removed(versions.folder, store)
    collected = ex.collect(store, rules, base.labels)
    examples = collected.examples
    report.examples = len(examples)
    report.skipped = dict(collected.skipped)
    report.by_decision = dict(Counter(e.decision for e in examples))
    report.by_label = _label_counts(examples, base.labels)
    t = lap("reading decisions", started)
    if len(examples) < MIN_EXAMPLES:
        report.status = "too_few"
        report.message = (
            f"{len(examples)} usable decisions; learning needs at least {MIN_EXAMPLES}. "
            "Nothing was changed."
        )
        report.seconds = {**clock, "total": round(time.perf_counter() - started, 2)}
        return report

    sets = evaluation if evaluation is not None else evaluation_sets()
    if not sets:
        raise LearnError(
            f"the bundled evaluation councils are missing from {evaluation_folder()}: the gate "
            "needs them (they come with the repository and the container image)"
        )
    encoder_sha = encoder_sha256(base)
    vectors = ex.ExampleEmbeddings(versions.folder).embed(examples, base.encoder, save=not dry_run)
    split = time_split(len(examples))
    train, held = examples[:split], examples[split:]
    report.trained_on, report.held_out = len(train), len(held)
    t = lap("encoding decisions", t)

    sample = load_sample(encoder_sha, base.labels)
    heads, fit = refit(base.heads, sample.embeddings, vectors[:split], ex.label_matrix(train))
    report.weight_change = {k: v for k, v in fit.weight_change.items() if v}
    t = lap("fitting", t)

    known = {e.comment.text: vectors[i] for i, e in enumerate(examples)}
    texts = [it.comment.text for s in sets for it in s.items]
    if texts:
        known.update(
            zip(texts, cached_embeddings(texts, base.encoder, encoder_sha, cache_dir), strict=True)
        )
    t = lap("encoding evaluation councils", t)
    old = EmbeddedModel(current.heads, current.thresholds, current.version, known, base.encoder)
    new = EmbeddedModel(heads, dict(base.thresholds), "candidate", known, base.encoder)
    council = EvalSet(
        COUNCIL_SET,
        [LabelledComment(e.comment, frozenset(), e.gold_action) for e in held],
        registers,
    )
    results = [
        compare(rules, [council], old, new, COUNCIL_SET),
        compare(rules, sets, old, new, EVALUATION_SET),
    ]
    gate = GateResult(accepted=all(r.passed for r in results), sets=results)
    report.gate = gate
    lap("gate", t)

    report.status = "accepted" if gate.accepted else "refused"
    if dry_run:
        report.message = (
            f"Dry run: the candidate would be {'accepted' if gate.accepted else 'refused'}. "
            "Nothing was kept, changed or written to the audit log."
        )
        report.seconds = {**clock, "total": round(time.perf_counter() - started, 2)}
        return report

    versions.ensure_bundled(base, now)
    measured = versions.record(current.version)
    if measured is not None:  # the current model's figures on this gate's sets
        figures = {"at": now.isoformat(), **{s.name: s.current for s in results}}
        versions.save_record(replace(measured, measured=figures))
    summary = _summary(report, gate)
    if gate.accepted:
        name = versions.next_learned_name(base, heads_fingerprint(heads))
        record = VersionRecord(
            name=name,
            kind=LEARNED,
            created_at=now.isoformat(),
            encoder_sha256=encoder_sha,
            thresholds=dict(base.thresholds),
            learned_from=current.version,
            summary=summary,
            gate=gate.to_json(),
            measured={"at": now.isoformat(), **{s.name: s.candidate for s in results}},
            examples={
                "decisions": report.examples,
                "trained_on": report.trained_on,
                "held_out": report.held_out,
                "by_decision": report.by_decision,
                "by_label": report.by_label,
                "newest_decision": train[-1].decided_at.isoformat() if train else "",
            },
            trained_on=tuple(key_digest(e.key) for e in train),
        )
        versions.add_learned(heads, record)
        versions.use(name, now, by, "learned from the council's decisions; passed the gate")
        report.version = name
        report.message = f"The candidate passed the gate and is now the current model: {name}."
    else:
        report.message = f"The candidate was refused ({gate.why}); the current model is unchanged."
    event = LEARNED_EVENT if gate.accepted else REFUSED_EVENT
    detail = (
        f"{report.version or 'candidate refused'} (was {current.version}); "
        f"{report.trained_on} decisions trained on, {report.held_out} held out; "
        f"{gate.summary()}" + ("" if gate.accepted else f"; refused: {gate.why}")
    )
    store.append_audit(AuditEvent(now, by, event, "", detail))
    versions.note_last_run(
        {
            "at": now.isoformat(),
            "status": report.status,
            "version": report.version,
            "was": report.current,
            "summary": summary,
            "why": gate.why,
        }
    )
    report.seconds = {**clock, "total": round(time.perf_counter() - started, 2)}
    return report


def _summary(report: LearnReport, gate: GateResult) -> str:
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.by_decision.items()))
    labels = ", ".join(
        f"{label} +{c['positive']}/-{c['negative']}" for label, c in report.by_label.items()
    )
    return (
        f"{report.examples} decisions ({kinds}; {labels}): trained on the oldest "
        f"{report.trained_on}, the newest {report.held_out} held out. {gate.summary()}"
    )
