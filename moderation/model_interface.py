"""The one interface through which the core uses a text model.

The bundled ONNX model and the Detoxify backend both implement it. Embeddings come from
the same pass as the scores so a comment is encoded once; a backend without an encoder
returns None and detectors that need embeddings fall back to words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

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


@dataclass(frozen=True, slots=True)
class WordWeight:
    """A word that carried a model score: its span in the comment and its share of the
    score's positive evidence (0 to 1)."""

    start: int
    end: int
    share: float


Explanation = Mapping[str, tuple[WordWeight, ...]]


@runtime_checkable
class ExplainingTextModel(TextModel, Protocol):
    """A model that can also say which words carried each score, from the same pass."""

    def score_explained(
        self, texts: Sequence[str]
    ) -> tuple[npt.NDArray[np.float32], list[dict[str, float]], list[Explanation]]: ...
