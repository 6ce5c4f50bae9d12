"""Importing a file from anywhere: a bad byte, a monstrous line or an endless comment costs
that one row, with its line number and the reason, never the rows around it; memory stays
flat whatever a line holds; the classifier reads at most MAX_COMMENT_CHARS of any text."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from houserules.config import load_registers, load_rules
from ingest import files
from ingest.files import MAX_LINE_BYTES, ImportFileError, read_comments
from moderation.classifier import HouseRulesClassifier
from moderation.comment import MAX_COMMENT_CHARS, Comment, Platform, Surface
from moderation.detectors.base import Detection, Document


def row(n: int, text: str = "Bins missed again on Elm Road") -> bytes:
    return json.dumps({"id": f"r{n}", "platform": "facebook", "text": text}).encode() + b"\n"


def test_a_line_that_is_not_utf8_is_rejected_with_its_number_and_the_rest_import(
    tmp_path: Path,
) -> None:
    file = tmp_path / "c.jsonl"
    file.write_bytes(row(1) + b'{"id": "r2", "platform": "facebook", "text": "caf\xe9"}\n' + row(3))
    result = read_comments(file)
    assert [r.comment.comment_id for r in result.rows] == ["r1", "r3"]
    ((line, reason),) = [(r.line, r.reason) for r in result.rejected]
    assert line == 2
    assert reason == "not UTF-8 text (byte 0xe9, the line's byte 50)"


def test_a_csv_row_that_is_not_utf8_is_rejected_and_a_multiline_row_after_it_still_reads(
    tmp_path: Path,
) -> None:
    file = tmp_path / "c.csv"
    file.write_bytes(
        b"\xef\xbb\xbfid,platform,text\r\n"
        b"a1,nextdoor,Lovely park\r\n"
        b"a2,nextdoor,Caf\xff bins\r\n"
        b'a3,nextdoor,"two lines,\r\nstill one comment"\r\n'
        b"a4,nextdoor,Last one\r\n"
    )
    result = read_comments(file)
    assert [(r.line, r.comment.comment_id) for r in result.rows] == [
        (2, "a1"),
        (5, "a3"),
        (6, "a4"),
    ]
    assert result.rows[1].comment.text == "two lines,\r\nstill one comment"
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "not UTF-8 text (byte 0xff, the line's byte 16)")
    ]


@pytest.mark.parametrize("quotes", [0, 1])
def test_an_overlong_csv_line_costs_its_own_row_whatever_its_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quotes: int
) -> None:
    monkeypatch.setattr(files, "MAX_LINE_BYTES", 100)
    long_line = b'b1,nextdoor,"' + b"x" * 300 + b'"' * (1 - quotes) + b"\n"
    if quotes:  # its quote is closed on the next line, as a multi-line field would be
        long_line += b'end of the long one"\n'
    file = tmp_path / "c.csv"
    file.write_bytes(b"id,platform,text\nb0,nextdoor,Before\n" + long_line + b"b9,nextdoor,After\n")
    result = read_comments(file)
    assert [r.comment.comment_id for r in result.rows] == ["b0", "b9"]
    (rejected,) = result.rejected
    assert rejected.line == 3
    assert "longer than the 100 a row may be" in rejected.reason


def test_a_50_mb_line_is_skipped_without_holding_it_and_the_next_line_imports(
    tmp_path: Path,
) -> None:
    file = tmp_path / "c.jsonl"
    with file.open("wb") as out:
        out.write(row(1))
        out.write(b'{"id": "huge", "platform": "facebook", "text": "')
        chunk = b"a" * (1 << 20)
        for _ in range(50):
            out.write(chunk)
        out.write(b'"}\n')
        out.write(row(3))
    tracemalloc.start()
    try:
        result = read_comments(file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.comment.comment_id for r in result.rows] == ["r1", "r3"]
    (rejected,) = result.rejected
    assert rejected.line == 2
    assert rejected.reason.startswith("the line is 52,428,")
    assert f"longer than the {MAX_LINE_BYTES:,} a row may be" in rejected.reason
    assert peak < 4 * MAX_LINE_BYTES, f"peak {peak:,} bytes while reading a 50 MB line"


def test_a_comment_longer_than_any_platform_allows_is_rejected_with_the_reason(
    tmp_path: Path,
) -> None:
    file = tmp_path / "c.jsonl"
    file.write_bytes(row(1, "x" * MAX_COMMENT_CHARS) + row(2, "y" * (MAX_COMMENT_CHARS + 1)))
    result = read_comments(file)
    assert [r.comment.comment_id for r in result.rows] == ["r1"]
    assert [(r.line, r.reason) for r in result.rejected] == [
        (
            2,
            f"the text is {MAX_COMMENT_CHARS + 1:,} characters, longer than the "
            f"{MAX_COMMENT_CHARS:,} houserules accepts (no platform allows a comment that long)",
        )
    ]


def test_deeply_nested_json_is_a_rejected_row_not_a_crash(tmp_path: Path) -> None:
    file = tmp_path / "c.jsonl"
    file.write_bytes(b"[" * 100_000 + b"\n" + row(2))
    result = read_comments(file)
    assert [r.comment.comment_id for r in result.rows] == ["r2"]
    assert [(r.line, r.reason) for r in result.rejected] == [
        (1, "not valid JSON (nested too deeply)")
    ]


def test_a_json_array_too_big_to_read_whole_is_refused_with_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_JSON_FILE_BYTES", 50)
    file = tmp_path / "c.json"
    file.write_text(json.dumps([{"id": "1", "platform": "x", "text": "a" * 100}]))
    with pytest.raises(ImportFileError, match=r"write it as JSONL \(one object per line\)"):
        read_comments(file)


class Spy:
    """A detector that notes how much text it was given."""

    name = "spy"

    def __init__(self) -> None:
        self.lengths: list[int] = []

    def detect(self, doc: Document) -> Detection:
        self.lengths.append(len(doc.comment.text))
        return Detection()


def test_the_classifier_reads_at_most_the_longest_comment_any_platform_allows() -> None:
    spy = Spy()
    classifier = HouseRulesClassifier(load_rules(), load_registers(), None, detectors=[spy])
    text = "you muppet " + "a" * 1_000_000
    long = Comment(Platform.FACEBOOK, Surface.OWN_PAGE, "l1", text, datetime.now(UTC))
    short = Comment(Platform.FACEBOOK, Surface.OWN_PAGE, "s1", "hello", datetime.now(UTC))
    verdicts = classifier.classify([long, short])
    assert spy.lengths == [MAX_COMMENT_CHARS, 5]
    assert [v.comment_key for v in verdicts] == ["facebook:l1", "facebook:s1"]
    assert len(long.text) == 1_000_011  # the comment itself keeps every character


def test_half_an_emoji_is_imported_as_a_replacement_character_not_a_crash(
    tmp_path: Path,
) -> None:
    file = tmp_path / "c.jsonl"
    file.write_bytes(row(1, "broken \ud83d emoji"))  # JSON spells it \\ud83d
    (imported,) = read_comments(file).rows
    assert imported.comment.text == "broken \ufffd emoji"
    imported.comment.text.encode("utf-8")
