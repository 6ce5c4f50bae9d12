"""The plain reading: a comment with its spelling dodges undone is scored as well, each label
keeps the higher probability, and the words that carried a plain-reading score are shown
where they are in the comment as written.

Most tests use a model whose scores we set, so they hold the wiring and the offsets whatever
the bundled model makes of a borderline comment; one counts the bundled encoder's texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from houserules.config import load_registers, load_rules
from moderation.classifier import HouseRulesClassifier, higher_reading
from moderation.comment import Comment, Platform, Surface
from moderation.model import ToxicityModel
from moderation.model_interface import Explanation, WordWeight
from moderation.plain_reading import PlainReading, plain_reading
from moderation.text import undo_leetspeak
from moderation.verdict import Category, Verdict


class PlainWordsModel:
    """Reads harassment only in "idiot" or "knobhead" written plainly (as a model reads
    little in the WordPiece tokens of "1d10t"), names those words as the evidence, and
    records every batch of texts it is given."""

    version = "plain-words-model"
    WORDS = re.compile(r"idiot|knobhead")

    def __init__(self) -> None:
        self.thresholds = {"harassment": 0.5, "negative": 0.5}
        self.batches: list[list[str]] = []

    def score(self, texts: Sequence[str]) -> tuple[None, list[dict[str, float]]]:
        _, scores, _ = self.score_explained(texts)
        return None, scores

    def embed(self, texts: Sequence[str]) -> None:
        return None

    def score_explained(
        self, texts: Sequence[str]
    ) -> tuple[np.ndarray, list[dict[str, float]], list[Explanation]]:
        self.batches.append(list(texts))
        scores, explained = [], []
        for text in texts:
            found = list(self.WORDS.finditer(text))
            scores.append({"harassment": 0.9 if found else 0.1, "negative": 0.9})
            words = tuple(WordWeight(m.start(), m.end(), 1 / len(found)) for m in found)
            explained.append({"harassment": words} if found else {})
        return np.zeros((len(texts), 384), np.float32), scores, explained


def judge(model: Any, *texts: str) -> list[Verdict]:
    classifier = HouseRulesClassifier(load_rules(), load_registers(), model)
    when = datetime(2026, 12, 1, tzinfo=UTC)
    return classifier.classify(
        [Comment(Platform.FACEBOOK, Surface.OWN_PAGE, str(i), t, when) for i, t in enumerate(texts)]
    )


def harassment_spans(verdict: Verdict) -> list[tuple[str, int, int]]:
    (finding,) = [f for f in verdict.findings if f.category is Category.HARASSMENT]
    return [(e.span, e.start, e.end) for e in finding.evidence if e.start >= 0]


# The classifier


def test_a_dodged_insult_is_judged_plainly_and_the_dodged_word_is_the_evidence() -> None:
    text = "😂😂 you are a total 1d10t, Cllr"  # the emoji's name makes the plain reading longer
    (verdict,) = judge(PlainWordsModel(), text)

    start = text.index("1d10t")
    assert harassment_spans(verdict) == [("1d10t", start, start + 5)]


def test_spaced_letters_are_highlighted_from_the_first_letter_to_the_last() -> None:
    text = "Оi 👩‍👩‍👧 go home you k n o b h e a d!"  # a Cyrillic О, an emoji of five characters
    (verdict,) = judge(PlainWordsModel(), text)

    start = text.index("k n o b")
    assert harassment_spans(verdict) == [("k n o b h e a d", start, start + 15)]


def test_a_comment_without_dodges_is_scored_once_and_a_dodged_one_in_the_same_call() -> None:
    model = PlainWordsModel()
    plain = "The A38 has been shut for weeks, £52 in fines, and you're an idiot"
    dodged = "You are a 1d10t"

    verdicts = judge(model, plain, dodged)

    assert model.batches == [[plain, dodged, "You are a idiot"]]
    idiot, dodged_idiot = plain.index("idiot"), dodged.index("1d10t")
    assert [harassment_spans(v) for v in verdicts] == [
        [("idiot", idiot, idiot + 5)],
        [("1d10t", dodged_idiot, dodged_idiot + 5)],
    ]


def test_a_comment_whose_only_dodge_is_emoji_is_scored_once_as_written() -> None:
    model = PlainWordsModel()
    emoji_only = "Lovely new benches on the prom 😍👏"
    emoji_and_leet = "😂 you 1d10t"

    judge(model, emoji_only, emoji_and_leet)

    assert plain_reading(emoji_only).dodged
    assert not plain_reading(emoji_only).worth_scoring
    assert plain_reading(emoji_and_leet).worth_scoring
    assert model.batches == [[emoji_only, emoji_and_leet, plain_reading(emoji_and_leet).text]]


def test_the_bundled_encoder_reads_a_comment_without_dodges_once() -> None:
    model = ToxicityModel.load()
    registers = load_registers()
    classifier = HouseRulesClassifier(load_rules(), registers, model)
    encode = model.encoder.encode
    read: list[list[str]] = []

    def counting(texts: Sequence[str], *args: Any, **kwargs: Any) -> Any:
        read.append(list(texts))
        return encode(texts, *args, **kwargs)

    model.encoder.encode = counting  # type: ignore[method-assign]
    when = datetime(2026, 12, 1, tzinfo=UTC)
    thanks = "Thank you for fixing the streetlight on the A38 so quickly, much appreciated."
    bins = "Bins on Mill Lane not collected again, that's £52 of council tax."
    dodged = "Get lost you f4gg0t"
    for texts in ([thanks, bins], [dodged]):
        classifier.classify(
            [Comment(Platform.FACEBOOK, Surface.OWN_PAGE, t, t, when) for t in texts]
        )

    # The misinformation stance check embeds an official fact the first time a comment comes
    # near its claim (the bins comment does): once, and not as a reading of any comment.
    official = {f.official_fact for f in registers.facts}
    facts_read = [text for texts in read for text in texts if text in official]
    comments_read = [[t for t in texts if t not in official] for texts in read]
    assert [texts for texts in comments_read if texts] == [
        [thanks, bins],
        [dodged, "Get lost you faggot"],
    ]
    assert len(facts_read) == len(set(facts_read)) <= 1


def test_each_label_keeps_the_higher_reading_with_that_readings_evidence() -> None:
    text = "I will find you, 1d10t"
    reading = plain_reading(text)
    written = (
        {"threat": 0.7, "harassment": 0.3},
        {"threat": (WordWeight(7, 11, 1.0),), "harassment": (WordWeight(0, 1, 1.0),)},
    )
    plain = (
        {"threat": 0.4, "harassment": 0.9},
        {"threat": (WordWeight(2, 6, 1.0),), "harassment": (WordWeight(17, 22, 1.0),)},
    )

    scores, evidence = higher_reading(written, plain, reading)

    assert scores == {"threat": 0.7, "harassment": 0.9}
    assert evidence["threat"] == (WordWeight(7, 11, 1.0),)
    assert [text[w.start : w.end] for w in evidence["harassment"]] == ["1d10t"]


# What the plain reading undoes, and what it leaves alone


@pytest.mark.parametrize(
    "text",
    [
        "The A38 is shut again and parking went up to £52 in 2026",
        "Meeting moved to the 2nd, 10th and 21st; 4x4 banned on the M25 after 9am-5pm",
        "Email contact@marrowfield.gov.uk or see https://t.co/ab1c2d",
        "Siân’s café… is lovely",  # curly quotes, ellipsis and accents are not dodges
        "line one\n\n  line two\twith tabs",
    ],
)
def test_a_comment_without_dodges_reads_the_same(text: str) -> None:
    reading = plain_reading(text)

    assert reading.text == text
    assert not reading.dodged


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("Pay £52 on the A38, you 1d10t", "Pay £52 on the A38, you idiot"),
        ("shut up you f4gg0t!", "shut up you faggot!"),
        ("what an a$$hole", "what an asshole"),
        ("you k n o b h e a d mate", "you knobhead mate"),
        ("what a c.u.n.t", "what a cunt"),
        ("You are an іdiot", "You are an idiot"),  # a Cyrillic і
        ("ＩＤＩＯＴ", "idiot"),  # full-width letters
        ("bo11ocks to that", "bollocks to that"),
        ("l@zy b@st@rds.", "lazy bastards."),
    ],
)
def test_a_dodged_word_is_written_plainly_and_the_rest_as_written(written: str, plain: str) -> None:
    assert plain_reading(written).text == plain


def test_leetspeak_is_undone_only_between_letters() -> None:
    assert undo_leetspeak("1d10t f4gg0t! sh1t") == "idiot faggot! shit"
    assert (
        undo_leetspeak("a38 m25 2nd £52 2026 4x4 1990s idiot!")
        == "a38 m25 2nd £52 2026 4x4 1990s idiot!"
    )


# Offsets


def spans_of(reading: PlainReading, word: str) -> str:
    """The original characters the plain reading's `word` came from."""
    start = reading.text.index(word)
    span = reading.to_original(start, start + len(word))
    assert span is not None
    return reading.original[span[0] : span[1]]


