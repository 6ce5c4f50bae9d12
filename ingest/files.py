"""Importing comments from files, for sources without an API (Nextdoor, newspaper comment
sections, LinkedIn exports, or any spreadsheet).

JSONL: one object per line with the fields of the council-dev set (`id`, `platform`,
`surface`, `text`, and optionally `author`, `post_context`, `created_at`, `post_id`,
`parent_id`, `permalink`, `author_id`). JSON: one array of such objects (a `.json` file
that starts with an object instead is read as JSONL). CSV: a header row; columns are mapped
by name (see `CSV_COLUMNS`, and docs/imports.md). Bad rows are set aside with their line
number and the reason, and every good row is still imported.

Files come from anywhere, so reading them is bounded: JSONL and CSV are read line by line
as bytes, and a line longer than `MAX_LINE_BYTES` is skipped without being held in memory
(memory stays flat whatever the file holds); a line that is not UTF-8 is rejected with its
number and the rest of the file is still read; a row whose text is longer than
`MAX_COMMENT_CHARS` is rejected with that reason. A JSON array is parsed whole, so it is
refused above `MAX_JSON_FILE_BYTES` (JSONL has no such limit).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moderation.comment import MAX_COMMENT_CHARS, Comment, Platform, Surface

# Our field -> the column names accepted for it in a CSV header (case-insensitive).
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "comment_id": ("comment_id", "id", "comment id"),
    "platform": ("platform", "source"),
    "surface": ("surface",),
    "text": ("text", "comment", "message", "body"),
    "created_at": ("created_at", "date", "timestamp", "posted_at", "time"),
    "author_handle": ("author", "author_handle", "user", "username", "name"),
    "author_id": ("author_id", "user_id"),
    "post_id": ("post_id", "article_id", "thread_id"),
    "parent_id": ("parent_id", "reply_to"),
    "permalink": ("permalink", "url", "link"),
    "post_context": ("post_context", "post", "article", "headline"),
}
# The longest line (one JSONL object or one CSV line) read, in bytes: room for a comment of
# MAX_COMMENT_CHARS characters written with JSON's longest escapes, and its other fields.
MAX_LINE_BYTES = 1 << 20
MAX_JSON_FILE_BYTES = 64 << 20
_SKIP_CHUNK = 1 << 16
# Sources that have no API: everything from them is a mention the council cannot hide.
FILE_ONLY_PLATFORMS = {Platform.NEXTDOOR, Platform.NEWS_COMMENT, Platform.LINKEDIN, Platform.OTHER}


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportedRow:
    line: int
    comment: Comment
    extra: Mapping[str, Any]  # fields we do not model, e.g. gold labels in an evaluation set


@dataclass
class ImportResult:
    path: Path
    rows: list[ImportedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def comments(self) -> list[Comment]:
        return [r.comment for r in self.rows]


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, wrong format, no header)."""


