"""Outside text in the command line's tables, errors and messages: shown, never obeyed.

rich reads `[...]` in a string as markup: a comment containing `[/x]` would stop
`houserules queue` with a markup error for every reviewer, and `[conceal]...[/conceal]`
would hide a threat from the one person who has to read it. So every piece of outside
text (comment text, authors, reasons, officers' names, file names, rejected fields) goes
through one of these before rich sees it, after `moderation.outside_text.visible` has
turned its control characters into escapes:

- `cell(value)` for a table cell or a whole line: a rich `Text`, which is never markup;
- `shown(value)` to put a value inside a string that does carry our own markup.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

from moderation.outside_text import visible


def cell(value: object, *, one_line: bool = False) -> Text:
    """A table cell (or a printable line) holding `value` as plain text."""
    return Text(visible(str(value), one_line=one_line))


def shown(value: object, *, one_line: bool = False) -> str:
    """`value` made safe to place inside a string that rich reads as markup."""
    return escape(visible(str(value), one_line=one_line))
