"""The plain reading of a comment: its spelling dodges undone, for the model to read as well.

People write "1d10t", "f4gg0t", "k n o b h e a d", "c.u.n.t" or "іdiot" (a Cyrillic і) so a
filter misses the word; the model's WordPiece tokens of such a spelling carry little of its
meaning. The plain reading undoes what `moderation.text.normalise` undoes (look-alike letters,
accents, letters spaced or dotted out, emoji as words) and leetspeak inside words
(`undo_leetspeak`), word by word, and leaves every other word exactly as written, so a comment
without a dodge reads the same both ways and is not scored twice.

Each word of the plain reading remembers the characters of the original it came from, so the
words that carried a score in the plain reading are shown where they are in the comment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from moderation.model_interface import WordWeight
from moderation.text import normalise, undo_leetspeak

_TOKEN = re.compile(r"\S+")
_ALNUM_RUN = re.compile(r"[^\W_]+")
_ZWJ = "\u200d"


@dataclass(frozen=True, slots=True)
class PlainWord:
    """One word of the plain reading: its text there, where it is there (`at`), and the
    characters of the original it stands for (`start`, `end`)."""

    text: str
    at: int
    start: int
    end: int

    @property
    def stop(self) -> int:
        return self.at + len(self.text)


@dataclass(frozen=True, slots=True)
class PlainReading:
    """A comment as written (`original`) and as read plainly (`text`): the same but for the
    rewritten `words`, in order, between which the original's characters are kept."""

    original: str
    text: str
    words: tuple[PlainWord, ...]

    @property
    def dodged(self) -> bool:
        """Whether the plain reading differs from the comment."""
        return self.text != self.original

    @property
    def worth_scoring(self) -> bool:
        """Whether the model should score the plain reading as well as the comment: a word
        rewritten from letters or digits is. A comment whose only rewritten words are emoji
        (no letter or digit) is scored once, as written: the model was trained with emoji in
        comments, and scoring their names as well changed no action on 3,172 labelled
        comments (docs/evaluation.md) while it cost a fifth more encoding."""
        return any(_alnum_runs(self.original[w.start : w.end]) for w in self.words)

    def to_original(self, start: int, end: int) -> tuple[int, int] | None:
        """The characters of the original that the plain reading's [start, end) came from.

        Inside a word left as written the offsets move by how much the plain words before it
        grew or shrank; a span touching a rewritten word covers the characters that word was
        rewritten from (all of them, where the rewrite does not keep them one for one). None
        when the span is empty or outside the plain reading.
        """
        if not 0 <= start < end <= len(self.text):
            return None
        first = self._original_offset(start, is_end=False)
        last = self._original_offset(end, is_end=True)
        first, last = _whole_characters(self.original, first, last)
        if not 0 <= first < last <= len(self.original):
            return None
        return first, last

    def _original_offset(self, offset: int, *, is_end: bool) -> int:
        shift = 0
        for word in self.words:
            inside = word.at < offset < word.stop or (
                offset == word.at if not is_end else offset == word.stop
            )
            if inside:
                return _offset_in_word(self.original[word.start : word.end], word, offset, is_end)
            if word.stop > offset:
                break
            shift += (word.end - word.start) - len(word.text)
        return offset + shift

    def evidence_in_original(self, words: Sequence[WordWeight]) -> tuple[WordWeight, ...]:
        """The plain reading's evidence moved onto the original; words that land on the same
        characters (the names of one emoji) are one word with their shares added."""
        merged: dict[tuple[int, int], float] = {}
        for word in words:
            span = self.to_original(word.start, word.end)
            if span is not None:
                merged[span] = merged.get(span, 0.0) + word.share
        ranked = sorted(merged.items(), key=lambda item: -item[1])
        return tuple(WordWeight(s, e, round(share, 3)) for (s, e), share in ranked)


def plain_reading(text: str) -> PlainReading:
    """The comment with its dodged words written plainly, and where each came from."""
    if _reads_plainly(text):
        return PlainReading(text, text, ())
    pieces: list[str] = []
    words: list[PlainWord] = []
    at = last = 0
    for start, end in _word_spans(text):
        written = text[start:end]
        plain = _plain_word(written)
        if plain == written:
            continue
        gap = text[last:start]
        pieces += [gap, plain]
        at += len(gap)
        words.append(PlainWord(plain, at, start, end))
        at += len(plain)
        last = end
    if not words:
        return PlainReading(text, text, ())
    pieces.append(text[last:])
    return PlainReading(text, "".join(pieces), tuple(words))


