"""The default set of detectors, built once per classifier."""

from __future__ import annotations

from moderation.detectors.base import Detector
from moderation.detectors.criticism import CriticismDetector
from moderation.detectors.defamation import DefamationDetector
from moderation.detectors.discrimination import DiscriminationDetector
from moderation.detectors.harassment import HarassmentDetector
from moderation.detectors.misinformation import MisinformationDetector
from moderation.detectors.obscenity import ObscenityDetector
from moderation.detectors.personal_data import PersonalDataDetector
from moderation.detectors.service_complaint import ServiceComplaintDetector
from moderation.detectors.spam import SpamDetector
from moderation.detectors.threat import ThreatDetector
from moderation.model_interface import TextModel
from moderation.registers import Registers


def default_detectors(registers: Registers, model: TextModel | None) -> list[Detector]:
    return [
        DefamationDetector(registers),
        DiscriminationDetector(),
        HarassmentDetector(registers),
        ThreatDetector(),
        MisinformationDetector(registers, model),
        PersonalDataDetector(registers),
        ObscenityDetector(),
        SpamDetector(registers),
        ServiceComplaintDetector(registers),
        CriticismDetector(),
    ]
