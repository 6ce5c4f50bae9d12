#!/usr/bin/env bash
# Build .venv-detoxify, the environment tests/detoxify runs in: the project exactly as uv.lock
# pins it, with the `detoxify` extra (torch, transformers, detoxify) and the dev tools.
# The main .venv never gets torch. Idempotent: a second run changes nothing.
#
# PyPI has only CUDA builds of torch for Linux x86_64. libtorch links the CUDA runtime
# libraries (cudart, cublas, cudnn, nccl, cusparse, cufft, ...), so those wheels must be
# installed even to run on CPU; the packages below are never linked and are only loaded for
# GPU compilation or CUDA Python bindings, so they are left out (saving about 1.1 GB on disk,
# 0.3 GB of download). The tests prove torch imports and runs on CPU without them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
uv="${UV:-$root/.tools/bin/uv}"
venv="${DETOXIFY_VENV:-$root/.venv-detoxify}"
not_needed_on_cpu=(triton cuda-bindings cuda-pathfinder nvidia-cuda-cccl nvidia-nvtx)

skip=()
for package in "${not_needed_on_cpu[@]}"; do
    skip+=(--no-install-package "$package")
done
UV_PROJECT_ENVIRONMENT="$venv" "$uv" sync --project "$root" --frozen --extra detoxify \
    --quiet "${skip[@]}"
"$venv/bin/python" -c "import torch, transformers; torch.ones(2) @ torch.ones(2)"
echo "detoxify test environment ready: $venv"
