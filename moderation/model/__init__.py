"""The toxicity model houserules ships, run on ONNX Runtime (see MODEL_CARD.md)."""

from moderation.model.checksums import ModelFilesError
from moderation.model.onnx_model import (
    SentenceEncoder,
    ToxicityHeads,
    ToxicityModel,
    bundled_folder,
)

__all__ = ["ModelFilesError", "SentenceEncoder", "ToxicityHeads", "ToxicityModel", "bundled_folder"]
