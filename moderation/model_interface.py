"""The one interface through which the core uses a text model.

The bundled ONNX model and the Detoxify backend both implement it. Embeddings come from
the same pass as the scores so a comment is encoded once; a backend without an encoder
returns None and detectors that need embeddings fall back to words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

LABELS = ("toxicity", "insult", "identity_attack", "threat", "obscene")


class TextModel(Protocol):
    version: str

    def score(
        self, texts: Sequence[str]
    ) -> tuple[npt.NDArray[np.float32] | None, list[dict[str, float]]]: ...

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32] | None: ...
