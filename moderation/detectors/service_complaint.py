"""Service complaints: a report that a council service or system is failing, which service,
and where.

The service and any place named go with the comms note, for routing and spike alerts. A
complaint is a report of a failure: something broken, missed, down, unanswered or wrong,
said in the same sentence as the service it concerns. Objecting to a policy or a price is
criticism, not a service complaint; so is grumbling about a disruption the council has
already announced in the post, unless the comment adds something new (a place, how long,
that it is still happening). A scam that talks about a failed payment is the scam's, not a
complaint.
"""

from __future__ import annotations

import re

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.scam_signals import ScamSignals
from moderation.lexicon import Lexicon
from moderation.registers import Registers
from moderation.verdict import Category, CommsNote, Evidence

SERVICES: dict[str, Lexicon] = {
    name: Lexicon(name, terms)
    for name, terms in {
        "waste": [
            "bin",
            "bins",
            "wheelie bin*",
            "recycling",
            "rubbish",
            "refuse",
            "collection*",
            "collected",
            "emptied",
            "bin men",
            "binmen",
            "bin lorry",
            "bin crew",
            "crew",
            "garden waste",
            "food waste",
            "caddy",
            "caddies",
            "fly tip*",
            "fly-tip*",
            "flytip*",
            "mattress*",
            "litter",
            "dumped",
            "bulky waste",
            "the tip",
            "recycling centre",
            "bin sticker",
            "sticker",
            "round",
        ],
        "website and payments": [
            "website",
            "web site",
            "site",
            "portal",
            "online form",
            "form",
            "app",
            "payment*",
            "pay online",
            "paying",
            "login",
            "log in",
            "logged me out",
            "my account",
            "account",
            "direct debit",
            "link",
            "page",
            "404",
            "register*",
            "re-register*",
            "sign up",
            "sign-up",
            "email",
            "token",
            "password",
            "subscription",
            "mailbox",
            "inbox",
        ],
        "roads": [
            "pothole*",
            "road",
            "roads",
            "pavement*",
            "drain*",
            "gully",
            "gullies",
            "gritting",
            "gritter*",
            "traffic light*",
            "crossing",
            "sign",
            "signs",
            "signage",
            "bollard*",
            "verge*",
            "junction",
            "footpath",
            "tree",
        ],
        "street lighting": [
            "streetlight*",
            "street light*",
            "lamp post*",
            "lamppost*",
            "light",
            "lights",
            "column",
            "dark",
        ],
        "phones": [
            "phone*",
            "phone line*",
            "line",
            "call centre",
            "switchboard",
            "on hold",
            "helpline",
            "number",
            "rang",
            "ring back",
            "call back",
            "called back",
            "rung",
            "voicemail",
        ],
        "parking": [
            "parking",
            "car park*",
            "pay and display",
            "ticket machine*",
            "machine",
            "camera*",
            "pcn",
            "bus gate",
            "warden*",
            "permit*",
            "disabled bay",
            "parking app",
        ],
        "housing": [
            "housing",
            "housing options",
            "repair*",
            "damp",
            "mould",
            "boiler",
            "council house",
            "council flat",
            "flat",
            "leak*",
            "ceiling",
            "heating",
            "homeless*",
            "evicted",
            "temporary accommodation",
        ],
        "council tax": [
            "council tax",
            "bill",
            "band",
            "rebanded",
            "statement",
            "arrears",
            "benefit*",
        ],
        "leisure and parks": [
            "leisure centre",
            "pool",
            "gym",
            "park",
            "play area",
            "playground",
            "swings",
            "slide",
            "toilets",
            "loos",
            "bench*",
            "rec",
            "changing rooms",
            "lock",
        ],
        "libraries": ["library", "libraries", "self-service", "self service", "computers"],
        "meetings and livestreams": [
            "livestream",
            "live stream",
            "stream",
            "webcast",
            "sound",
            "audio",
            "video",
            "microphone*",
            "mic",
        ],
    }.items()
}
FAILURE = Lexicon(
    "failure",
    [
        "not collected",
        "not been collected",
        "wasn't collected",
        "weren't collected",
        "never collected",
        "not emptied",
        "not been emptied",
        "not had",
        "not done",
        "missed",
        "skipped",
        "left our",
        "left the",
        "left in the",
        "not picked up",
        "still not",
        "still no",
        "still waiting",
        "still there",
        "still broken",
        "still out",
        "been waiting",
        "no one came",
        "nobody came",
        "never came",
        "never turned up",
        "didn't turn up",
        "down again",
        "is down",
        "been down",
        "was down",
        "down all",
        "keeps crashing",
        "crashed",
        "crashing",
        "keeps timing out",
        "timing out",
        "timed out",
        "times out",
        "keeps logging",
        "logged me out",
        "logs me out",
        "keeps rejecting",
        "rejected",
        "rejecting",
        "declined",
        "error",
        "404",
        "503",
        "500 error",
        "expired",
        "won't load",
        "wont load",
        "not loading",
        "doesn't load",
        "won't let me",
        "wont let me",
        "can't get into",
        "cant get into",
        "can't log in",
        "cant log in",
        "can't login",
        "locked out",
        "doesn't work",
        "doesnt work",
        "not working",
        "isn't working",
        "isnt working",
        "stopped working",
        "broken",
        "broke",
        "snapped",
        "smashed",
        "vandalised",
        "damaged",
        "taped off",
        "fenced off",
        "out of order",
        "out of action",
        "no answer",
        "nobody answers",
        "nobody answering",
        "no one answers",
        "no one answering",
        "nobody picks up",
        "unanswered",
        "rings out",
        "just rings",
        "on hold for",
        "been on hold",
        "cut off",
        "cutting out",
        "keeps cutting",
        "can't hear",
        "cant hear",
        "no sound",
        "overflowing",
        "been out",
        "is out",
        "are out",
        "gone out",
        "out completely",
        "been dark",
        "pitch black",
        "on all day",
        "flickering",
        "flooded",
        "flooding",
        "blocked",
        "wrong number",
        "the wrong",
        "is wrong",
        "set wrong",
        "goes through to",
        "outside the hours",
        "outside the signed",
        "hidden behind",
        "can't see the sign",
        "cant see the sign",
        "reported it",
        "reported this",
        "reported twice",
        "reported three times",
        "reported online",
        "no response",
        "no reply",
        "heard nothing",
        "nothing back",
        "nobody replied",
        "nobody got back",
        "no one got back",
        "never got back",
        "haven't called",
        "hasn't called",
        "haven't rung",
        "hasn't rung",
        "never called",
        "never rang",
        "didn't call",
        "ring back",
        "call back",
        "not fixed",
        "never fixed",
        "nobody fixed",
        "no one fixed",
        "not been fixed",
        "not repaired",
        "not cleaned",
        "never cleaned",
        "filthy",
        "no loo roll",
        "no toilet roll",
        "leaking",
        "leak",
        "collapsed",
        "coming through the ceiling",
        "failed",
        "fails",
        "money's gone",
        "money has gone",
        "taken but",
        "charged twice",
        "no confirmation",
        "not received",
        "never received",
        "never arrived",
        "no sticker",
        "no active",
        "only takes coins",
        "doesn't take cards",
        "not taking cards",
        "been there a",
        "been there for",
        "been there since",
        "been like this",
        "ringing out",
        "nobody answered",
        "no one answered",
        "nobody picked up",
        "engaged",
        "bounces",
        "bounced",
        "mailbox full",
        "ran out",
        "run out",
        "has run out",
        "missing",
        "walked past",
        "walked straight past",
        "drove past",
        "any update on",
        "weeks ago",
        "days ago",
        "light out",
        "lights out",
        "leave half",
        "left half",
        "out of date",
        "no light",
        "no lights",
        "hasn't taken",
        "not taking",
        "hasn't worked",
        "haven't worked",
        "service unavailable",
        "unavailable",
        "rude",
        "rudest",
        "unhelpful",
        "hung up on me",
        "put the phone down on me",
    ],
)
# A sentence that reports how long a fault has lasted is a report even without a fault word.
DURATION = re.compile(
    r"\b(since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|last|march|"
    r"april|may|june|july|august|september|october|november|december|january|february|\d)|"
    r"for (?:a |two |three |four |five |six |several |\d+ )?(?:days|weeks|months|fortnight|week|"
    r"month|hours|mins|minutes)|day \d+ of|(?:third|second|fourth) (?:time|week)|"
    r"(?:\w+ )?weeks? running|for a month|weeks now|days now)\b",
    re.IGNORECASE,
)
# Objecting to what the council decided, rather than reporting that something failed.
POLICY = Lexicon(
    "policy objection",
    [
        "policy",
        "decision",
        "decided",
        "price rise",
        "price increase",
        "charging",
        "charge for",
        "rethink",
        "reconsider",
        "false economy",
        "waste of money",
        "consultation",
        "cuts",
        "cut the",
        "part-night",
        "part night",
        "switched off",
        "switch off",
        "switching off",
        "turned off at",
    ],
)
FUTURE = re.compile(r"\b(going to|gonna|will be|from next|from (?:january|april|monday))\b", re.I)
# The post itself says the council knows: an apology or a notice of disruption.
ANNOUNCED = re.compile(
    r"\b(apologis|apologiz|sorry|disruption|delay|delayed|running late|late collections|"
    r"closure|closed for|works|suspended|breakdown|outage|maintenance)",
    re.IGNORECASE,
)
NEW_INFORMATION = re.compile(
    r"\b(still|since|again|third|second|no one came|nobody came|reported|not collected|"
    r"not emptied|missed)\b",
    re.IGNORECASE,
)
PLACE = re.compile(
    r"\b(?:on|in|at|outside|along|near|by|of)\s+((?:[A-Z][a-z]+ ){0,3}"
    r"(?:Road|Street|Lane|Avenue|Close|Drive|Way|Park|Square|Estate|Green|Crescent|Rise|"
    r"Walk|Row|Gardens|Grove|Place|Terrace|Hill|Rec|North|South|East|West|Centre|Library|"
    r"Primary|Academy)|[A-Z][a-z]{3,}(?: [A-Z][a-z]+)?)\b"
)
NOT_PLACES = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
# "Forward it and it gets the number blocked": an action someone takes, not a fault.
CAUSATIVE = re.compile(r"\b(get|gets|getting|got|have it|had it)\b[\w ]*$")
# A duration alone reports a fault only when the thing is said to be still going on.
ONGOING = re.compile(r"\b(been|still|since|day \d+|running|now)\b")
# The writer says the problem was sorted: a tip for others, not a complaint.
RESOLVED = re.compile(
    r"\b(sorted (?:mine|it|ours|us)|they sorted|got sorted|fixed (?:it|within|the same|the next)|"
    r"was gone (?:in|within|the)|fair play|credit where|thank(?:s| you))\b",
    re.IGNORECASE,
)
SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCES.split(text) if s.strip()]


