"""How people write words so a filter misses them, as a training augmentation.

Applied to positives and negatives alike, so the model learns that a dodged spelling means
what the plain one means, not that odd spelling is itself abuse: "k1ll", "k i l l", "kiil",
"klil", "k*ll", "кill" (a Cyrillic letter), and emoji between words. Each dodge changes one
or two words of four letters or more; the rest of the comment is left as written.
"""

from __future__ import annotations

import random
import re

LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "l": "1", "g": "9"}
SYMBOLS = {"a": "@", "i": "!", "s": "$", "o": "*", "u": "*", "e": "*"}
# Latin letters and the Cyrillic or Greek letters that look the same.
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "y": "у"}
EMOJI = ("😡", "🤬", "😂", "🙄", "👍", "💀", "🔥", "👏", "😤", "🤡", "❤️", "😬")
WORD = re.compile(r"[A-Za-z]{4,}")


def _swap(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _drop(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]


def _double(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    return word[: i + 1] + word[i] + word[i + 1 :]


def _space(word: str, rng: random.Random) -> str:
    return " ".join(word)


def _leet(word: str, rng: random.Random) -> str:
    return "".join(LEET.get(c.lower(), c) if rng.random() < 0.6 else c for c in word)


def _symbol(word: str, rng: random.Random) -> str:
    inner = [i for i in range(1, len(word) - 1) if word[i].lower() in SYMBOLS]
    if not inner:
        return _drop(word, rng)
    i = rng.choice(inner)
    return word[:i] + SYMBOLS[word[i].lower()] + word[i + 1 :]


def _homoglyph(word: str, rng: random.Random) -> str:
    return "".join(HOMOGLYPHS.get(c, c) if rng.random() < 0.5 else c for c in word)


WORD_DODGES = (_swap, _drop, _double, _space, _leet, _symbol, _homoglyph)


def dodge(text: str, rng: random.Random) -> str:
    """One dodged copy of `text` (or the text with emoji added when no word is long enough)."""
    words = list(WORD.finditer(text))
    if not words or rng.random() < 0.15:
        return _with_emoji(text, rng)
    chosen = rng.sample(words, k=min(len(words), rng.choice((1, 1, 2))))
    pieces, last = [], 0
    for match in sorted(chosen, key=lambda m: m.start()):
        pieces += [text[last : match.start()], rng.choice(WORD_DODGES)(match.group(0), rng)]
        last = match.end()
    pieces.append(text[last:])
    dodged = "".join(pieces)
    return _with_emoji(dodged, rng) if rng.random() < 0.2 else dodged


def _with_emoji(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.choice((1, 2))):
        words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI))
    return " ".join(words)
