"""Embeddings of the training and evaluation texts, cached on disk by encoder and texts.

Encoding ~170k texts takes most of a training run; the cache makes a re-run that only
changes the heads take seconds. The key covers the encoder file's checksum and every text,
so a changed encoder or corpus never reuses stale vectors.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.model.checksums import file_sha256
from moderation.model.onnx_model import SentenceEncoder

CACHE = Path(__file__).resolve().parent / ".cache" / "embeddings"


def _key(encoder_path: Path, texts: Sequence[str]) -> str:
    digest = hashlib.sha256(file_sha256(encoder_path).encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


def embeddings(
    encoder_path: Path, tokenizer_path: Path, texts: Sequence[str], name: str
) -> np.ndarray:
    """(n, 384) float32 for `texts` from the encoder at `encoder_path`, cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-{_key(encoder_path, texts)}.npy"
    if path.exists():
        return np.load(path)
    encoder = SentenceEncoder(encoder_path, tokenizer_path, threads=2)
    started = time.perf_counter()
    chunks = []
    step = 4096
    for start in range(0, len(texts), step):
        chunks.append(encoder.embed(texts[start : start + step], batch_size=64))
        done = min(start + step, len(texts))
        rate = done / (time.perf_counter() - started)
        print(f"  encoded {name}: {done}/{len(texts)} ({rate:.0f}/s)", flush=True)
    vectors = np.concatenate(chunks) if chunks else np.zeros((0, 384), np.float32)
    np.save(path, vectors)
    return vectors
