"""Tone: is a comment negative, neutral or positive?

The tone model is the bundled judge itself (moderation/model), read two ways from one
encoder pass:
- negative: its `negative` label (trained on the council corpus as "any negative
  category": criticism, complaints, threats, abuse...) at the threshold in labels.json,
  unless the comment's embedding is nearer the centre of the praise examples below than of
  the complaint examples (the label alone reads most tweets, praise included, as negative:
  it learned council complaints, not sentiment);
- positive or neutral, for the rest: whether the embedding is nearer the centre of the
  praise examples or of the neutral ones (questions, notices).
The example sentences were written for this module (none is taken from an evaluation set),
so nothing was trained on anyone's data.

Its accuracy on the TweetEval sentiment test split is measured by `houserules report
tone-eval` and kept in `tone_card.json` beside this module (docs/reports.md has the
numbers and the command).

The same pass gives each comment's embedding, which the themes cluster.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from moderation.model.onnx_model import ToxicityModel

NEGATIVE_LABEL = "negative"
CARD = Path(__file__).with_name("tone_card.json")

POSITIVE_EXAMPLES = (
    "Thank you, brilliant job by the crew this morning.",
    "Really impressed with how quickly this was fixed, well done.",
    "Lovely to see the library busy again, great work everyone.",
    "Huge thanks to the staff at the tip, so helpful and friendly.",
    "The new play park looks fantastic, the kids love it.",
    "Well done to the team for sorting the streetlight so fast.",
    "Great news, really pleased the pool is reopening.",
    "Fair play, the Christmas lights look amazing this year.",
    "Thanks for the quick reply, that answers my question perfectly.",
    "Such a good idea, I fully support this.",
    "Our bin men are absolute stars, never miss a week.",
    "Fantastic event on Saturday, well organised and fun for all the family.",
    "I love this town, so proud of our high street.",
    "Best decision the council has made in years, thank you.",
)
NEGATIVE_EXAMPLES = (
    "The bins have not been collected again, absolutely useless.",
    "Another rise in council tax and services getting worse, disgraceful.",
    "Waited an hour on the phone and nobody answered, shocking service.",
    "This consultation is a sham, they have already decided.",
    "The roads are full of potholes and nobody cares.",
    "Terrible decision, the council never listens to residents.",
    "Car park charges are a rip off, the high street will die.",
    "I'm so angry about the library closing, it's a disgrace.",
    "Still no streetlight on our road after three weeks of reporting it.",
    "Worst run council in the country, embarrassing.",
    "Fed up with the mess in the park, it's filthy.",
    "What a waste of money, nobody asked for this.",
    "I hate how this town has gone downhill.",
    "So disappointed, the event was cancelled with no warning.",
)
NEUTRAL_EXAMPLES = (
    "What time does the recycling centre open on Sunday?",
    "Is the consultation still open for comments?",
    "The meeting is on Thursday at 7pm in the council chamber.",
    "Which day are the garden waste bins collected on Elm Road?",
    "Where can I find the planning application for the new houses?",
    "Does the car park take card payments?",
    "The road will be closed from Monday for resurfacing.",
    "How do I apply for a new parking permit?",
    "Has anyone got the phone number for the housing team?",
    "The library moves to winter opening hours next week.",
    "Is there a deadline for registering to vote?",
    "Can you confirm whether the bus stop is moving?",
    "The match starts at three and the gates open at two.",
    "I saw the announcement on the news this morning.",
)


class Tone(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


TONES = (Tone.NEGATIVE, Tone.NEUTRAL, Tone.POSITIVE)
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ToneReading:
    """For each text in order: its embedding (unit length), negative probability and tone."""

    embeddings: FloatArray
    negative: FloatArray
    tones: tuple[Tone, ...]


class ToneModel:
    def __init__(self, model: ToxicityModel) -> None:
        if NEGATIVE_LABEL not in model.labels:
            raise ValueError(f"the model {model.version} has no '{NEGATIVE_LABEL}' label")
        self.model = model
        self.column = model.labels.index(NEGATIVE_LABEL)
        self.threshold = model.thresholds.get(NEGATIVE_LABEL, 0.5)
        self.negative_centre = _centre(model, NEGATIVE_EXAMPLES)
        self.neutral_centre = _centre(model, NEUTRAL_EXAMPLES)
        self.positive_centre = _centre(model, POSITIVE_EXAMPLES)

    @property
    def version(self) -> str:
        return self.model.version

    def describe(self) -> str:
        return (
            f"the bundled model {self.model.version}: its '{NEGATIVE_LABEL}' label at "
            f"{self.threshold:.2f} reads a comment as negative unless it reads nearer to "
            "written examples of praise than of complaint; of the rest, those nearer the "
            "praise than plain questions and notices read as positive"
        )

    def read(self, texts: Sequence[str]) -> ToneReading:
        # Each distinct text is encoded once: a copied post or a spam run costs one pass.
        unique = list(dict.fromkeys(texts))
        where = {text: i for i, text in enumerate(unique)}
        if unique:
            encoded = self.model.embed(unique)
            embeddings = encoded[[where[t] for t in texts]]
        else:
            embeddings = np.zeros((0, 384), np.float32)
        probabilities = self.model.heads.probabilities(embeddings)[:, self.column]
        praise = embeddings @ self.positive_centre
        complaint = embeddings @ self.negative_centre
        plain = embeddings @ self.neutral_centre
        tones = tuple(
            Tone.NEGATIVE
            if p >= self.threshold and c > w
            else Tone.POSITIVE
            if w > n
            else Tone.NEUTRAL
            for p, w, c, n in zip(
                probabilities.tolist(),
                praise.tolist(),
                complaint.tolist(),
                plain.tolist(),
                strict=True,
            )
        )
        return ToneReading(embeddings, probabilities.astype(np.float32), tones)


def _centre(model: ToxicityModel, sentences: Sequence[str]) -> FloatArray:
    return _unit(model.embed(list(sentences)).mean(axis=0))


def _unit(vector: FloatArray) -> FloatArray:
    norm = float(np.linalg.norm(vector)) or 1.0
    return (vector / norm).astype(np.float32)


def read_card(path: Path = CARD) -> dict[str, Any]:
    """The tone model's measured accuracy, or {} before anyone measured it."""
    if not path.is_file():
        return {}
    card: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return card