@pytest.mark.parametrize(
    ("text", "plain_word", "original"),
    [
        ("🤡🤡🤡 you іdiot", "idiot", "іdiot"),
        ("Ｙｏｕ ａｒｅ ａ ｆ4ｇｇ0ｔ", "faggot", "ｆ4ｇｇ0ｔ"),
        ("Sia\u0302n says you are a 1d10t", "idiot", "1d10t"),
        ("Sia\u0302n says you are a 1d10t", "says", "says"),
        ("👩‍👩‍👧 and 👍🏽 for the k n o b", "knob", "k n o b"),
        ("👩‍👩‍👧 and 👍🏽 for the k n o b", "woman", "👩‍👩‍👧"),
        ("👩‍👩‍👧 and 👍🏽 for the k n o b", "thumbs", "👍🏽"),
        ("🇬🇧 1d10ts!", "idiots", "1d10ts"),
        ("e\u0301e\u0301 p1g", "pig", "p1g"),
        ("f4gg0t!", "faggot", "f4gg0t"),
        ("f4gg0t!", "!", "!"),
        ("c.u.n.t.", "cunt", "c.u.n.t"),
        ("you're a 1d10t 😂 mate", "mate", "mate"),
    ],
)
def test_a_plain_word_maps_back_to_the_characters_it_was_written_as(
    text: str, plain_word: str, original: str
) -> None:
    reading = plain_reading(text)

    assert spans_of(reading, plain_word) == original


