"""The default set of detectors, built once per classifier.

With a model, meaning comes from the model (threats, harassment, discrimination, obscenity,
allegations, scams, service complaints, criticism) and the council's own knowledge from its
registers (people, facts, contacts, personal-data formats). Without one (`model: none`), only
the register detectors run: personal data, the fact register and scam links and look-alikes.
"""

from __future__ import annotations

from moderation.detectors.base import Detector
from moderation.detectors.learned import LearnedDetector
from moderation.detectors.misinformation import MisinformationDetector
from moderation.detectors.personal_data import PersonalDataDetector
from moderation.detectors.scam_signals import ScamSignals
from moderation.detectors.services import ServiceNamer
from moderation.detectors.spam import SpamDetector
from moderation.model_interface import TextModel
from moderation.registers import Registers


def register_detectors(registers: Registers, model: TextModel | None) -> list[Detector]:
    """What only the council knows: its facts, its contacts, and personal-data formats."""
    scam = ScamSignals(registers)  # a scam's number is not personal data: both ask
    return [
        MisinformationDetector(registers, model),
        PersonalDataDetector(registers, scam),
        SpamDetector(registers, scam),
    ]


def default_detectors(registers: Registers, model: TextModel | None) -> list[Detector]:
    if model is None:
        return register_detectors(registers, None)
    thresholds = getattr(model, "thresholds", None) or {}
    learned = LearnedDetector(
        registers, thresholds, model.version, ServiceNamer(registers.vocabulary.service_lexicons)
    )
    return [learned, *register_detectors(registers, model)]
