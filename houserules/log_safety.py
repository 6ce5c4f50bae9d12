"""Every log line and every error a houserules process prints is safe to show and to keep.

Two things can go wrong in a line of text a process writes about its work:
- outside text in it (a comment, an author, a request path) carries control characters: an
  ANSI escape recolours or clears the terminal of whoever tails the log, and a newline
  forges a second, innocent-looking log line;
- a secret ends up in it: a token in a URL a library logs, in an exception's message, or in
  a traceback's local variables.

`install_log_safety` puts a record factory in front of Python's logging, so every record
made by any logger (ours, uvicorn's, Faust's, a client library's) is cleaned before any
handler formats it: each value interpolated into the message is shown with
`moderation.outside_text.visible` (one line), and every configured secret value is
replaced by `**********`. The same cleaning covers exception text and the traceback of a
crash (`sys.excepthook`). `load_settings` registers the secret values it loads, so a
process is covered from the moment it knows its secrets.
"""

from __future__ import annotations

import logging
import numbers
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any

from moderation.outside_text import visible

MASK = "**********"
# A secret this short would mask ordinary words; real tokens and passwords are longer.
SHORTEST_SECRET = 6

_secrets: tuple[str, ...] = ()
_lock = threading.Lock()
_installed = False
_exception_formatter = logging.Formatter()


def register_secrets(values: Iterable[str]) -> None:
    """Mask these values (each non-empty one of at least SHORTEST_SECRET characters) in
    every log line and error from now on."""
    global _secrets
    found = {v for v in values if len(v) >= SHORTEST_SECRET}
    with _lock:
        # Longest first, so a secret containing another is masked whole.
        _secrets = tuple(sorted(found | set(_secrets), key=len, reverse=True))


def forget_secrets() -> None:
    """For tests: mask nothing again."""
    global _secrets
    with _lock:
        _secrets = ()


def mask(text: str) -> str:
    """`text` with every registered secret replaced by MASK."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def clean(text: str, *, one_line: bool = True) -> str:
    """`text` with secrets masked and control characters shown as escapes."""
    return visible(mask(text), one_line=one_line)


class _Shown:
    """Stands for an object interpolated into a log message: its str and repr, cleaned."""

    __slots__ = ("_value",)

    def __init__(self, value: object) -> None:
        self._value = value

    def __str__(self) -> str:
        return clean(str(self._value))

    def __repr__(self) -> str:
        return clean(repr(self._value))


def _clean_arg(value: object) -> object:
    if value is None or isinstance(value, (bool, numbers.Number)):
        return value  # numbers keep their type, so %d and %.2f still work
    if isinstance(value, str):
        return clean(value)
    return _Shown(value)


def clean_record(record: logging.LogRecord) -> logging.LogRecord:
    """Clean one record in place (message, values, exception and stack text)."""
    if isinstance(record.msg, str):
        # The message is the program's own format string: its newlines are layout.
        record.msg = clean(record.msg, one_line=False)
    else:
        record.msg = _Shown(record.msg)
    if isinstance(record.args, Mapping):
        record.args = {k: _clean_arg(v) for k, v in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(_clean_arg(v) for v in record.args)
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = clean(
            _exception_formatter.formatException(record.exc_info), one_line=False
        )
    if record.stack_info:
        record.stack_info = clean(record.stack_info, one_line=False)
    return record


def _cleaning_factory(previous: Callable[..., logging.LogRecord]) -> Callable[..., Any]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return clean_record(previous(*args, **kwargs))

    make.houserules_cleans = True  # type: ignore[attr-defined]
    return make


def _excepthook(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    text = "".join(traceback.format_exception(kind, error, trace))
    sys.stderr.write(clean(text, one_line=False))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    _excepthook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)


def install_log_safety() -> None:
    """Clean every log record and crash traceback of this process from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        current = logging.getLogRecordFactory()
        if not getattr(current, "houserules_cleans", False):
            logging.setLogRecordFactory(_cleaning_factory(current))
        sys.excepthook = _excepthook
        threading.excepthook = _thread_excepthook
        _installed = True
