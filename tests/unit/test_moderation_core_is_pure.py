"""moderation/ is the pure core: it must not import transport, storage or web code."""

import ast
import subprocess
import sys
from pathlib import Path

FORBIDDEN = (
    "kafka",
    "faust",
    "aiokafka",
    "elasticsearch",
    "requests",
    "httpx",
    "urllib3",
    "aiohttp",
    "http",
    "flask",
    "fastapi",
    "starlette",
    "django",
    "tweepy",
    "facebook",
    "googleapiclient",
    "sqlite3",
    "torch",
)
CORE = Path(__file__).resolve().parents[2] / "moderation"


def test_no_module_in_moderation_imports_transport_storage_or_web_code() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_the_whole_core_loads_no_transport_storage_or_web_library() -> None:
    modules = sorted(
        ".".join(p.relative_to(CORE.parent).with_suffix("").parts)
        for p in CORE.rglob("*.py")
        if p.name != "__init__.py"
    )
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=CORE.parent
    ).stdout.split()
    assert [m for m in loaded if m in FORBIDDEN] == []
