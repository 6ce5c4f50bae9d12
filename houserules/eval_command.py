"""`houserules eval` and `houserules bench classify`: how good and how fast the classifier is.

Both are reports with numbers, not tests; tests only hold floors under these numbers.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from houserules.bootstrap import build_classifier, load_model
from houserules.config import DEMO_REGISTERS_DIR, load_registers, load_rules
from houserules.public_sets import ADAPTERS, guess_format, identity_term
from ingest.files import read_comments
from moderation.evaluation import ACTIONS, LabelledComment, evaluate

out = Console()
DEV_SET = Path(__file__).resolve().parents[1] / "evaluation" / "council-dev"


def read_labelled(path: Path, fmt: str) -> list[LabelledComment]:
    if fmt != "council":
        return ADAPTERS[fmt](path)
    result = read_comments(path)
    for bad in result.rejected:
        click.echo(f"{path}:{bad.line}: skipped: {bad.reason}", err=True)
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
@click.option("--worst", type=int, default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--markdown", is_flag=True, help="Print the tables as Markdown (for docs).")
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
) -> None:
    """Measure the classifier against a labelled file (council JSONL or a public set)."""
    fmt = guess_format(file) if fmt == "auto" else fmt
    settings = obj.settings()
    items = read_labelled(file, fmt)[:limit]
    classifier = build_classifier(
        load_rules(settings.rules_file),
        load_registers(registers or settings.registers_dir),
        load_model(settings),
    )
    started = time.perf_counter()
    verdicts = []
    for i in range(0, len(items), 64):
        verdicts += classifier.classify([it.comment for it in items[i : i + 64]])
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
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif markdown:
        click.echo(markdown_report(report))
    else:
        _print_report(report)


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
    if "worst_term" in r:
        lines += [
            "",
            f"Identity terms: the worst non-toxic flag rate is "
            f"{r['worst_term_flag_rate']:.3f} ('{r['worst_term']}') over "
            f"{len(r['non_toxic_flag_rate_by_term'])} terms.",
        ]
    return "\n".join(lines)


def _print_report(r: dict[str, Any]) -> None:
    out.print(
        f"[bold]{r['file']}[/bold] ({r['format']}, {r['n']} items, classifier "
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
    if "worst_term" in r:
        out.print(
            f"identity terms: worst non-toxic flag rate {r['worst_term_flag_rate']:.3f} "
            f"({r['worst_term']})"
        )
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
@click.option("--batch", type=int, default=32, show_default=True)
@click.option("--rounds", type=int, default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True)
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
    classifier.classify(comments[:batch])  # warm up
    if model is not None:
        model.embed(texts[:batch])

    def timed(fn: Any, items: list[Any]) -> float:
        best = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            for i in range(0, len(items), batch):
                fn(items[i : i + batch])
            best = min(best, time.perf_counter() - start)
        return len(items) / best

    per_s = timed(classifier.classify, comments)
    ceiling = timed(model.embed, texts) if model is not None else float("nan")
    result = {
        "n": len(comments),
        "batch": batch,
        "classifier": classifier.version,
        "comments_per_s": round(per_s, 1),
        "encoder_ceiling_per_s": round(ceiling, 1),
        "ratio": round(per_s / ceiling, 3) if model is not None else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if as_json:
        click.echo(json.dumps(result))
        return
    out.print(f"{result['n']} comments from {file}, batches of {batch}, best of {rounds}:")
    out.print(
        f"classifier {result['comments_per_s']} comments/s; raw encoder "
        f"{result['encoder_ceiling_per_s']} comments/s; ratio {result['ratio']}; "
        f"peak RSS {result['peak_rss_mb']} MB"
    )
