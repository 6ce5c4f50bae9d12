"""`houserules learn`, `houserules model list` and `houserules model use`.

Nothing from outside is printed as markup: texts, names and reasons go out as plain text.
"""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from houserules.command_output import emit_json, fail, json_option
from houserules.outside_text import cell
from houserules.settings import Settings

out = Console()


def _say(text: str) -> None:
    """A line of the commands' own words, with outside text in it (names, reasons, folders)
    shown as text: never markup, and control characters as escapes."""
    out.print(cell(text), highlight=False, soft_wrap=True)


def _base_and_versions(settings: Settings) -> tuple[Any, Any]:
    from houserules.bootstrap import load_base_model
    from houserules.learning.versions import ModelVersions
    from moderation.model import ToxicityModel

    if settings.model != "bundled":
        fail(
            f"the model setting is {settings.model!r}: learning and model versions work on "
            "the bundled model only"
        )
    base = load_base_model(settings)
    assert isinstance(base, ToxicityModel)
    return base, ModelVersions(settings.model_versions_dir)


@click.command(name="learn")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Fit and compare, print the result, keep nothing and change nothing.",
)
@click.option("--by", default="houserules learn", show_default=True, help="Who, for the audit log.")
@json_option("the whole report")
@click.pass_context
def learn(ctx: click.Context, dry_run: bool, by: str, as_json: bool) -> None:
    """Learn from the council's reviewers: refit the model's heads to their decisions.

    Confirmed hides, restores, escalations and corrected categories become labelled
    examples (erased or expired comments never do). A candidate is fitted on the older
    decisions mixed with the bundled training sample, then compared with the current model
    on the newest decisions and on the bundled evaluation councils. It becomes the current
    model only if it hides no more lawful comments and its macro-F1 is not worse beyond
    noise; the comparison is printed and written to the audit log. `houserules model list`
    shows every version and `houserules model use` goes back. See docs/learning.md.
    """
    from houserules.bootstrap import build_app, model_cache_dir
    from houserules.learning.learn import learn as run_learning
    from store.sqlite import store_exists

    settings: Settings = ctx.obj.settings()
    if settings.store == "sqlite" and not store_exists(settings.sqlite_path):
        fail(f"nothing stored yet in {settings.data_dir}: there are no decisions to learn from")
    base, versions = _base_and_versions(settings)
    app = build_app(settings, model=None, moderators={})
    try:
        report = _learning_or_fail(
            run_learning,
            store=app.store,
            rules=app.rules,
            registers=app.registers,
            base=base,
            versions=versions,
            now=app.clock.now(),
            dry_run=dry_run,
            by=by,
            cache_dir=model_cache_dir(),
        )
    finally:
        app.close()
    if as_json:
        emit_json(report.to_json())
        return
    _print_report(report)


def _learning_or_fail(run: Any, **kwargs: Any) -> Any:
    from houserules.learning.learn import LearnError
    from houserules.learning.sample import SampleError
    from houserules.learning.versions import VersionError

    try:
        return run(**kwargs)
    except (LearnError, SampleError, VersionError) as exc:
        fail(str(exc))


def _print_report(report: Any) -> None:
    _say(f"current model: {report.current}")
    if report.forgotten:
        _say(f"{report.forgotten} examples of comments no longer stored were removed first")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.by_decision.items())) or "none"
    _say(f"usable decisions: {report.examples} ({kinds})")
    for reason, n in sorted(report.skipped.items()):
        _say(f"  not used: {n} ({reason})")
    if report.by_label:
        _say(
            "labels: "
            + ", ".join(
                f"{label} {c['positive']} positive / {c['negative']} negative"
                for label, c in report.by_label.items()
            )
        )
    if report.gate is not None:
        _say(
            f"trained on the oldest {report.trained_on}, compared on the newest "
            f"{report.held_out} and on the bundled evaluation councils"
        )
        _say("the gate, current model -> candidate:")
        for s in report.gate.sets:
            cur, cand = s.current, s.candidate
            _say(
                f"  {s.name} ({s.n} comments, {s.lawful} lawful): false hides "
                f"{int(cur['false_hides'])} -> {int(cand['false_hides'])} (rate "
                f"{cur['false_hide_rate']:.3f} -> {cand['false_hide_rate']:.3f}); macro-F1 "
                f"{cur['macro_f1']:.3f} -> {cand['macro_f1']:.3f} (95% interval of the "
                f"change {s.f1_change_interval[0]:+.3f} to {s.f1_change_interval[1]:+.3f}): "
                + ("pass" if s.passed else "FAIL, " + s.why)
            )
    _say(report.message)
    _say(f"took {report.seconds.get('total', 0):.1f} s")


