"""Text normalisation: what every detector reads instead of the raw comment.

Undoes the common tricks that beat word filters: look-alike letters from other alphabets,
full-width and "fancy" letters, accents, emoji used as words, and letters spaced out
("k n o b h e a d") or dotted ("un.educated"). Leetspeak and repeated letters are handled
when terms are matched (see `moderation.lexicon`), so numbers such as "£52" stay intact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import emoji
from unidecode import unidecode

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

# Runs of single letters separated by spaces, dots, dashes or stars: "k n o b", "c.u.n.t".
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z][ .\-_*]){2,}[a-z](?![a-z0-9])")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    original: str
    folded: str  # lower case, Latin letters, emoji as :names:, spaced letters joined


def _keep_or_fold(ch: str) -> str:
    if ch.isascii() or ch in "£€":
        return ch
    if emoji.is_emoji(ch):
        return ch
    return unidecode(ch)


def _join_spaced(match: re.Match[str]) -> str:
    letters = re.sub(r"[ .\-_*]", "", match.group(0))
    return letters


@lru_cache(maxsize=8192)
def normalise(text: str) -> NormalisedText:
    folded = unicodedata.normalize("NFKC", text).translate(_CONFUSABLES)
    folded = "".join(_keep_or_fold(ch) for ch in folded)
    folded = emoji.demojize(folded, delimiters=(" :", ": "))
    folded = folded.lower()
    folded = _SPACED.sub(_join_spaced, folded)
    folded = _WS.sub(" ", folded).strip()
    return NormalisedText(original=text, folded=folded)
