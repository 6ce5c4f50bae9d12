"""How a comment's text is folded before the word lists read it: lower case, Latin letters,
emoji as their names, spaced letters joined, leetspeak read back only inside words."""

from __future__ import annotations

import pytest

from moderation.text import normalise, undo_leetspeak
from moderation.text_caches import clear_text_caches


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("See you at the meeting", "see you at the meeting"),
        ("Bin day 🔥🔥", "bin day :fire: :fire:"),
        ("Well done 👍🏽", "well done :thumbs_up_medium_skin_tone:"),
        # A flag is two letter symbols and a keycap ends in two marks: each is read whole.
        ("Up the 🇬🇧", "up the :united_kingdom:"),
        ("Vote #️⃣1", "vote :keycap_#: 1"),
        ("❤️ this", ":red_heart: this"),
        # A zero-width joiner is dropped (it also hides words: "id\u200diot"), so a joined
        # emoji reads as its parts.
        ("🤦\u200d♂️ honestly", ":person_facepalming: :male_sign: honestly"),
        ("a lone 🇬 letter", "a lone letter"),
        ("Copyright © 2026", "copyright :copyright: 2026"),
        ("k n o b", "knob"),
        ("Café “quotes”", 'cafe "quotes"'),
    ],
)
def test_normalise_folds_case_emoji_and_spacing(written: str, folded: str) -> None:
    clear_text_caches()
    assert normalise(written).folded == folded


@pytest.mark.parametrize(
    ("folded", "read"),
    [
        ("you 1d10t!", "you idiot!"),
        ("a$$hole", "asshole"),
        ("the a38 on 2nd june, £52 for a 4x4", "the a38 on 2nd june, £52 for a 4x4"),
        ("mail bob1@example.com", "mail bob1@example.com"),
        ("no digits at all", "no digits at all"),
    ],
)
def test_leetspeak_is_read_back_only_between_letters(folded: str, read: str) -> None:
    assert undo_leetspeak(folded) == read


def test_emptied_caches_give_the_same_answers() -> None:
    first = normalise("Bin day 🔥 at no. 12")
    clear_text_caches()
    assert normalise("Bin day 🔥 at no. 12") == first