def test_evidence_on_one_emoji_is_one_word_with_the_shares_added() -> None:
    text = "ok 😂"
    reading = plain_reading(text)
    words = [m.span() for m in re.finditer(r"[a-z]+", reading.text)][1:]  # face, with, ...

    moved = reading.evidence_in_original([WordWeight(s, e, 0.2) for s, e in words[:3]])

    assert moved == (WordWeight(3, 4, 0.6),)


hostile = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            [
                "1d10t",
                "k n o b",
                "c.u.n.t",
                "👩‍👩‍👧",
                "👍🏽",
                "🇬🇧",
                "ｉｄ",
                "іd",
                "e\u0301",
                "£52",
                "f4gg0t!",
                "😂",
                " ",
                "\n",
            ]
        ),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(hostile, st.data())
def test_every_span_of_the_plain_reading_maps_inside_the_original(text: str, data: Any) -> None:
    reading = plain_reading(text)
    for word in reading.words:
        assert 0 <= word.start < word.end <= len(text)
        assert reading.text[word.at : word.stop] == word.text
    if not reading.text:
        return
    start = data.draw(st.integers(0, len(reading.text) - 1))
    end = data.draw(st.integers(start + 1, len(reading.text)))
    span = reading.to_original(start, end)
    if span is None:
        return
    assert 0 <= span[0] < span[1] <= len(text)
    if not any(w.at < end and start < w.stop for w in reading.words):
        # as written, as it was (widened only to keep an accent or joiner with its letter)
        assert reading.text[start:end] in text[span[0] : span[1]]