def _reads_plainly(text: str) -> bool:
    """A shortcut for most comments, the same answer as going word by word: in ASCII text,
    `normalise` changes more than case and spacing only where it joins spaced letters."""
    if not text.isascii():
        return False
    lowered = " ".join(text.lower().split())
    return normalise(text).folded == lowered and undo_leetspeak(lowered) == lowered


def _plain_word(written: str) -> str:
    """A word (or a run of spaced letters) written plainly, or as written when it is not a
    dodge: changes to punctuation alone (curly quotes, an ellipsis) and accents alone (which
    the model's tokenizer strips itself) are not worth a second reading."""
    plain = " ".join(undo_leetspeak(w) for w in normalise(written).folded.split(" "))
    if not plain or _alnum_runs(plain) == _alnum_runs(_without_accents(written.lower())):
        return written
    return plain


def _alnum_runs(text: str) -> list[str]:
    return _ALNUM_RUN.findall(text)


def _without_accents(text: str) -> str:
    # Canonical decomposition only, as the tokenizer strips accents: a full-width or "fancy"
    # letter stays what it is, a dodge.
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _word_spans(text: str) -> Iterator[tuple[int, int]]:
    """The whitespace-separated words of `text`, except that a run of single letters which
    `normalise` joins into one word ("k n o b h e a d") is one span."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and _single_letter(text[tokens[j][0] : tokens[j][1]]):
            j += 1
        if j - i < 2:
            yield tokens[i]
            i += 1
            continue
        yield from _joined_runs(text, tokens[i:j])
        i = j


def _single_letter(token: str) -> bool:
    letters = _alnum_runs(normalise(token).folded)
    return len(letters) == 1 and len(letters[0]) == 1 and letters[0].isalpha()


def _joined_runs(text: str, tokens: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Single-letter tokens grouped as `normalise` joins them: each word of the folded run
    holds as many letters as the tokens it took."""
    folded = normalise(text[tokens[0][0] : tokens[-1][1]]).folded.split(" ")
    counts = [sum(len(run) for run in _alnum_runs(word)) for word in folded]
    if sum(counts) != len(tokens) or 0 in counts:
        yield from tokens  # not as expected: leave each token to itself
        return
    k = 0
    for count in counts:
        yield tokens[k][0], tokens[k + count - 1][1]
        k += count


def _offset_in_word(written: str, word: PlainWord, offset: int, is_end: bool) -> int:
    """An offset inside a rewritten word, in the original. Characters the rewrite kept at
    the word's start and end (the "f" and "t!" of "f4gg0t!") map one for one; everything
    between maps to the whole rewritten middle."""
    plain, relative = word.text, offset - word.at
    head = _common_length(written, plain)
    tail = _common_length(written[head:][::-1], plain[head:][::-1])
    if relative < head or (is_end and relative == head):
        return word.start + relative
    if relative > len(plain) - tail or (not is_end and relative == len(plain) - tail):
        return word.end - (len(plain) - relative)
    return word.start + (len(written) - tail if is_end else head)


def _common_length(written: str, plain: str) -> int:
    n = 0
    while n < min(len(written), len(plain)) and written[n].lower() == plain[n]:
        n += 1
    return n


def _whole_characters(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so it does not cut a letter from its accents or an emoji from its
    joiners and modifiers."""
    while 0 < start < len(text) and _joined(text, start):
        start -= 1
    while 0 < end < len(text) and _joined(text, end):
        end += 1
    return start, end


def _joined(text: str, i: int) -> bool:
    """Whether text[i] belongs with text[i - 1] (0 < i < len(text))."""
    ch = text[i]
    return (
        unicodedata.category(ch) in ("Mn", "Me")  # accents, keycaps, variation selectors
        or _ZWJ in (ch, text[i - 1])  # the joiner inside an emoji sequence
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin tones
        or "\U000e0020" <= ch <= "\U000e007f"  # tags of a subdivision flag
    )
