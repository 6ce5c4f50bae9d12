"""Quoting a comment in the report without quoting who wrote it or their personal data.

The report is about what was said, not who said it. So a quoted comment has
- every span the personal-data detector found replaced by `[personal data removed]`;
- every @handle replaced by `@[someone]`, and any author's handle or name from the week
  (four characters or more) replaced by `[a resident]`, so a reply that names another
  commenter does not name them in the report;
- long text cut at a word boundary.
Escaping for HTML is the templates' job (Jinja2 autoescape), not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from moderation.verdict import Category, Verdict

REMOVED = "[personal data removed]"
SOMEONE = "@[someone]"
RESIDENT = "[a resident]"
_MENTION = re.compile(r"@\w[\w.]*")
MAX_CHARS = 280


def personal_data_spans(verdict: Verdict) -> list[tuple[int, int]]:
    spans = [
        (e.start, e.end)
        for f in (*verdict.findings, *verdict.below_threshold)
        if f.category is Category.PERSONAL_DATA
        for e in f.evidence
        if 0 <= e.start < e.end
    ]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_WORD = re.compile(r"[@\w][\w.'’-]*")
_LONGEST_NAME = 4  # words


def _key(words: Iterable[str]) -> str:
    return " ".join(w.lower().rstrip(".'’-") for w in words)


class Quoter:
    """Masks known names by looking up each run of up to four words in a set: a week's
    authors can number tens of thousands, too many for one pattern."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = {
            _key(n.split())
            for n in names
            if len(n.strip().lstrip("@")) >= 4 and len(n.split()) <= _LONGEST_NAME
        }
        self._names.discard("")

    def _mask_names(self, text: str) -> str:
        if not self._names:
            return text
        words = list(_WORD.finditer(text))
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            for size in range(min(_LONGEST_NAME, len(words) - i), 0, -1):
                run = words[i : i + size]
                if _key(w.group() for w in run) in self._names:
                    end = run[-1].end()
                    while end > run[-1].start() and text[end - 1] in ".'’-":
                        end -= 1
                    spans.append((run[0].start(), end))
                    i += size
                    break
            else:
                i += 1
        for start, end in reversed(spans):
            text = text[:start] + RESIDENT + text[end:]
        return text

    def quote(self, text: str, verdict: Verdict | None = None, limit: int = MAX_CHARS) -> str:
        if verdict is not None:
            for start, end in reversed(personal_data_spans(verdict)):
                text = text[:start] + REMOVED + text[end:]
        text = self._mask_names(text)
        text = _MENTION.sub(SOMEONE, text)
        text = " ".join(text.split())
        if len(text) > limit:
            cut = text[:limit].rsplit(" ", 1)[0]
            text = cut + " …"
        return text
