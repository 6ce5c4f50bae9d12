"""Misinformation: assertions that repeat a known false claim from the fact register, or
that put a figure on a register topic which the official fact contradicts.

Claims are matched by meaning where the model gives an embedding (the comment's one vector
against each known false claim), and by weighted shared words and numbers otherwise; the two
are combined, so a paraphrase is found by meaning and a rant that buries one claim in a long
paragraph is still found by its words. Hearsay is still an assertion ("a copper told my
mate..."). A question is not: asking whether a rumour is true becomes a rumour question for
the comms team, with the official line. Denying a rumour, or repeating the official figure,
is fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.claim_matching import (
    ClaimForm,
    ClaimMatcher,
    is_number,
    negations,
    tokens,
)
from moderation.detectors.misinformation_stance import StanceCheck, StanceReadings, features
from moderation.model_interface import TextModel
from moderation.plain_reading import PlainReading
from moderation.policy import RUMOUR_QUESTION
from moderation.registers import Registers
from moderation.verdict import Category, CommsNote, Evidence

LEADING_MENTIONS = re.compile(r"^(?:\s*@[\w.]+[,:]?)+\s*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Yes/no questions and requests to verify: these ask, they do not assert.
YES_NO = re.compile(
    r"^(?:so |and |but |genuine question[,:]? |serious question[,:]? |quick question[,:]? |"
    r"(?:not being funny|honest question)[,:]? )*"
    r"(is|are|was|were|will|has|have|does|do|did|can|could|would|should|shall|am|isn't|"
    r"aren't|won't|hasn't|haven't|doesn't|didn't)\b"
)
# A question that presupposes the claim asserts it ("why are they selling the market?").
PRESUPPOSING = re.compile(r"^(why|how come|how can|how is it|how are|since when)\b")
# Passing a claim on ("my neighbour said", "people are saying"): an assertion still, unless
# the comment also asks whether it is true.
HEARSAY_SAID = re.compile(
    r"\b(someone|somebody|people|everyone|everybody|my \w+|a \w+|they)\b[^.!?]{0,30}?"
    r"\b(said|says|saying|reckons|told|tells|telling|posted)\b"
)
# How a match found by `_contradicted_figure` is marked (`_Match.how`).
CONTRADICTED_FIGURE = "contradicts an official figure"
# A comment the stance check weighs: its best claim reaches this share of the match bar.
STANCE_CANDIDATE = 0.6
MONEY_OR_PERCENT = re.compile(r"£\s?\d[\d,]*(?:\.\d+)?k?|\d[\d,]*(?:\.\d+)?\s?(?:%|per ?cent)")


@dataclass(frozen=True, slots=True)
class _Match:
    fact_index: int  # into the register's facts
    claim: str
    strength: float
    how: str
    sentence: str


@dataclass(frozen=True, slots=True)
class _Reading:
    """One reading of a comment (as written, or plainly): its best claim, the text and
    sentences read, the shared-words match alone and the reading's vector."""

    match: _Match | None
    text: str
    sentences: list[str]
    shared_words: float
    embedding: npt.NDArray[np.float32] | None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


CLAUSE = re.compile(r",|;|:|\band\b|\bbut\b|\bso\b|\bbecause\b|\bwhile\b|\bthey just\b|\bjust\b")


def _as_written(reading: PlainReading, sentence: str) -> str:
    """A sentence of the plain reading as the comment wrote it (itself where not found)."""
    at = reading.text.find(sentence)
    span = None if at < 0 else reading.to_original(at, at + len(sentence))
    return sentence if span is None else reading.original[span[0] : span[1]]


def _is_question(sentence: str) -> bool:
    s = sentence.strip().lower()
    return s.endswith("?") or bool(YES_NO.match(s))


