import json
from pathlib import Path

import pytest

from ingest.files import ImportFileError, read_comments
from moderation.comment import Platform, Surface

GOOD = {
    "id": "n-1",
    "platform": "facebook",
    "surface": "own_page",
    "author": "Jo",
    "text": "Lovely park",
    "created_at": "2026-11-20T10:00:00Z",
}


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_bad_rows_are_set_aside_with_line_and_reason_and_the_rest_import(tmp_path: Path) -> None:
    file = write_jsonl(
        tmp_path / "c.jsonl",
        [
            GOOD,
            {**GOOD, "id": "n-2", "text": "  "},
            {**GOOD, "id": "n-3", "created_at": "last tuesday"},
            {**GOOD, "id": "n-4", "platform": "myspace"},
            "{broken json",
            {**GOOD, "id": "n-6", "text": "Bins missed again"},
        ],
    )
    result = read_comments(file)
    assert [r.comment.comment_id for r in result.rows] == ["n-1", "n-6"]
    assert [(r.line, r.reason.split(" ")[0]) for r in result.rejected] == [
        (2, "no"),
        (3, "created_at"),
        (4, "unknown"),
        (5, "not"),
    ]
    assert "last tuesday" in result.rejected[1].reason
    assert "myspace" in result.rejected[2].reason


def test_a_row_without_a_date_is_stamped_with_the_import_time(tmp_path: Path) -> None:
    row = {k: v for k, v in GOOD.items() if k != "created_at"}
    result = read_comments(write_jsonl(tmp_path / "c.jsonl", [row]))
    assert result.rows[0].comment.created_at.tzinfo is not None


def test_csv_columns_are_mapped_by_name_and_file_only_sources_are_mentions(tmp_path: Path) -> None:
    file = tmp_path / "nextdoor.csv"
    file.write_text(
        "ID,Source,Message,Date,Username,URL\n"
        "nd-1,nextdoor,Streetlight out on Mill Lane,2026-11-19 18:00,Pat,https://nextdoor.example/p/1\n"
        "nd-2,nextdoor,,2026-11-19 18:05,Sam,\n"
    )
    result = read_comments(file)
    (row,) = result.rows
    assert row.comment.platform is Platform.NEXTDOOR
    assert row.comment.surface is Surface.MENTION
    assert row.comment.author_handle == "Pat"
    assert row.comment.permalink == "https://nextdoor.example/p/1"
    assert [(r.line, r.reason) for r in result.rejected] == [(3, "no text")]


def test_a_csv_without_a_text_column_is_refused_whole(tmp_path: Path) -> None:
    file = tmp_path / "x.csv"
    file.write_text("id,platform\n1,facebook\n")
    with pytest.raises(ImportFileError, match="no text column"):
        read_comments(file)


def test_an_unknown_file_type_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "x.xlsx"
    file.write_text("")
    with pytest.raises(ImportFileError, match="unknown file type"):
        read_comments(file)


def test_a_json_file_holding_an_array_of_comments_is_read_with_the_line_each_starts_on(
    tmp_path: Path,
) -> None:
    file = tmp_path / "export.json"
    rows = [GOOD, {**GOOD, "id": "n-2", "text": ""}, "just a string", {**GOOD, "id": "n-4"}]
    file.write_text(json.dumps(rows, indent=2))
    result = read_comments(file)
    assert [r.comment.comment_id for r in result.rows] == ["n-1", "n-4"]
    assert [(r.line, r.reason) for r in result.rejected] == [
        (10, "no text"),
        (18, "not a JSON object"),
    ]
    assert result.rows[1].line == 19


def test_a_json_file_with_one_object_per_line_is_read_as_jsonl(tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "c.json", [GOOD, {**GOOD, "id": "n-2"}])
    assert [r.comment.comment_id for r in read_comments(file).rows] == ["n-1", "n-2"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('[{"id": "n-1",', "not valid JSON .* at line 1"),
        ('"a string"', "must hold an array of comment objects, not str"),
    ],
)
def test_a_json_file_that_is_not_an_array_of_comments_is_refused_whole(
    tmp_path: Path, content: str, problem: str
) -> None:
    file = tmp_path / "x.json"
    file.write_text(content)
    with pytest.raises(ImportFileError, match=problem):
        read_comments(file)
