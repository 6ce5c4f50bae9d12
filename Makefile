# Two commands matter: `make demo` and `make check`. Both set up what they need:
# a private uv (in .tools/) and the locked virtual environment (.venv/), from PyPI.
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
UV_VERSION := 0.13.9

.PHONY: demo check setup bytecode format lint types test test-detoxify clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet --compile-bytecode
	touch $@

# Byte-compile our own packages too, so a one-off command starts fast even where Python is
# told not to write bytecode (stale files are simply recompiled in memory).
bytecode: $(VENV)/.synced
	$(VENV)/bin/python -m compileall -q moderation stream store ingest houserules review_app dashboards reports

setup: $(VENV)/.synced bytecode

demo: setup
	$(VENV)/bin/houserules demo

format: setup
	$(VENV)/bin/ruff format .

lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

types: setup
	$(VENV)/bin/mypy

# The browser tests need Debian's chromium and chromium-driver and axe-core from npm;
# tests/browser/setup.sh installs whichever is missing (and nothing when all are there).
test: setup
	tests/browser/setup.sh
	$(VENV)/bin/pytest

# The Detoxify backend needs torch; its tests run in their own environment so torch never
# enters the main one (see docs/detoxify.md).
DETOXIFY_VENV := .venv-detoxify

$(DETOXIFY_VENV)/.synced: $(UV) pyproject.toml uv.lock tests/detoxify_env.sh
	tests/detoxify_env.sh
	touch $@

test-detoxify: $(DETOXIFY_VENV)/.synced
	$(DETOXIFY_VENV)/bin/pytest tests/detoxify

# The one check command: format, lint, types, then every test (unit, integration, e2e,
# and the Detoxify backend's).
check: lint types test test-detoxify

clean:
	rm -rf .houserules .mypy_cache .ruff_cache .pytest_cache
