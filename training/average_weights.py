"""Average the weights of fine-tuned checkpoints trained on the same data with different seeds.

    training/.venv/bin/python training/average_weights.py A.pt B.pt [...] --out averaged.pt
    training/.venv/bin/python training/finetune.py --public DIR --export-only averaged.pt \\
        --out training/.cache/finetune/model

Runs fine-tuned from the same encoder stay close enough in weight space that their mean is a
model of its own ("model soup", Wortsman et al., 2022), usually steadier than any one run: the
thresholds package_model.py chooses depend less on one run's luck on a handful of comments.
Every floating-point tensor is the mean of the checkpoints'; integer buffers are taken from
the first. Checkpoints that do not hold the same tensors are refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch


def average(paths: list[Path]) -> dict[str, torch.Tensor]:
    states = [torch.load(path, map_location="cpu") for path in paths]
    first = states[0]
    for path, state in zip(paths[1:], states[1:], strict=True):
        if state.keys() != first.keys() or any(state[k].shape != first[k].shape for k in first):
            raise SystemExit(f"{path}: not the same model as {paths[0]} (different tensors)")
    return {
        key: (
            torch.stack([s[key].float() for s in states]).mean(0).to(tensor.dtype)
            if tensor.is_floating_point()
            else tensor
        )
        for key, tensor in first.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkpoints", type=Path, nargs="+", help="epochN.pt files, two or more")
    parser.add_argument("--out", type=Path, required=True, help="where to write the average")
    args = parser.parse_args()
    if len(args.checkpoints) < 2:
        parser.error("give two or more checkpoints to average")
    missing = [str(p) for p in args.checkpoints if not p.is_file()]
    if missing:
        parser.error(f"no such checkpoint: {', '.join(missing)}")
    averaged = average(args.checkpoints)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(averaged, args.out)
    print(f"averaged {len(args.checkpoints)} checkpoints into {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
