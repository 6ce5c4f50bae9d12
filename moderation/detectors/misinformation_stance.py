"""Whether a comment near a known false claim asserts it: the misinformation detector's last step.

Matching finds the register claim a comment is closest to; it cannot tell a comment that
repeats the rumour in its own words from one that complains about the same topic or answers it,
since both are close in meaning and share the topic's words. The stance check reads both: the
comment's vector times the claim's vector and times the official fact's vector, element by
element (which parts of the meaning side with the rumour and which with the council's line),
and the detector's own readings of the comment (likeness to the claim and to the official fact,
the match's strength, shared words, a question, how many sentences). It is a logistic
regression fitted by training/misinformation_stance.py on the written training councils, never
on the councils that choose thresholds or test them, and it ships beside the model it was
fitted with (its file is listed in the model's SHA256SUMS, so it is part of the model version
every verdict records).

Where the linear check is unsure (its probability inside the band the claim reader's settings
name), the claim reader decides instead: MiniLM fine-tuned to read the claim and the comment
together, word against word (moderation/model/pair_reader.py, trained by
training/stance_cross_encoder.py on the same councils). It ships beside the linear check as
misinformation_reader.onnx with its threshold and band in misinformation_reader.json, both listed
in SHA256SUMS; a model folder without them keeps the linear check alone.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, fields, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from moderation.model.checksums import ModelFilesError, read_sums
from moderation.model.pair_reader import PairReader

STANCE_FILE = "misinformation_stance.npz"
READER_FILE = "misinformation_reader.onnx"
READER_SETTINGS = "misinformation_reader.json"


@dataclass(frozen=True)
class StanceReadings:
    """What the detector already knows of a comment and the claim it is nearest."""

    claim_likeness: float  # cosine of the comment's vector and the claim's
    official_likeness: float  # cosine of the comment's vector and the official fact's
    strength: float  # the match's strength, 1.0 at the match bar
    shared_words: float  # the shared-words match alone, on the same scale (0 if none)
    asks: bool  # a sentence is a question
    sentences: int


# Readings of the comment that follow the two products of vectors (see `features`).
READINGS = len(fields(StanceReadings))


def features(
    vector: npt.NDArray[np.float32],
    claim_vector: npt.NDArray[np.float32],
    official_vector: npt.NDArray[np.float32],
    readings: StanceReadings,
) -> npt.NDArray[np.float32]:
    """One row for the regression: 2 x 384 products of vectors (scaled by 10 so they weigh
    like the readings), then the readings in the order StanceReadings declares them."""
    return np.concatenate(
        [
            10 * vector * claim_vector,
            10 * vector * official_vector,
            np.array(astuple(readings), dtype=np.float32),
        ]
    ).astype(np.float32)


@dataclass(frozen=True)
class Stance:
    """One decision on whether a comment asserts its claim, and which check made it."""

    probability: float
    threshold: float
    by: str  # "stance check" or "claim reader", as the evidence names it

    @property
    def asserts(self) -> bool:
        return self.probability >= self.threshold


@dataclass(frozen=True)
class ClaimReader:
    """The cross-encoder asked where the linear check's probability is inside `unsure`."""

    reader: PairReader
    threshold: float
    unsure: tuple[float, float]

    def asked(self, linear: float) -> bool:
        return self.unsure[0] <= linear <= self.unsure[1]

    @classmethod
    def beside(cls, folder: Path, listed: dict[str, str]) -> ClaimReader | None:
        """The claim reader in a model folder, or None when it has none. Both files must be
        listed in `listed` (the folder's SHA256SUMS, as read_sums gives it); the settings must name
        a threshold and a band between 0 and 1."""
        graph, settings = folder / READER_FILE, folder / READER_SETTINGS
        if not graph.is_file() and not settings.is_file():
            return None
        for path in (graph, settings):
            if not path.is_file():
                raise ModelFilesError(
                    f"{path} is missing: the claim reader needs {READER_FILE} and "
                    f"{READER_SETTINGS} together"
                )
            if path.name not in listed:
                raise ModelFilesError(
                    f"{path} is not listed in SHA256SUMS, so it cannot be trusted to belong to "
                    "this model: train it again with training/stance_cross_encoder.py fit, or "
                    "remove it"
                )
        try:
            read = json.loads(settings.read_text(encoding="utf-8"))
            threshold = float(read["threshold"])
            low, high = (float(x) for x in read["unsure"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelFilesError(
                f"{settings} is not the claim reader's settings (a threshold and an unsure "
                f"band of two numbers): {error}"
            ) from None
        if not (0.0 < threshold < 1.0 and 0.0 <= low < high <= 1.0):
            raise ModelFilesError(
                f"{settings}: threshold {threshold} and band {low}-{high} must lie between 0 "
                "and 1, the band's low end first"
            )
        return cls(PairReader(graph, folder / "tokenizer.json"), threshold, (low, high))


@dataclass(frozen=True)
class StanceCheck:
    weights: npt.NDArray[np.float32]
    bias: float
    threshold: float  # the probability from which a comment asserts the claim
    reader: ClaimReader | None = None

    def decide(self, row: npt.NDArray[np.float32], claim: str, comment: str) -> Stance:
        """The linear check's decision, or the claim reader's where the linear one is unsure."""
        linear = self.probability(row)
        if self.reader is not None and self.reader.asked(linear):
            return Stance(
                self.reader.reader.probability(claim, comment),
                self.reader.threshold,
                "claim reader",
            )
        return Stance(linear, self.threshold, "stance check")

    def probability(self, row: npt.NDArray[np.float32]) -> float:
        return float(1.0 / (1.0 + np.exp(-(float(row @ self.weights) + self.bias))))

    @classmethod
    def read(cls, path: Path, dimensions: int) -> StanceCheck:
        """Load the weights, naming the file and what is wrong when they cannot be used."""
        try:
            with np.load(path) as data:
                weights = np.asarray(data["weights"], dtype=np.float32)
                bias, threshold = float(data["bias"]), float(data["threshold"])
        except (OSError, KeyError, ValueError) as error:
            raise ModelFilesError(f"{path} is not a stance check's weights: {error}") from None
        if weights.shape != (2 * dimensions + READINGS,):
            raise ModelFilesError(
                f"{path} holds {weights.shape[0]} weights; a {dimensions}-dimension encoder "
                f"needs {2 * dimensions + READINGS}: fit it again with "
                "training/misinformation_stance.py"
            )
        if not 0.0 < threshold < 1.0:
            raise ModelFilesError(f"{path}: threshold {threshold} is not between 0 and 1")
        return cls(weights, bias, threshold)

    @classmethod
    def beside(cls, model: object, dimensions: int) -> StanceCheck | None:
        """The stance check shipped in the model's folder, or None when it has none (a model
        without one, Detoxify, no model): the detector then keeps its match bar alone."""
        folder = getattr(model, "folder", None)
        if folder is None or not (Path(folder) / STANCE_FILE).is_file():
            return None
        listed = read_sums(Path(folder))
        if STANCE_FILE not in listed:
            raise ModelFilesError(
                f"{Path(folder) / STANCE_FILE} is not listed in SHA256SUMS, so it cannot be "
                "trusted to belong to this model: fit it again with "
                "training/misinformation_stance.py --out FOLDER, or remove it"
            )
        check = cls.read(Path(folder) / STANCE_FILE, dimensions)
        return replace(check, reader=ClaimReader.beside(Path(folder), listed))
