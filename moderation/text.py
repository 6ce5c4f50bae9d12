"""Text normalisation: what every detector reads instead of the raw comment.

Undoes the common tricks that beat word filters: look-alike letters from other alphabets,
full-width and "fancy" letters, accents, emoji used as words, and letters spaced out
("k n o b h e a d") or dotted ("un.educated"). Leetspeak and repeated letters are not undone
here, so numbers such as "£52" stay intact: word lists match them (see `moderation.lexicon`)
and the model's plain reading undoes leetspeak inside words (`undo_leetspeak`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import emoji
from unidecode import unidecode

from moderation.text_caches import text_cache

# Letters from Cyrillic and Greek that look like Latin ones (Unicode confusables, the
# subset seen in abuse that dodges filters).
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ј": "j",
        "ԁ": "d",
        "ɡ": "g",
        "ӏ": "l",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "Ѕ": "S",
        "І": "I",
        "Ј": "J",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Χ": "X",
        "Υ": "Y",
        "Ζ": "Z",
        "ß": "ss",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00ad": "",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
    }
)

# Each letter and the digits and symbols written for it in leetspeak ("1d10t", "f4gg0t"). The
# word lists accept these forms (`moderation.lexicon`); the model's plain reading undoes them.
LEETSPEAK: dict[str, str] = {
    "a": "a@4",
    "b": "b8",
    "e": "e3",
    "g": "g9",
    "i": "i1!|l",
    "l": "l1|",
    "o": "o0",
    "s": "s5$z",
    "t": "t7+",
    "z": "z2",
}

# Runs of single letters separated by spaces, dots, dashes or stars: "k n o b", "c.u.n.t".
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z][ .\-_*]){2,}[a-z](?![a-z0-9])")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    original: str
    folded: str  # lower case, Latin letters, emoji as :names:, spaced letters joined


# Every character that is part of an emoji, but for the ASCII ones ("#", "*" and the digits
# of keycaps): no emoji is written in ASCII alone, so a text without any of these has none.
_EMOJI_CHARACTERS = frozenset(ch for e in emoji.EMOJI_DATA for ch in e if not ch.isascii())


def _keep_or_fold(ch: str) -> str:
    # Every character of an emoji is kept for demojize, the joiners, variation selectors and
    # flag letters included, so that "🇬🇧" and "🤦‍♂️" are read whole.
    if ch.isascii() or ch in "£€" or ch in _EMOJI_CHARACTERS:
        return ch
    return unidecode(ch)


def _join_spaced(match: re.Match[str]) -> str:
    letters = re.sub(r"[ .\-_*]", "", match.group(0))
    return letters


@text_cache(maxsize=8192)
def normalise(text: str) -> NormalisedText:
    folded = unicodedata.normalize("NFKC", text).translate(_CONFUSABLES)
    folded = "".join(_keep_or_fold(ch) for ch in folded)
    if not _EMOJI_CHARACTERS.isdisjoint(folded):  # demojize is slow; most comments have none
        folded = emoji.demojize(folded, delimiters=(" :", ": "))
        # What is left of an emoji after that (a lone joiner or flag letter) is folded too.
        folded = "".join(unidecode(ch) if ch in _EMOJI_CHARACTERS else ch for ch in folded)
    folded = folded.lower()
    folded = _SPACED.sub(_join_spaced, folded)
    folded = _WS.sub(" ", folded).strip()
    return NormalisedText(original=text, folded=folded)


def _letter_for_form() -> dict[str, str]:
    # A form written for two letters ("1": i or l) reads as the first one listed.
    letters: dict[str, str] = {}
    for letter, forms in LEETSPEAK.items():
        for form in forms:
            if not form.isalpha():
                letters.setdefault(form, letter)
    return letters


_LETTER_FOR_FORM = _letter_for_form()
# Forms of "l" too: doubled they read "ll" ("bo11ocks", "wa11et"); English doubles l, never i.
_FORMS_OF_L = frozenset(f for f in LEETSPEAK["l"] if not f.isalpha())
# An address is left as written: "@" in an email and digits in a link are not leetspeak.
_ADDRESS = r"[\w.+-]*@[\w-]+(?:\.[\w-]+)+|\S*://\S*|www\.\S*|[\w-]+(?:\.[\w-]+)+/\S*"
_LEET_WORD = re.compile(
    f"(?P<address>{_ADDRESS})|[a-z" + re.escape("".join(_LETTER_FOR_FORM)) + "]+"
)


def undo_leetspeak(folded: str) -> str:
    """`folded` (lower case, from `normalise`) with leetspeak read back as letters.

    Only in a word where a digit or symbol sits between its letters ("1d10t", "f4gg0t",
    "a$$hole"): there every digit becomes its letter, and a symbol only between letters, so
    "idiot!" keeps its "!". A word with digits at one end only is left alone, so "A38", "2nd",
    "£52", "4x4" and "2026" stay as written, and so do email addresses and links.
    """
    if not any(ch in _LETTER_FOR_FORM for ch in folded):
        return folded  # no digit or symbol that could stand for a letter
    return _LEET_WORD.sub(_read_leet_word, folded)


def _read_leet_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.isalpha() or match.group("address"):
        return word
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if not letters or not any(ch in _LETTER_FOR_FORM for ch in word[letters[0] : letters[-1]]):
        return word
    first, last = letters[0], letters[-1]
    out = []
    for i, ch in enumerate(word):
        if ch not in _LETTER_FOR_FORM or not (ch.isdigit() or first < i < last):
            out.append(ch)
        elif ch in _FORMS_OF_L and _FORMS_OF_L & {word[i - 1 : i], word[i + 1 : i + 2]}:
            out.append("l")
        else:
            out.append(_LETTER_FOR_FORM[ch])
    return "".join(out)