@click.group(name="model")
def model() -> None:
    """The council's model versions: list them, or choose which one judges."""


@model.command(name="list")
@json_option("the versions")
@click.pass_context
def model_list(ctx: click.Context, as_json: bool) -> None:
    """Every model version the council has had, with its figures; the current one marked."""
    from stream.clock import SystemClock

    settings: Settings = ctx.obj.settings()
    base, versions = _base_and_versions(settings)
    current = versions.current_model(base).version
    records = versions.records()
    if not any(r.name == base.version for r in records):
        # Listed, not written: reading the list makes nothing on disk.
        records.insert(0, versions.bundled_record(base, SystemClock().now()))
    if as_json:
        emit_json(
            {
                "current": current,
                "versions": [r.to_json() | {"current": r.name == current} for r in records],
                "history": versions.history(),
                "last_learn": versions.last_run(),
            }
        )
        return
    _say(f"model versions in {versions.folder} (newest last):")
    for r in records:
        mark = "  (current)" if r.name == current else ""
        _say(f"{'*' if mark else '-'} {r.name}{mark}")
        made = r.created_at[:16].replace("T", " ")
        if r.kind == "learned":
            _say(
                f"    learned {made} UTC on the bundled model; current before it: {r.learned_from}"
            )
        else:
            _say(f"    {r.summary}, first recorded {made} UTC")
        for name, f in r.measured.items():
            if isinstance(f, dict):
                _say(
                    f"    {name}: false-hide rate {f['false_hide_rate']:.3f}, "
                    f"macro-F1 {f['macro_f1']:.3f}"
                )
        if r.kind == "learned":
            _say(f"    what changed: {r.summary}")
        if r.erased_since:
            _say(
                f"    {r.erased_since} of the comments it learned from have since been erased "
                "or expired: run `houserules learn` to learn again without them"
            )
    ran = versions.last_run()
    if ran:
        _say(f"last learn: {ran['at'][:16].replace('T', ' ')} UTC, {ran['status']}")


@model.command(name="use")
@click.argument("version")
@click.option("--by", required=True, help="Your name, for the audit log.")
@click.option("--reason", required=True, help="Why, for the audit log.")
@json_option("the result")
@click.pass_context
def model_use(ctx: click.Context, version: str, by: str, reason: str, as_json: bool) -> None:
    """Make VERSION the current model (back or forward); `bundled` is the shipped one.

    Running workers and connectors switch before their next batch; nothing needs a
    restart. The change is written to the audit log.
    """
    from houserules.bootstrap import build_app
    from houserules.learning.learn import USED_EVENT
    from houserules.learning.versions import VersionError
    from moderation.review import AuditEvent

    settings: Settings = ctx.obj.settings()
    base, versions = _base_and_versions(settings)
    app = build_app(settings, model=None, moderators={})
    try:
        now = app.clock.now()
        versions.ensure_bundled(base, now)
        name = base.version if version == "bundled" else version
        before = versions.current_model(base).version
        try:
            versions.model_for(name, base)
            if versions.record(name) is None:
                raise VersionError(f"there is no model version {name!r}: `houserules model list`")
        except VersionError as exc:
            fail(str(exc))
        versions.use(name, now, by, reason)
        app.store.append_audit(
            AuditEvent(now, by, USED_EVENT, "", f"{name} (was {before}): {reason}")
        )
    finally:
        app.close()
    if as_json:
        emit_json({"current": name, "was": before})
        return
    _say(f"the current model is now {name} (was {before}); recorded in the audit log")