def _parse_time(value: Any, now: datetime) -> datetime:
    if value in (None, ""):
        return now
    if not isinstance(value, str):
        raise ValueError(f"created_at should be a date-time string, got {value!r}")
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"created_at is not an ISO 8601 date-time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def row_to_comment(row: Mapping[str, Any], now: datetime) -> Comment:
    """Build a Comment from one row; raises ValueError with a reason a person can act on."""
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text")
    if len(text) > MAX_COMMENT_CHARS:
        raise ValueError(
            f"the text is {len(text):,} characters, longer than the {MAX_COMMENT_CHARS:,}"
            " houserules accepts (no platform allows a comment that long)"
        )
    comment_id = str(row.get("comment_id") or row.get("id") or "").strip()
    if not comment_id:
        raise ValueError("no comment id (column 'id' or 'comment_id')")
    raw_platform = str(row.get("platform") or "").strip().lower()
    try:
        platform = Platform(raw_platform)
    except ValueError:
        known = ", ".join(p.value for p in Platform)
        raise ValueError(f"unknown platform {raw_platform!r} (expected one of: {known})") from None
    raw_surface = str(row.get("surface") or "").strip().lower()
    if not raw_surface:
        surface = Surface.MENTION if platform in FILE_ONLY_PLATFORMS else Surface.OWN_PAGE
    else:
        try:
            surface = Surface(raw_surface)
        except ValueError:
            raise ValueError(
                f"unknown surface {raw_surface!r} (expected own_page or mention)"
            ) from None
    return Comment(
        platform=platform,
        surface=surface,
        comment_id=comment_id,
        text=text,
        created_at=_parse_time(row.get("created_at"), now),
        author_handle=str(row.get("author_handle") or row.get("author") or ""),
        author_id=str(row.get("author_id") or ""),
        post_id=str(row.get("post_id") or ""),
        parent_id=str(row.get("parent_id") or ""),
        permalink=str(row.get("permalink") or ""),
        post_context=str(row.get("post_context") or ""),
        raw=dict(row),
    )


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of a file: its text, or the reason it cannot be read (then `text` is a
    stand-in that keeps a CSV's quoting in step, with nothing of the line's words)."""

    number: int
    text: str
    problem: str = ""


def _lines(path: Path) -> Iterator[_Line]:
    """The file's lines, read as bytes at most MAX_LINE_BYTES at a time and decoded one by
    one, so neither a huge line nor a bad byte can stop the lines after it."""
    with path.open("rb") as handle:
        number = 0
        while chunk := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
                size, quotes = len(chunk), chunk.count(b'"')
                while (more := handle.readline(_SKIP_CHUNK)) and not more.endswith(b"\n"):
                    size, quotes = size + len(more), quotes + more.count(b'"')
                size, quotes = size + len(more), quotes + more.count(b'"')
                # Never blank (csv would skip it silently), and with the line's own quote
                # parity, so the records after it are split where they were.
                yield _Line(
                    number,
                    '"' * (quotes % 2) + ",\n",
                    f"the line is {size:,} bytes, longer than the {MAX_LINE_BYTES:,} a row may be",
                )
                continue
            if number == 1 and chunk.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark
                chunk = chunk[3:]
            try:
                yield _Line(number, chunk.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield _Line(
                    number,
                    chunk.decode("utf-8", errors="replace"),
                    f"not UTF-8 text (byte 0x{chunk[exc.start]:02x},"
                    f" the line's byte {exc.start + 1})",
                )


def _jsonl_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    for line in _lines(path):
        if line.problem:
            yield line.number, line.problem
            continue
        if not line.text.strip():
            continue
        try:
            obj = json.loads(line.text)
        except json.JSONDecodeError as exc:
            yield line.number, f"not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        except RecursionError:
            yield line.number, "not valid JSON (nested too deeply)"
            continue
        yield line.number, obj if isinstance(obj, dict) else "not a JSON object"


def _json_array_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    """The objects of a JSON array, each with the line it starts on. The whole file must be
    valid JSON (unlike JSONL, one broken object cannot be skipped: its end is unknown)."""
    size = path.stat().st_size
    if size > MAX_JSON_FILE_BYTES:
        raise ImportFileError(
            f"{path}: a .json file is read whole, and this one is {size:,} bytes (the limit is"
            f" {MAX_JSON_FILE_BYTES:,}); write it as JSONL (one object per line), which is"
            " read line by line"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); a .json file is read"
            " whole, so one bad byte refuses it: JSONL rejects only the line it is on"
        ) from None
    if text.lstrip().startswith("{"):
        yield from _jsonl_rows(path)
        return
    try:
        items = json.loads(text)
    except RecursionError:
        raise ImportFileError(f"{path}: not valid JSON (nested too deeply)") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno});"
            " a .json file holds one array of comment objects, a .jsonl file one per line"
        ) from None
    if not isinstance(items, list):
        raise ImportFileError(
            f"{path}: a .json file must hold an array of comment objects, not"
            f" {type(items).__name__}"
        )
    decoder, at = json.JSONDecoder(), text.index("[") + 1
    for item in items:
        while text[at] in " \t\r\n,":
            at += 1
        line = text.count("\n", 0, at) + 1
        at = decoder.raw_decode(text, at)[1]
        yield line, item if isinstance(item, dict) else "not a JSON object"


def _csv_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    """CSV records (a quoted field may span lines). A record that takes in a line that
    could not be read is rejected with that line's number and reason."""
    problems: dict[int, str] = {}

    def texts() -> Iterator[str]:
        for line in _lines(path):
            if line.problem:
                problems[line.number] = line.problem
            yield line.text

    reader = csv.DictReader(texts())
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise ImportFileError(f"{path}: the header row cannot be read ({exc})") from None
    if 1 in problems:
        raise ImportFileError(f"{path}: the header row cannot be read: {problems[1]}")
    if not fieldnames:
        raise ImportFileError(f"{path}: the CSV file has no header row")
    lookup = {name.strip().lower(): name for name in fieldnames}
    mapping = {
        ours: lookup[alias]
        for ours, aliases in CSV_COLUMNS.items()
        for alias in aliases
        if alias in lookup
    }
    if "text" not in mapping:
        expected = ", ".join(CSV_COLUMNS["text"])
        raise ImportFileError(f"{path}: no text column in the header (expected one of: {expected})")
    done = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield reader.line_num, f"not a valid CSV row ({exc})"
            done = reader.line_num
            continue
        bad = sorted(n for n in problems if done < n <= reader.line_num)
        done = reader.line_num
        if bad:
            yield bad[0], problems[bad[0]]
            continue
        mapped = {ours: row.get(column) for ours, column in mapping.items()}
        extra = {k: v for k, v in row.items() if k not in mapping.values()}
        yield reader.line_num, {**extra, **mapped}


def read_comments(path: Path, now: datetime | None = None) -> ImportResult:
    """Read a JSONL, JSON (array) or CSV file of comments. Rows without a date get `now`
    (import time)."""
    now = now or datetime.now(UTC)
    if not path.exists():
        raise ImportFileError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(path)
    elif suffix == ".json":
        rows = _json_array_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        raise ImportFileError(
            f"{path}: unknown file type '{suffix}' (expected .jsonl, .json or .csv)"
        )
    result = ImportResult(path)
    seen: set[str] = set()
    try:
        for line, row in rows:
            if isinstance(row, str):
                result.rejected.append(RejectedRow(line, row))
                continue
            try:
                comment = row_to_comment(row, now)
            except ValueError as exc:
                result.rejected.append(RejectedRow(line, str(exc)))
                continue
            if comment.key in seen:
                result.rejected.append(
                    RejectedRow(line, f"duplicate comment id {comment.comment_id!r}")
                )
                continue
            seen.add(comment.key)
            extra = {k: v for k, v in row.items() if k not in CSV_COLUMNS and k != "id"}
            result.rows.append(ImportedRow(line, comment, extra))
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    return result
