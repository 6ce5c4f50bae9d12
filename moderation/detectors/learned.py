"""The categories decided by meaning: the fine-tuned model's scores, with the words behind them.

Threats, harassment, discrimination, obscenity, scams, service complaints and criticism are
read by the model (moderation/model/MODEL_CARD.md), not by word lists: a threat phrased in a
way nobody wrote down is still a threat. Each label's probability is mapped onto the house
rules' scale so that the model's own threshold (chosen across councils, in labels.json) lands
on 0.5: `rules.yaml` thresholds keep their meaning (raise one to hide less), and a score
reads the same whatever the label.

Defamation needs what only the council knows as well: the model reads an allegation of
wrongdoing, and the people register (or a named private person) says who it is about. An
allegation aimed only at a collective ("this council is corrupt") is criticism.

Every finding carries the model's label, probability and threshold and the words that
carried the score (the model's own attribution, see `ToxicityModel.score_explained`), so a
reviewer can read why it was hidden.
"""

from __future__ import annotations

from collections.abc import Mapping

from moderation.detectors.base import Detection, Document
from moderation.detectors.services import ServiceNamer
from moderation.detectors.targets import TargetFinder
from moderation.registers import Registers
from moderation.verdict import Category, CommsNote, Evidence, Finding

# Model label -> the house-rules category it decides. Detoxify's labels map onto ours.
CATEGORY_OF_LABEL: Mapping[str, Category] = {
    "threat": Category.THREAT,
    "harassment": Category.HARASSMENT,
    "insult": Category.HARASSMENT,
    "discrimination": Category.DISCRIMINATION,
    "identity_attack": Category.DISCRIMINATION,
    "obscenity": Category.OBSCENITY,
    "obscene": Category.OBSCENITY,
    "scam": Category.SPAM_SCAM,
    "service_complaint": Category.SERVICE_COMPLAINT,
    "criticism": Category.CRITICISM,
    "allegation": Category.DEFAMATION,
}
DEFAULT_THRESHOLD = 0.5
# A slur from the vocabulary makes a discrimination finding only when the model reads the
# comment as at least this share of the way to its own threshold: a quote, a report of
# abuse or a reclaimed use reads as benign and stays visible.
SLUR_SUPPORT = 0.4
# Scores this far under the rules' half-way mark are not worth recording as near misses.
NOT_WORTH_RECORDING = 0.2
# Discrimination and harassment are hostility: the model must also read the comment's tone as
# negative, or the finding stays a near miss. "Being gay is fine by me" mentions a group,
# warmly; it does not attack one.
HOSTILE = frozenset({Category.DISCRIMINATION, Category.HARASSMENT})
TONE_LABEL = "negative"
JUST_UNDER = 0.49
SLUR_SCORE = 0.6


def on_rules_scale(probability: float, threshold: float) -> float:
    """Map a probability so that `threshold` becomes 0.5, keeping 0 and 1 in place."""
    threshold = min(max(threshold, 1e-6), 1 - 1e-6)
    if probability < threshold:
        return 0.5 * probability / threshold
    return 0.5 + 0.5 * (probability - threshold) / (1 - threshold)


class LearnedDetector:
    name = "model"

    def __init__(
        self,
        registers: Registers,
        thresholds: Mapping[str, float],
        version: str,
        services: ServiceNamer,
    ) -> None:
        self.targets = TargetFinder(registers)
        self.services = services
        self.slurs = registers.vocabulary.slur_lexicon
        self.thresholds = thresholds
        self.version = version

    def detect(self, doc: Document) -> Detection:
        findings: dict[Category, Finding] = {}
        for label, probability in doc.model_scores.items():
            category = CATEGORY_OF_LABEL.get(label)
            if category is None:
                continue
            threshold = self.thresholds.get(label, DEFAULT_THRESHOLD)
            score = on_rules_scale(probability, threshold)
            if score < NOT_WORTH_RECORDING:
                continue
            if category in HOSTILE and not self._reads_negative(doc):
                score = min(score, JUST_UNDER)
            evidence = self._evidence(doc, label, probability, threshold)
            if category is Category.DEFAMATION:
                aimed = self._aimed_at_someone(doc)
                if aimed is None:
                    continue
                evidence += aimed
            old = findings.get(category)
            if old is None or score > old.score:
                findings[category] = Finding(category, round(score, 4), self.name, evidence)
        slur = self._supported_slur(doc)
        if slur is not None:
            old = findings.get(Category.DISCRIMINATION)
            if old is None or old.score < SLUR_SCORE:
                evidence = (old.evidence if old else ()) + (slur,)
                findings[Category.DISCRIMINATION] = Finding(
                    Category.DISCRIMINATION, SLUR_SCORE, self.name, evidence
                )
        notes: tuple[CommsNote, ...] = ()
        if Category.SERVICE_COMPLAINT in findings:
            service = self.services.service(doc.folded)
            place = self.services.place(doc.comment.text)
            reason = f"service complaint: {service}" + (f" at {place}" if place else "")
            notes = (CommsNote(reason=reason, service=service),)
        return Detection(findings=tuple(findings.values()), notes=notes)

    def _evidence(
        self, doc: Document, label: str, probability: float, threshold: float
    ) -> tuple[Evidence, ...]:
        text = doc.comment.text
        words = doc.model_evidence.get(label, ())
        quoted = ", ".join(f"'{text[w.start : w.end]}'" for w in words)
        summary = Evidence(
            self.name,
            f"model {self.version}: {label} {probability:.2f} (threshold {threshold:.2f})"
            + (f"; carried by {quoted}" if quoted else ""),
        )
        spans = tuple(
            Evidence(
                self.name,
                f"{label}: {w.share:.0%} of the evidence",
                span=text[w.start : w.end],
                start=w.start,
                end=w.end,
            )
            for w in words
        )
        return (summary, *spans)

    def _reads_negative(self, doc: Document) -> bool:
        tone = doc.model_scores.get(TONE_LABEL)
        if tone is None:  # a model without a tone label (Detoxify): nothing to check
            return True
        return tone >= self.thresholds.get(TONE_LABEL, DEFAULT_THRESHOLD)

    def _supported_slur(self, doc: Document) -> Evidence | None:
        if self.slurs is None:
            return None
        match = self.slurs.first(doc.folded)
        if match is None:
            return None
        label = next(
            (k for k in ("discrimination", "identity_attack") if k in doc.model_scores), ""
        )
        threshold = self.thresholds.get(label, DEFAULT_THRESHOLD)
        if not label or doc.model_scores[label] < SLUR_SUPPORT * threshold:
            return None
        return Evidence("vocabulary", f"slur from the vocabulary: '{match.span}'", match.span)

    def _aimed_at_someone(self, doc: Document) -> tuple[Evidence, ...] | None:
        """Evidence of who an allegation is about, or None when it names only a collective."""
        targets = self.targets.find(doc.folded, doc.comment.text)
        if targets and not any(t.individual for t in targets):
            return None
        named = [t for t in targets if t.identifiable]
        return tuple(
            Evidence(self.name, f"about {t.who} ({t.kind.value})", span=t.span) for t in named[:2]
        )
