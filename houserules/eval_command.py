"""`houserules eval` and `houserules bench classify`: how good and how fast the classifier is.

Both are reports with numbers, not tests; tests only hold floors under these numbers.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from houserules.bootstrap import build_classifier, load_model
from houserules.command_output import json_option
from houserules.config import DEMO_REGISTERS_DIR, load_registers, load_rules
from houserules.name_fairness import name_fairness
from houserules.outside_text import shown
from houserules.public_sets import ADAPTERS, functionality_of, guess_format, identity_term
from ingest.files import read_comments
from moderation.comment import Comment
from moderation.evaluation import ACTIONS, LabelledComment, evaluate
from moderation.outside_text import visible
from moderation.plain_reading import plain_reading
from moderation.text_caches import clear_text_caches
from moderation.verdict import Verdict

out = Console()
DEV_SET = Path(__file__).resolve().parents[1] / "evaluation" / "council-dev"


def read_labelled(path: Path, fmt: str) -> list[LabelledComment]:
    if fmt != "council":
        return ADAPTERS[fmt](path)
    result = read_comments(path)
    for bad in result.rejected:
        click.echo(visible(f"{path}:{bad.line}: skipped: {bad.reason}", one_line=True), err=True)
    return [
        LabelledComment(
            r.comment,
            frozenset(r.extra.get("gold_categories") or ()),
            str(r.extra.get("gold_action", "allow")),
        )
        for r in result.rows
    ]


def _madlibs_flags(items: list[LabelledComment], actions: list[str]) -> dict[str, Any]:
    per_term: dict[str, list[int]] = {}
    for item, action in zip(items, actions, strict=True):
        if item.gold_action != "allow":
            continue
        term = identity_term(item.comment.text)
        if term:
            flagged = per_term.setdefault(term, [0, 0])
            flagged[0] += action in ("hide", "escalate")
            flagged[1] += 1
    rates = {t: round(f / n, 4) for t, (f, n) in sorted(per_term.items())}
    worst = max(rates, key=lambda t: rates[t]) if rates else ""
    return {
        "non_toxic_flag_rate_by_term": rates,
        "worst_term": worst,
        "worst_term_flag_rate": rates.get(worst, 0.0),
    }


@click.command(name="eval")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--registers",
    type=click.Path(path_type=Path),
    help="The council's registers for a council-format file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "council", *ADAPTERS]),
    default="auto",
    show_default=True,
    help="Label format; guessed from the file name.",
)
@click.option("--limit", type=int, default=None, help="Evaluate only the first N items.")
@click.option(
    "--worst", type=int, default=10, show_default=True, help="Show this many worst misses."
)
@json_option("the results")
@click.option("--markdown", is_flag=True, help="Print the tables as Markdown (for docs).")
@click.option(
    "--swap-names",
    is_flag=True,
    help="Also rename the people in harmless comments to names from many backgrounds and "
    "report each group's flag rate (a council file with a people register).",
)
@click.pass_obj
def eval_command(
    obj: Any,
    file: Path,
    registers: Path | None,
    fmt: str,
    limit: int | None,
    worst: int,
    as_json: bool,
    markdown: bool,
    swap_names: bool,
) -> None:
    """Measure the classifier against a labelled file (council JSONL or a public set)."""
    fmt = guess_format(file) if fmt == "auto" else fmt
    settings = obj.settings()
    items = read_labelled(file, fmt)[:limit]
    if registers is None and (file.parent / "people.yaml").is_file():
        registers = file.parent  # a labelled council ships its registers beside its comments
    council = load_registers(registers or settings.registers_dir)
    classifier = build_classifier(load_rules(settings.rules_file), council, load_model(settings))

    def judge(comments: Sequence[Comment]) -> list[Verdict]:
        verdicts: list[Verdict] = []
        for i in range(0, len(comments), 64):
            verdicts += classifier.classify(comments[i : i + 64])
        return verdicts

    started = time.perf_counter()
    verdicts = judge([it.comment for it in items])
    seconds = time.perf_counter() - started
    report = evaluate(items, verdicts, worst=worst)
    report.update(
        {
            "format": fmt,
            "file": str(file),
            "classifier": classifier.version,
            "seconds": round(seconds, 2),
        }
    )
    if fmt == "madlibs":
        report.update(_madlibs_flags(items, [v.action.value for v in verdicts]))
    if fmt == "functional":
        report["per_functionality"] = per_functionality(items, verdicts)
    if swap_names:
        report["names"] = name_fairness(items, council.people, judge)
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif markdown:
        click.echo(markdown_report(report))
    else:
        _print_report(report)


def per_functionality(
    items: list[LabelledComment], verdicts: list[Verdict]
) -> dict[str, dict[str, Any]]:
    """For each functionality: how many cases, and the share judged the right way round
    (hidden or escalated when they should be flagged, left visible when they should not)."""
    tally: dict[str, list[int]] = {}  # functionality -> [right, cases, flagged cases]
    for item, verdict in zip(items, verdicts, strict=True):
        flagged = verdict.action.value in ("hide", "escalate")
        wanted = item.gold_action in ("hide", "escalate")
        counts = tally.setdefault(functionality_of(item), [0, 0, 0])
        counts[0] += flagged == wanted
        counts[1] += 1
        counts[2] += wanted
    return {
        name: {
            "n": n,
            "passed": ok,
            "pass_rate": round(ok / n, 4),
            "expected": "flag" if wanted else "allow",
        }
        for name, (ok, n, wanted) in sorted(tally.items())
    }


def markdown_report(r: dict[str, Any]) -> str:
    lines = [
        f"`{r['file']}` ({r['format']}, {r['n']} items, classifier `{r['classifier']}`)",
        "",
        "| action macro-F1 | false-hide rate | hide recall | escalate recall |",
        "|---|---|---|---|",
        f"| {r['action_macro_f1']:.3f} | {r['false_hide_rate']:.3f} | {r['hide_recall']:.3f} "
        f"| {r['escalate_recall']:.3f} |",
        "",
        "| gold \\ predicted | " + " | ".join(ACTIONS) + " |",
        "|---" * (len(ACTIONS) + 1) + "|",
    ]
    lines += [
        f"| {g} | " + " | ".join(str(r["confusion"][g][p]) for p in ACTIONS) + " |" for g in ACTIONS
    ]
    lines += ["", "| category | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    lines += [
        f"| {c} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
        for c, m in r["per_category"].items()
        if m["support"]
    ]
    if "per_functionality" in r:
        lines += ["", "| functionality | expected | cases | judged right |", "|---|---|---|---|"]
        lines += [
            f"| {name} | {m['expected']} | {m['n']} | {m['pass_rate']:.2f} |"
            for name, m in r["per_functionality"].items()
        ]
    if "worst_term" in r:
        lines += [
            "",
            f"Identity terms: the worst non-toxic flag rate is "
            f"{r['worst_term_flag_rate']:.3f} ('{r['worst_term']}') over "
            f"{len(r['non_toxic_flag_rate_by_term'])} terms.",
        ]
    if "names" in r:
        lines += [
            "",
            f"Names swapped in {r['names']['comments']} harmless comments "
            f"({r['names']['draws']} draws each); widest gap {r['names']['gap']:.3f}:",
            "",
            "| names | hidden or escalated |",
            "|---|---|",
        ]
        lines += [f"| {g} | {v:.3f} |" for g, v in r["names"]["flag_rate_by_names"].items()]
    return "\n".join(lines)


def _print_report(r: dict[str, Any]) -> None:
    out.print(
        f"[bold]{shown(r['file'])}[/bold] ({r['format']}, {r['n']} items, classifier "
        f"{r['classifier']}, {r['seconds']} s)"
    )
    out.print(
        f"action macro-F1 {r['action_macro_f1']:.3f}   false-hide rate "
        f"{r['false_hide_rate']:.3f}   hide recall {r['hide_recall']:.3f}   escalate recall "
        f"{r['escalate_recall']:.3f}"
    )
    table = Table(title="Actions: gold (rows) by predicted (columns)")
    table.add_column("gold")
    for a in ACTIONS:
        table.add_column(a, justify="right")
    for g in ACTIONS:
        table.add_row(g, *(str(r["confusion"][g][p]) for p in ACTIONS))
    out.print(table)
    for title, key in (("Per action", "per_action"), ("Per category", "per_category")):
        table = Table(title=title)
        for col in ("", "precision", "recall", "F1", "support"):
            table.add_column(col, justify="right" if col else "left")
        for name, m in r[key].items():
            table.add_row(
                name,
                f"{m['precision']:.3f}",
                f"{m['recall']:.3f}",
                f"{m['f1']:.3f}",
                str(m["support"]),
            )
        out.print(table)
    if "per_functionality" in r:
        table = Table(title="Per functionality")
        for col in ("functionality", "expected", "cases", "judged right"):
            table.add_column(
                col, justify="left" if col in ("functionality", "expected") else "right"
            )
        for name, m in r["per_functionality"].items():
            table.add_row(name, m["expected"], str(m["n"]), f"{m['pass_rate']:.2f}")
        out.print(table)
    if "worst_term" in r:
        out.print(
            f"identity terms: worst non-toxic flag rate {r['worst_term_flag_rate']:.3f} "
            f"({r['worst_term']})"
        )
    if "names" in r:
        table = Table(title=f"Names swapped in {r['names']['comments']} harmless comments")
        table.add_column("names")
        table.add_column("hidden or escalated", justify="right")
        for group, rate in r["names"]["flag_rate_by_names"].items():
            table.add_row(group, f"{rate:.3f}")
        out.print(table)
        out.print(f"widest gap between groups: {r['names']['gap']:.3f}")
    out.print("[bold]Worst misses[/bold]")
    for m in r["worst_misses"]:
        out.print(
            f"- {m['id']}: gold {m['gold_action']} {m['gold_categories']}, got "
            f"{m['got_action']} {m['got_categories']}: {m['text'][:100]!r}",
            highlight=False,
            markup=False,
        )


@click.group()
def bench() -> None:
    """Measure speed (reports numbers; not a test)."""


@bench.command(name="classify")
@click.option(
    "--file",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="JSONL of comments (default: the council-dev set, else the demo data).",
)
@click.option(
    "--batch", type=int, default=32, show_default=True, help="Comments per classifier call."
)
@click.option("--rounds", type=int, default=11, show_default=True, help="Timed rounds (medians).")
@json_option("the measurements")
@click.pass_obj
def bench_classify(obj: Any, file: Path | None, batch: int, rounds: int, as_json: bool) -> None:
    """Comments per second through the whole classifier, against the raw encoder's ceiling."""
    settings = obj.settings()
    if file is None:
        dev = DEV_SET / "comments.jsonl"
        file = dev if dev.exists() else DEMO_REGISTERS_DIR / "comments.jsonl"
    registers = file.parent if (file.parent / "people.yaml").exists() else None
    comments = read_comments(file).comments
    model = load_model(settings)
    classifier = build_classifier(
        load_rules(settings.rules_file), load_registers(registers or settings.registers_dir), model
    )
    texts = [c.text for c in comments]
    encoders = _raw_encoders(model)
    classifier.classify(comments[:batch])  # warm up
    for encoder in encoders.values():
        encoder.embed(texts[:batch])

    def rate(fn: Any, items: list[Any]) -> float:
        start = time.perf_counter()
        for i in range(0, len(items), batch):
            fn(items[i : i + batch])
        return len(items) / (time.perf_counter() - start)

    # Rounds interleave the classifier with each raw encoder, so a busy moment on the machine
    # slows all of them alike; medians, not bests, are reported. The classifier's caches of
    # what it worked out from each text are emptied first: every round reads the comments
    # as new, as a live stream would.
    rates: dict[str, list[float]] = {"classifier": [], **{name: [] for name in encoders}}
    for _ in range(rounds):
        clear_text_caches()
        rates["classifier"].append(rate(classifier.classify, comments))
        for name, encoder in encoders.items():
            rates[name].append(rate(encoder.embed, texts))
    parts = _time_parts(classifier, comments, batch)
    medians = {name: statistics.median(values) for name, values in rates.items()}
    per_s = medians.pop("classifier")
    ceiling = max(medians.values()) if medians else float("nan")
    encoder_rates = {name: round(v, 1) for name, v in medians.items()}
    result: dict[str, Any] = {
        "n": len(comments),
        "batch": batch,
        "rounds": rounds,
        "classifier": classifier.version,
        "comments_per_s": round(per_s, 1),
        "encoder_per_s": encoder_rates,
        "encoder_ceiling_per_s": round(ceiling, 1),
        "ratio": round(per_s / ceiling, 3) if medians else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **parts,
    }
    if as_json:
        click.echo(json.dumps(result))
        return
    out.print(f"{result['n']} comments from {file}, batches of {batch}, median of {rounds}:")
    for name, value in encoder_rates.items():
        out.print(f"raw encoder, {name}: {value} comments/s")
    out.print(
        f"classifier {result['comments_per_s']} comments/s; ratio to the fastest raw encoder "
        f"{result['ratio']}; peak RSS {result['peak_rss_mb']} MB"
    )
    out.print(
        f"per comment, one more round: reading and encoding {parts['reading_ms']} ms "
        f"({parts['texts_encoded_per_comment']} texts encoded per comment: dodged spellings "
        f"are read twice), detectors and decision {parts['detectors_ms']} ms"
    )


