"""Word lists match their terms in disguise, and report which term matched."""

from __future__ import annotations

import re

import pytest

from moderation.lexicon import Lexicon, term_pattern


@pytest.mark.parametrize(
    "written", ["knobhead", "kn0bhead", "knobheaddd", "kn*bhead", "knob-head", "kn.obhead"]
)
def test_a_term_matches_its_disguises(written: str) -> None:
    lexicon = Lexicon("insults", ["idiot", "knobhead", "muppet"])
    match = lexicon.first(f"what a {written} you are")
    assert match is not None
    assert (match.term, match.span) == ("knobhead", written)


def test_every_match_in_a_text_names_its_own_term() -> None:
    terms = ["bin", "bins collection", "black bag", "blue bin", "bulky waste", "brown bin"]
    lexicon = Lexicon("waste", terms)
    found = lexicon.find("no bins collection, the blue bin and a black bag left out; bulky waste")
    assert [m.term for m in found] == ["bins collection", "blue bin", "black bag", "bulky waste"]
    for m in found:
        assert re.fullmatch(term_pattern(m.term), m.span)


def test_a_word_inside_a_longer_word_is_not_a_match() -> None:
    assert Lexicon("waste", ["bin"]).first("the cabinet met") is None


def test_where_two_terms_could_start_at_one_place_the_earlier_in_the_list_wins() -> None:
    # "1" is a form of both i and l, so "1ink" could be "link" or "iink"; the list's order
    # decides, even where another term with the same first letter comes before both.
    for terms, expected in (
        (["ice", "link", "iink"], "link"),
        (["lamp", "iink", "link"], "iink"),
    ):
        match = Lexicon("order", terms).first("click 1ink")
        assert match is not None and match.term == expected


def test_an_open_ended_term_takes_any_ending() -> None:
    match = Lexicon("slurs", ["retard*"]).first("you retarded lot")
    assert match is not None and match.span == "retarded"
