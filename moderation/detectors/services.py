"""Which service a complaint is about, and where: for the comms note, routing and spike alerts.

Whether a comment reports a failing service is the model's call; naming the service is the
council's vocabulary (bins, streetlights, the portal...), and the place is the first street,
estate or building named in it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from moderation.lexicon import Lexicon

PLACE = re.compile(
    r"\b(?:on|in|at|outside|along|near|by|of)\s+((?:[A-Z][a-z]+ ){0,3}"
    r"(?:Road|Street|Lane|Avenue|Close|Drive|Way|Park|Square|Estate|Green|Crescent|Rise|"
    r"Walk|Row|Gardens|Grove|Place|Terrace|Hill|Rec|Centre|Library|Primary|Academy))\b"
)
UNKNOWN_SERVICE = "other"


class ServiceNamer:
    def __init__(self, services: Mapping[str, Lexicon]) -> None:
        self.services = services

    def service(self, folded: str) -> str:
        """The first service whose words the comment uses, earliest in the text."""
        found = [
            (match.start, name)
            for name, lexicon in self.services.items()
            if (match := lexicon.first(folded)) is not None
        ]
        return min(found)[1] if found else UNKNOWN_SERVICE

    @staticmethod
    def place(text: str) -> str:
        match = PLACE.search(text)
        return match.group(1).strip() if match else ""
