"""Dependencies run one way: the core depends on nothing of ours, the store on nothing but the
core, and nothing depends on `houserules/`, which holds the composition roots.

Every import in every module is read from its syntax tree, including imports inside
functions (a deferred import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = (
    "moderation",
    "ingest",
    "stream",
    "store",
    "houserules",
    "dashboards",
    "review_app",
    "reports",
)

# package -> the packages of ours it may import
ALLOWED: dict[str, set[str]] = {
    "moderation": set(),
    "store": {"moderation"},
    "stream": {"moderation", "store"},
    "ingest": {"moderation", "store", "stream"},
    "dashboards": {"moderation", "store"},
    # The report counts through the dashboards' charts (reports.counts).
    "reports": {"moderation", "store", "stream", "dashboards"},
}


def imported_packages(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names]
    return [(line, top) for line, top in found if top in OURS]


def upward_imports(package: str) -> list[str]:
    allowed = ALLOWED[package] | {package}
    return [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, top in imported_packages(path)
        if top not in allowed
    ]


def test_the_core_imports_no_other_package_of_ours() -> None:
    assert upward_imports("moderation") == []


def test_the_store_imports_only_the_core() -> None:
    assert upward_imports("store") == []


def test_the_stream_imports_neither_connectors_nor_composition_roots() -> None:
    assert upward_imports("stream") == []


def test_connectors_and_dashboards_never_import_the_composition_roots() -> None:
    assert upward_imports("ingest") == []
    assert upward_imports("dashboards") == []


def test_reports_read_the_stores_and_never_the_composition_roots() -> None:
    assert upward_imports("reports") == []


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from houserules.settings import Settings\n")
    assert imported_packages(module) == [(2, "houserules")]