def _time_parts(classifier: Any, comments: list[Comment], batch: int) -> dict[str, float]:
    """Where a comment's time goes, from one more round with the caches emptied: preparing
    it (folding, the plain reading, the encoder, the heads and word evidence) and judging it
    (the register detectors and the house rules)."""
    clear_text_caches()
    reading = judging = 0.0
    for i in range(0, len(comments), batch):
        start = time.perf_counter()
        docs = classifier.documents(comments[i : i + batch])
        prepared = time.perf_counter()
        for doc in docs:
            classifier.judge(doc)
        reading += prepared - start
        judging += time.perf_counter() - prepared
    n = max(1, len(comments))
    encoded = (
        0
        if classifier.model is None
        else n + sum(plain_reading(c.text).worth_scoring for c in comments)
    )
    return {
        "reading_ms": round(1000 * reading / n, 3),
        "detectors_ms": round(1000 * judging / n, 3),
        "texts_encoded_per_comment": round(encoded / n, 2),
    }


def _raw_encoders(model: Any) -> dict[str, Any]:
    """The same encoder file run bare, two ways: int8 weights folded to float32 once at load,
    and onnxruntime's own int8 kernels (what houserules runs)."""
    from moderation.model import SentenceEncoder, ToxicityModel, bundled_folder

    if not isinstance(model, ToxicityModel):
        return {}
    folder = model.folder or bundled_folder()
    paths = (folder / "encoder.onnx", folder / "tokenizer.json")
    return {
        "fp32 (int8 weights folded at load)": SentenceEncoder(*paths, fold_weights=True),
        "int8 (onnxruntime int8 kernels)": SentenceEncoder(*paths, fold_weights=False),
    }


def _add_bench_commands() -> None:
    from houserules.bench_pipeline import bench_pipeline
    from houserules.bench_report import bench_report
    from houserules.bench_review_app import bench_review_app
    from houserules.bench_webhooks import bench_webhooks

    bench.add_command(bench_pipeline)
    bench.add_command(bench_review_app)
    bench.add_command(bench_webhooks)
    bench.add_command(bench_report)


_add_bench_commands()
