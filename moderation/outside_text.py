"""Text from outside (comments, names, rejected rows) shown as data, never as instructions.

A comment is written by anyone on the internet. Shown in a terminal, its control
characters are instructions to that terminal: an ANSI escape can clear the screen, recolour
or hide text, and a carriage return can overwrite the start of the line. Shown anywhere,
Unicode's direction overrides can make "kill" read as "llik". So wherever houserules shows
outside text it first calls `visible`, which replaces every such character with a printable
escape (`\\x1b`, `\\u202e`): the officer sees that something was there and what it was,
and nothing is interpreted. The stored text is never changed; only what is shown.

Markup is the other half: the CLI never lets rich read outside text as markup (see
`houserules.outside_text`) and the review app's templates autoescape HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Controls that reorder text when displayed: embeddings, overrides, isolates and marks.
_DIRECTION_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Every C0 and C1 control and DEL except tab and newline (which are layout, not commands),
# the direction controls, and the line and paragraph separators some terminals obey.
_HIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_DIRECTION_CONTROLS}\u2028\u2029]")
_HIDDEN_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_DIRECTION_CONTROLS}\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character shown as an escape, so printing it can only
    print it. With `one_line`, tabs and newlines are escaped too (for a log line or an
    error line, which a newline in a comment must not split into a forged second line).

    A backslash already in the text is left alone: the escapes are for people to read,
    not to be decoded again."""
    pattern = _HIDDEN_ONE_LINE if one_line else _HIDDEN
    return pattern.sub(_escape, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (the replacement character).

    JSON may spell half of an emoji (`"\\ud83d"`), a platform may cut a message in the
    middle of one, and Python reads undecodable command-line bytes as surrogates; such a
    string cannot be written as UTF-8, so one of them would stop every store and topic
    it reaches. Comments and decisions are made well-formed once, where they are made."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def well_formed_data(value: Any) -> Any:
    """`well_formed` applied to every string (keys included) in JSON-like data."""
    if isinstance(value, str):
        return well_formed(value)
    if isinstance(value, Mapping):
        return {well_formed_data(k): well_formed_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [well_formed_data(v) for v in value]
    return value


def has_hidden_characters(text: str) -> bool:
    """Whether `visible` would change `text` (outside of tabs and newlines)."""
    return _HIDDEN.search(text) is not None
