"""Service complaints: a report that a council service or system is failing, and which.

The service and any place named go with the comms note, for routing and spike alerts.
Objecting to a policy is criticism, not a service complaint.
"""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.lexicon import Lexicon
from moderation.verdict import Category, CommsNote, Evidence

SERVICES: dict[str, Lexicon] = {
    name: Lexicon(name, terms)
    for name, terms in {
        "waste": [
            "bin*",
            "wheelie bin*",
            "recycling",
            "rubbish",
            "refuse",
            "collection*",
            "bin men",
            "binmen",
            "garden waste",
            "food waste",
            "fly tip*",
            "flytip*",
            "litter",
            "dumped",
            "tip",
        ],
        "website and payments": [
            "website",
            "site",
            "portal",
            "online form",
            "app",
            "payment*",
            "pay online",
            "login",
            "log in",
            "my account",
            "direct debit",
            "link",
            "page",
        ],
        "roads": [
            "pothole*",
            "road*",
            "pavement*",
            "potholes",
            "gritting",
            "gritter*",
            "drain*",
            "traffic light*",
            "crossing",
        ],
        "street lighting": ["streetlight*", "street light*", "lamp post*", "lamppost*", "light*"],
        "phones": [
            "phone*",
            "phone line*",
            "call centre",
            "switchboard",
            "on hold",
            "helpline",
            "number",
        ],
        "parking": [
            "parking",
            "car park*",
            "pay and display",
            "ticket machine*",
            "camera*",
            "pcn",
            "fine",
            "penalty",
        ],
        "housing": [
            "housing",
            "repair*",
            "damp",
            "mould",
            "boiler",
            "council house",
            "flat",
            "leak*",
            "heating",
        ],
        "council tax": ["council tax", "bill", "statement", "direct debit"],
        "leisure and parks": [
            "leisure centre",
            "pool",
            "gym",
            "park",
            "playground",
            "toilets",
            "bench*",
            "swings",
        ],
        "libraries": ["library", "libraries"],
    }.items()
}
FAILURE = Lexicon(
    "failure",
    [
        "not collected",
        "not been collected",
        "wasn't collected",
        "weren't collected",
        "hasn't been",
        "haven't been",
        "not emptied",
        "missed",
        "still not",
        "still no",
        "still waiting",
        "been waiting",
        "no one came",
        "nobody came",
        "never came",
        "down again",
        "is down",
        "been down",
        "keeps crashing",
        "crashed",
        "crashing",
        "error",
        "won't load",
        "wont load",
        "not loading",
        "doesn't work",
        "doesnt work",
        "not working",
        "isn't working",
        "isnt working",
        "broken",
        "broke",
        "out of order",
        "no answer",
        "nobody answers",
        "no one answers",
        "unanswered",
        "rings out",
        "on hold for",
        "cut off",
        "overflowing",
        "been out",
        "is out",
        "are out",
        "gone out",
        "off all night",
        "on all day",
        "flooded",
        "flooding",
        "blocked",
        "wrong number",
        "wrong times",
        "outside the hours",
        "reported it",
        "reported this",
        "weeks ago",
        "days now",
        "three weeks",
        "two weeks",
        "still broken",
        "no response",
        "no reply",
        "nobody replied",
        "not fixed",
        "never fixed",
        "dangerous",
        "leaking",
        "collapsed",
        "failed",
        "fails",
        "timed out",
        "times out",
        "cancelled",
        "skipped",
    ],
)
PLACE = re.compile(
    r"\b(?:on|in|at|outside|along|near)\s+((?:[A-Z][a-z]+ ?){1,3}"
    r"(?:Road|Street|Lane|Avenue|Close|Drive|Way|Park|Square|Estate|Green)?)"
)


class ServiceComplaintDetector:
    name = "service_complaint"

    def detect(self, doc: Document) -> Detection:
        failure = FAILURE.first(doc.folded)
        if failure is None:
            return NOTHING
        service = ""
        service_hit = None
        for name, lexicon in SERVICES.items():
            hit = lexicon.first(doc.folded)
            if hit is not None:
                service, service_hit = name, hit
                break
        if service_hit is None:
            return NOTHING
        place = PLACE.search(doc.comment.text)
        where = place.group(1).strip() if place else ""
        detail = f"{service} failing: '{failure.span}'" + (f" at {where}" if where else "")
        return Detection(
            findings=Detection.of(
                Category.SERVICE_COMPLAINT,
                0.7,
                self.name,
                Evidence(self.name, detail, failure.span, failure.start, failure.end),
            ).findings,
            notes=(
                CommsNote(
                    reason=f"service complaint: {service}" + (f" at {where}" if where else ""),
                    service=service,
                ),
            ),
        )
