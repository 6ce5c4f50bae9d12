"""The bundled training sample: embeddings of 4,000 comments from the written council corpus
the bundled model was trained on (built by training/learning_sample.py; no text, no public
set, nothing from evaluation/). `fit.py` mixes it with the council's decisions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

SAMPLE_FILE = Path(__file__).resolve().parent / "training_sample.npz"


class SampleError(RuntimeError):
    """The sample is missing, damaged, or was made with another encoder."""


@dataclass(frozen=True)
class TrainingSample:
    embeddings: npt.NDArray[np.float32]  # (n, 384), unit rows
    labels: npt.NDArray[np.float32]  # (n, labels): 1, 0 or NaN (kept for the record)
    label_names: tuple[str, ...]
    encoder_sha256: str


def load_sample(
    encoder_sha256: str, labels: tuple[str, ...], path: Path = SAMPLE_FILE
) -> TrainingSample:
    """The sample, checked to fit this encoder and these labels."""
    try:
        with np.load(path, allow_pickle=False) as data:
            quantised = data["embeddings"].astype(np.float32)
            scales = data["scales"].astype(np.float32)
            names = tuple(str(x) for x in data["labels_order"])
            made_with = str(data["encoder_sha256"])
            gold = data["labels"].astype(np.float32)
    except (OSError, KeyError, ValueError) as exc:
        raise SampleError(f"the bundled training sample {path} cannot be read: {exc}") from None
    if made_with != encoder_sha256:
        raise SampleError(
            f"the bundled training sample {path} was made with another encoder "
            f"({made_with[:12]}…, this model's is {encoder_sha256[:12]}…): rebuild it with "
            "training/learning_sample.py"
        )
    if names != labels:
        raise SampleError(f"the bundled training sample {path} has labels {names}, not {labels}")
    unit = quantised * scales[:, None]
    unit /= np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    return TrainingSample(unit, gold, names, made_with)