class ServiceComplaintDetector:
    """Finds failure reports; pure and deterministic."""

    name = "service_complaint"

    def __init__(self, registers: Registers | None = None) -> None:
        # Without the registers, scams are still recognised by their lures and links.
        self.scam = ScamSignals(registers if registers is not None else Registers())

    def _report(self, sentence: str) -> tuple[str, str] | None:
        """(service, failure words) if this sentence reports a service failing."""
        folded = sentence.lower()
        failure = next(
            (
                f
                for f in FAILURE.find(folded)
                if not folded[f.end :].startswith(" into")
                and not CAUSATIVE.search(folded[max(0, f.start - 20) : f.start])
            ),
            None,
        )
        duration = DURATION.search(folded)
        if failure is None and duration is None:
            return None
        question = folded.rstrip().endswith("?")
        if question and failure is None:
            return None
        if failure is None and (FUTURE.search(folded) or not ONGOING.search(folded)):
            return None
        for service, lexicon in SERVICES.items():
            if lexicon.first(folded) is not None:
                cue = failure.span if failure is not None else duration.group(0) if duration else ""
                # "Part-night lighting leaves our road pitch black" objects to a policy; a
                # broken, missed or unanswered thing is a fault whatever else is said.
                if POLICY.first(folded) is not None and not _hard_fault(folded):
                    return None
                return service, cue
        return None

    def detect(self, doc: Document) -> Detection:
        text = doc.comment.text
        reports: list[tuple[str, str, str]] = []
        for sentence in _sentences(text):
            found = self._report(sentence)
            if found is not None:
                reports.append((found[0], found[1], sentence))
        sentences = _sentences(doc.text.original)
        if not reports and len(sentences) <= 3 and _hard_fault(doc.folded):
            # "The portal's down. Payment due tomorrow!": the fault and the service can sit in
            # different sentences of a short report.
            for service, lexicon in SERVICES.items():
                if lexicon.first(doc.folded) is not None:
                    fault = HARD_FAULT.first(doc.folded)
                    reports.append((service, fault.span if fault else "", text))
                    break
        if not reports:
            return NOTHING
        if self.scam.is_scam(doc):
            return NOTHING
        if RESOLVED.search(text) and not re.search(r"\b(still|again)\b", text, re.IGNORECASE):
            return NOTHING
        context = doc.comment.post_context
        if context and ANNOUNCED.search(context) and not NEW_INFORMATION.search(text):
            # The post already told people about this disruption; grumbling about it adds
            # nothing for the comms team (it is criticism).
            return NOTHING
        service, cue, sentence = reports[0]
        where = ""
        for m in PLACE.finditer(text):
            candidate = m.group(1).strip()
            if candidate.split()[0] not in NOT_PLACES:
                where = candidate
                break
        detail = f"{service} failing: '{cue}'" + (f" at {where}" if where else "")
        start = text.find(cue) if cue else -1
        return Detection(
            findings=Detection.of(
                Category.SERVICE_COMPLAINT,
                0.7,
                self.name,
                Evidence(self.name, detail, cue, start, start + len(cue) if start >= 0 else -1),
            ).findings,
            notes=(
                CommsNote(
                    reason=f"service complaint: {service}" + (f" at {where}" if where else ""),
                    service=service,
                ),
            ),
        )


HARD_FAULT = Lexicon(
    "hard fault",
    [
        "broken",
        "faulty",
        "not working",
        "out of order",
        "not collected",
        "missed",
        "no answer",
        "rings out",
        "error",
        "down again",
        "is down",
        "been down",
        "unavailable",
        "not fixed",
        "flickering",
        "been out",
        "on all day",
        "all night every night",
        "should stay lit",
        "meant to stay lit",
        "supposed to stay lit",
    ],
)


def _hard_fault(folded: str) -> bool:
    return any(not folded[m.end :].startswith(" into") for m in HARD_FAULT.find(folded))