class MisinformationDetector:
    """Pure given its register and model; one embedding per comment, computed by the caller."""

    name = "misinformation"

    def __init__(
        self,
        registers: Registers,
        model: TextModel | None = None,
        similarity: float = 0.68,
        words: float = 0.62,
    ) -> None:
        self.facts = registers.facts
        self.similarity = similarity
        self.checking = registers.vocabulary.lexicon("misinformation", "checking")
        self.denials = registers.vocabulary.lexicon("misinformation", "denials")
        self.hearsay = registers.vocabulary.lexicon("misinformation", "hearsay")
        self.words = words
        self.claims: list[tuple[int, str]] = [
            (i, c) for i, f in enumerate(self.facts) for c in f.known_false_claims
        ]
        self.matcher = ClaimMatcher(
            [" ".join((f.topic, f.official_fact, *f.known_false_claims)) for f in self.facts],
            [f.topic for f in self.facts],
            self.claims,
        )
        self.official_numbers = [
            {t for t in tokens(f.official_fact) if is_number(t)} for f in self.facts
        ]
        self.claim_numbers = [
            {t for c in f.known_false_claims for t in tokens(c) if is_number(t)} for f in self.facts
        ]
        self.topic_stems = [
            {t for t in tokens(f.topic) if not is_number(t) and self.matcher.weight(t) > 1.0}
            for f in self.facts
        ]
        self.model = model
        self.claim_vectors: npt.NDArray[np.float32] | None = None
        self._official_vectors: dict[int, npt.NDArray[np.float32]] = {}
        self.stance: StanceCheck | None = None
        if model is not None and self.claims:
            self.claim_vectors = model.embed([c for _, c in self.claims])
            if self.claim_vectors is not None:
                self.stance = StanceCheck.beside(model, self.claim_vectors.shape[1])

    def _lexical(self, text: str, sentences: list[str]) -> _Match | None:
        """The best claim over windows of two sentences, so words scattered through a long
        rant do not add up to a claim nobody made."""
        windows = [" ".join(sentences[i : i + 2]) for i in range(max(1, len(sentences) - 1))]
        best: tuple[ClaimForm, float, str] | None = None
        for window in windows or [text]:
            found = self.matcher.best(window)
            if found is not None and (best is None or found[1] > best[1]):
                best = (found[0], found[1], window)
        if best is None:
            return None
        form, strength, window = best
        fact_index = form.fact_index
        sentence = max(
            _sentences(window) or [window],
            key=lambda s: self.matcher.score(set(tokens(s)), form),
        )
        # Repeating the official figure without the rumour's figure is agreement, not a claim.
        stems = set(tokens(window))
        claim_numbers = {t for t in form.stems if is_number(t)}
        if claim_numbers and not (claim_numbers & stems):
            official = self.official_numbers[fact_index] & stems
            strength *= 0.5 if official else 0.85
        return _Match(fact_index, form.claim, strength, "shared words", sentence)

    def _semantic(
        self, text: str, embedding: npt.NDArray[np.float32] | None, sentences: list[str]
    ) -> _Match | None:
        if self.claim_vectors is None or embedding is None:
            return None
        sims = self.claim_vectors @ embedding
        i = int(np.argmax(sims))
        fact_index, claim = self.claims[i]
        claim_stems = set(tokens(claim))
        sentence = max(
            sentences or [text],
            key=lambda s: len(set(tokens(s)) & claim_stems),
        )
        return _Match(fact_index, claim, float(sims[i]), "similar meaning", sentence)

    def _contradicted_figure(self, sentences: list[str]) -> _Match | None:
        """A sentence on a register topic that states a price or percentage the official fact
        does not contain, where the topic has official figures and the sentence none of them."""
        for sentence in sentences:
            if _is_question(sentence) or not MONEY_OR_PERCENT.search(sentence):
                continue
            stems = set(tokens(sentence))
            numbers = {t for t in stems if is_number(t) and (t[0] == "£" or t.endswith("%"))}
            for i, topic in enumerate(self.topic_stems):
                official = {t for t in self.official_numbers[i] if t[0] == "£" or t.endswith("%")}
                if len(topic & stems) < 2 or not official or not numbers:
                    continue
                kinds = {n[0] == "£" for n in numbers}
                if numbers & official or not any((o[0] == "£") in kinds for o in official):
                    continue
                return _Match(
                    i,
                    f"states {', '.join(sorted(numbers))} where the official fact says "
                    f"{', '.join(sorted(official))}",
                    0.6,
                    CONTRADICTED_FIGURE,
                    sentence,
                )
        return None

    def _combine(self, lexical: _Match | None, semantic: _Match | None) -> _Match | None:
        """Strength on one scale, where 1.0 means 'just at the match threshold'."""
        candidates: list[_Match] = []
        if lexical is not None:
            candidates.append(replace(lexical, strength=lexical.strength / self.words))
        if semantic is not None:
            support = 0.0
            if lexical is not None and lexical.fact_index == semantic.fact_index:
                support = lexical.strength
            # Meaning alone must be close; a weaker likeness needs some shared words too.
            strength = semantic.strength / self.similarity
            if semantic.strength < self.similarity:
                strength = (semantic.strength + 0.25 * support) / self.similarity
            candidates.append(replace(semantic, strength=strength))
        return max(candidates, key=lambda m: m.strength, default=None)

    def _asks(self, text: str, sentences: list[str], match: _Match) -> bool:
        """Whether the comment asks about the claim rather than asserting it."""
        folded = text.lower()
        if self.checking.first(folded) is not None:
            return True
        questions = [s for s in sentences if _is_question(s)]
        if not questions:
            return False
        claim_stems = set(tokens(match.claim))
        for q in questions:
            if PRESUPPOSING.match(q.lower()):
                continue
            if q == match.sentence or len(set(tokens(q)) & claim_stems) >= 2:
                return True
        # "Someone in the chat says X. Anyone know?" asks; "X. Why won't they admit it?" asserts.
        asserted = [s for s in sentences if s not in questions]
        return all(self._hearsay(s) for s in asserted if s)

    def _hearsay(self, sentence: str) -> bool:
        lowered = sentence.lower()
        return self.hearsay.first(lowered) is not None or HEARSAY_SAID.search(lowered) is not None

    def _denies(self, match: _Match) -> bool:
        sentence = match.sentence.lower()
        if self.denials.first(sentence) is not None:
            return True
        # The negation must sit in the clause that carries the claim: "the market is NOT
        # closing" denies; "it's closing, they just haven't said" and "tax up 10% and they
        # still can't empty a bin" do not. A claim that is itself negative ("locals can't
        # apply") is repeated, not denied, by a sentence that puts it another negative way
        # ("locals aren't allowed to").
        claim_stems = set(tokens(match.claim))
        clauses = [c for c in CLAUSE.split(sentence) if c.strip()]
        carrying = max(clauses or [sentence], key=lambda c: len(set(tokens(c)) & claim_stems))
        return bool(negations(carrying)) and not negations(match.claim)

    def _read(self, written: str, embedding: npt.NDArray[np.float32] | None) -> _Reading:
        """The best claim in one reading of the comment, with what was read."""
        text = LEADING_MENTIONS.sub("", written)
        sentences = _sentences(text)
        lexical = self._lexical(text, sentences)
        match = self._combine(lexical, self._semantic(text, embedding, sentences))
        if match is None or match.strength < 1.0:
            match = self._contradicted_figure(sentences) or match
        shared = 0.0 if lexical is None else lexical.strength / self.words
        return _Reading(match, text, sentences, shared, embedding)

    def _best_reading(self, doc: Document) -> tuple[_Reading, _Match, str] | None:
        """The stronger reading of the comment, its best claim and the sentence to quote as
        written; None when neither reading comes near a claim."""
        reading = self._read(doc.comment.text, doc.embedding)
        quoted = None if reading.match is None else reading.match.sentence
        if doc.plain is not None:
            # A claim with its spelling dodged ("f1ned for f00d") is read plainly as well, and
            # the stronger reading counts; the evidence quotes the comment's own characters.
            plain = self._read(doc.plain.text, doc.plain_embedding)
            if plain.match is not None and (
                reading.match is None or plain.match.strength > reading.match.strength
            ):
                reading, quoted = plain, _as_written(doc.plain, plain.match.sentence)
        if reading.match is None or quoted is None:
            return None
        return reading, reading.match, quoted

    def stance_row(self, doc: Document) -> npt.NDArray[np.float32] | None:
        """What the stance check reads of a comment near a known false claim, or None for a
        comment that is not near one (also what training/misinformation_stance.py fits on)."""
        best = self._best_reading(doc)
        return None if best is None else self._stance_row(best[0])

    def claim_and_stance(self, doc: Document) -> tuple[str, float, float] | None:
        """The claim a comment is near, the stance check's probability that it asserts it and
        the check's threshold; None where the stance check is not asked (what
        training/stance_cross_encoder.py compares against)."""
        best = self._best_reading(doc)
        row = None if best is None or self.stance is None else self._stance_row(best[0])
        if best is None or row is None or self.stance is None:
            return None
        return best[1].claim, self.stance.probability(row), self.stance.threshold

    def _stance_row(self, reading: _Reading) -> npt.NDArray[np.float32] | None:
        match = reading.match
        if (
            match is None
            or match.how == CONTRADICTED_FIGURE
            or match.strength < STANCE_CANDIDATE
            or reading.embedding is None
            or self.claim_vectors is None
        ):
            return None
        if self._fine_as_said(reading, match):
            return None
        vector, claims, fact_index = reading.embedding, self.claim_vectors, match.fact_index
        rows = [i for i, (f, _) in enumerate(self.claims) if f == fact_index]
        same = [i for i in rows if self.claims[i][1] == match.claim]
        # A claim matched by one of its alternatives ("sold / knocked down") is read as the
        # fact's claim nearest the comment.
        claim = same[0] if same else max(rows, key=lambda i: float(claims[i] @ vector))
        official = self._official(fact_index)
        readings = StanceReadings(
            claim_likeness=float(claims[claim] @ vector),
            official_likeness=float(official @ vector),
            strength=match.strength,
            shared_words=reading.shared_words,
            asks=any(_is_question(s) for s in reading.sentences),
            sentences=len(reading.sentences),
        )
        return features(vector, claims[claim], official, readings)

    def _fine_as_said(self, reading: _Reading, match: _Match) -> bool:
        """What the house rules say outright, and so is not left to a score or learned: a
        denial is fine, and so is the official figure given without the rumour's figure."""
        if self._denies(match):
            return True
        stems = set(tokens(reading.text))
        rumoured = {t for t in tokens(match.claim) if is_number(t)}
        official = self.official_numbers[match.fact_index]
        return bool(rumoured and not rumoured & stems and official & stems)

    def _official(self, fact_index: int) -> npt.NDArray[np.float32]:
        """One official fact's vector, embedded the first time a comment comes near its claim
        (official facts are long: embedding them all at start would slow a one-off classify)."""
        if fact_index not in self._official_vectors:
            fact = self.facts[fact_index]
            vectors = None if self.model is None else self.model.embed([fact.official_fact])
            if vectors is None:
                raise RuntimeError("the stance check needs a model that gives vectors")
            self._official_vectors[fact_index] = vectors[0]
        return self._official_vectors[fact_index]

    def detect(self, doc: Document) -> Detection:
        if not self.facts:
            return NOTHING
        best = self._best_reading(doc)
        if best is None:
            return NOTHING
        reading, match, quoted = best
        text, sentences = reading.text, reading.sentences
        fact = self.facts[match.fact_index]
        note_fields = {"fact_id": fact.id, "official_line": fact.official_fact, "link": fact.link}
        if match.how != CONTRADICTED_FIGURE:
            row = None if self.stance is None else self._stance_row(reading)
            if match.strength < (0.8 if row is None else STANCE_CANDIDATE):
                return NOTHING
            if self._asks(text, sentences, match):
                if match.strength < 0.8:
                    return NOTHING
                return Detection(notes=(CommsNote(reason=RUMOUR_QUESTION, **note_fields),))
            if row is not None and self.stance is not None:
                # The stance check (or, where it is unsure, the claim reader, which reads the
                # comment as written, as it was trained) decides whether the comment asserts
                # the claim; its threshold lands on the rules' 0.5, where the comms team is told.
                stance = self.stance.decide(row, match.claim, doc.comment.text)
                p, th = stance.probability, stance.threshold
                if not stance.asserts:
                    return NOTHING
                score = min(0.99, 0.5 + 0.5 * (p - th) / (1.0 - th))
                what = (
                    f"asserts a known false claim ({stance.by} {p:.2f}, threshold {th:.2f}; "
                    f"{match.how} {match.strength:.2f}): '{match.claim}'"
                )
            elif match.strength < 1.0 or self._fine_as_said(reading, match):
                return NOTHING
            else:
                score = min(0.99, 0.5 + (match.strength - 1.0) * 0.8)
                what = (
                    f"repeats a known false claim ({match.how} {match.strength:.2f}): "
                    f"'{match.claim}'"
                )
        else:
            score = match.strength
            what = f"contradicts the official fact: {match.claim}"
        return Detection(
            findings=Detection.of(
                Category.MISINFORMATION,
                score,
                self.name,
                Evidence(self.name, what, quoted[:200], register_entry=fact.id),
            ).findings,
            notes=(CommsNote(reason="misinformation to correct", **note_fields),),
        )
