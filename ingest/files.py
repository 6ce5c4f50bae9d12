"""Importing comments from files, for sources without an API (Nextdoor, newspaper comment
sections, LinkedIn exports, or any spreadsheet).

JSONL: one object per line with the fields of the council-dev set (`id`, `platform`,
`surface`, `text`, and optionally `author`, `post_context`, `created_at`, `post_id`,
`parent_id`, `permalink`, `author_id`). JSON: one array of such objects (a `.json` file
that starts with an object instead is read as JSONL). CSV: a header row; columns are mapped
by name (see `CSV_COLUMNS`, and docs/imports.md). Bad rows are set aside with their line
number and the reason, and every good row is still imported.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moderation.comment import Comment, Platform, Surface

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


def _jsonl_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"not valid JSON ({exc.msg} at column {exc.colno})"
                continue
            yield number, obj if isinstance(obj, dict) else "not a JSON object"


def _json_array_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    """The objects of a JSON array, each with the line it starts on. The whole file must be
    valid JSON (unlike JSONL, one broken object cannot be skipped: its end is unknown)."""
    text = path.read_text(encoding="utf-8-sig")
    if text.lstrip().startswith("{"):
        yield from _jsonl_rows(path)
        return
    try:
        items = json.loads(text)
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
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise ImportFileError(f"{path}: the CSV file has no header row")
        lookup = {name.strip().lower(): name for name in reader.fieldnames}
        mapping = {
            ours: lookup[alias]
            for ours, aliases in CSV_COLUMNS.items()
            for alias in aliases
            if alias in lookup
        }
        mapping = {k: v for k, v in mapping.items()}
        if "text" not in mapping:
            expected = ", ".join(CSV_COLUMNS["text"])
            raise ImportFileError(
                f"{path}: no text column in the header (expected one of: {expected})"
            )
        for row in reader:
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
