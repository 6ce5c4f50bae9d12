"""The report's parts: London weeks, the Monday schedule, keyed pseudonyms, quoting without
names or personal data, themes that keep their ids, and the tone model on plain cases."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from moderation.model import ToxicityModel
from moderation.verdict import Action, Category, Evidence, Finding, Verdict
from reports import themes
from reports.pseudonyms import Pseudonyms, key_from
from reports.quoting import Quoter
from reports.tone import Tone, ToneModel
from reports.tone_eval import SentimentSetError, read_split
from reports.week import ReportWeek, WeekError, next_run


def test_a_week_runs_monday_to_monday_in_london_time() -> None:
    week = ReportWeek.parse("2026-W48")
    assert week.start_utc == datetime(2026, 11, 23, tzinfo=UTC)
    assert week.end_utc == datetime(2026, 11, 30, tzinfo=UTC)
    assert week.title == "Monday 23 to Sunday 29 November 2026"
    summer = ReportWeek.parse("2026-W27")
    assert summer.start_utc == datetime(2026, 6, 28, 23, tzinfo=UTC)  # Monday 00:00 BST


def test_the_weeks_of_the_clock_changes_are_an_hour_short_and_long() -> None:
    spring, autumn = ReportWeek.parse("2026-W13"), ReportWeek.parse("2026-W43")
    assert spring.end_utc - spring.start_utc == timedelta(hours=167)
    assert autumn.end_utc - autumn.start_utc == timedelta(hours=169)
    assert spring.trailing(3) == (
        ReportWeek.parse("2026-W11"),
        ReportWeek.parse("2026-W12"),
        spring,
    )
    assert ReportWeek.parse("2027-W01").previous() == ReportWeek.parse("2026-W53")


def test_on_monday_morning_the_last_complete_week_is_the_one_just_ended() -> None:
    monday_8am = datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert ReportWeek.last_complete(monday_8am).name == "2026-W48"
    sunday_night = datetime(2026, 11, 29, 23, 59, tzinfo=UTC)
    assert ReportWeek.last_complete(sunday_night).name == "2026-W47"


@pytest.mark.parametrize("bad", ["2026-48", "W48", "2026-W54", "2026-W00", "next week"])
def test_a_week_that_is_not_an_iso_week_is_refused_by_name(bad: str) -> None:
    with pytest.raises(WeekError, match=bad.split("-")[0] if "-" in bad else bad):
        ReportWeek.parse(bad)


def test_the_schedule_is_monday_at_eight_uk_time_in_summer_and_winter() -> None:
    winter = next_run(datetime(2026, 11, 27, 12, tzinfo=UTC))
    assert winter == datetime(2026, 11, 30, 8, tzinfo=UTC)
    summer = next_run(datetime(2026, 6, 24, 12, tzinfo=UTC))
    assert summer == datetime(2026, 6, 29, 7, tzinfo=UTC)
    on_the_dot = next_run(datetime(2026, 11, 30, 8, tzinfo=UTC))
    assert on_the_dot == datetime(2026, 12, 7, 8, tzinfo=UTC)
    after_the_change = next_run(datetime(2026, 3, 27, 12, tzinfo=UTC))
    assert after_the_change == datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_pseudonyms_are_stable_under_one_key_and_different_under_another() -> None:
    one, other = Pseudonyms(b"k" * 32), Pseudonyms(b"j" * 32)
    assert one.author("x", "@jo") == one.author("x", "@jo")
    assert one.author("x", "@jo") != one.author("facebook", "@jo")
    assert one.author("x", "@jo") != other.author("x", "@jo")
    assert "jo" not in one.author("x", "@jo")
    with pytest.raises(ValueError, match="16 bytes"):
        Pseudonyms(b"short")


def test_without_a_configured_key_one_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = key_from("", tmp_path)
    assert key_from("", tmp_path) == first and len(first) == 32
    assert os.stat(tmp_path / "pseudonym.key").st_mode & 0o077 == 0
    assert key_from("configured secret", tmp_path) == b"configured secret"


def test_quoting_removes_personal_data_handles_and_other_commenters() -> None:
    text = "@Bob_Smith ring Jo Binley on 07700 900123 or 07700 900124 now"
    first, second = text.index("07700 900123"), text.index("07700 900124")
    finding = Finding(
        Category.PERSONAL_DATA,
        0.9,
        "personal_data",
        (
            Evidence("personal_data", "phone", "", first, first + 12),
            Evidence("personal_data", "phone", "", first + 2, first + 12),
            Evidence("personal_data", "phone", "", second, second + 12),
        ),
    )
    verdict = Verdict("k", Action.HIDE, (finding,), (), True, False, "r", "m")
    quoted = Quoter(["Jo Binley", "Al"]).quote(text, verdict)
    assert quoted == (
        "@[someone] ring [a resident] on [personal data removed] or [personal data removed] now"
    )
    assert Quoter([]).quote("word " * 100, limit=30).endswith(" …")


def _unit_rows(rng: np.random.Generator, centre: np.ndarray, n: int) -> np.ndarray:
    rows = centre + 0.05 * rng.standard_normal((n, centre.size))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_themes_keep_their_ids_when_the_same_comments_come_again(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((3, 384))
    topics = ("bins missed again on", "car park charges at", "library opening hours in")
    texts = [f"{topic} street {n}" for topic in topics for n in range(12)]
    vectors = np.vstack([_unit_rows(rng, c, 12) for c in centres]).astype(np.float32)
    found = themes.cluster(texts, vectors, min_themes=2, max_themes=6)
    assert len(found) == 3
    labels = sorted(" ".join(c.terms) for c in found)
    assert ["bins" in labels[0], "car" in labels[1], "library" in labels[2]] == [True] * 3
    earlier = [
        themes.BookTheme(10 + i, ", ".join(c.terms), tuple(c.centre.tolist()), 0.3)
        for i, c in enumerate(found)
    ]
    order = list(reversed(range(len(texts))))
    again = themes.cluster([texts[i] for i in order], vectors[order], min_themes=2, max_themes=6)
    ids = themes.match([c.centre for c in again], earlier, 0.8)
    by_terms = {c.terms: ids[i] for i, c in enumerate(again)}
    assert by_terms == {tuple(t.label.split(", ")): t.theme_id for t in earlier}
    other = rng.standard_normal(384)
    assert themes.match([(other / np.linalg.norm(other)).astype(np.float32)], earlier, 0.8) == {}


def test_the_theme_book_keeps_weeks_and_starts_again_for_another_model(tmp_path: Path) -> None:
    book = themes.ThemeBook("model-a", next_id=4)
    book.weeks["2026-W46"] = [themes.BookTheme(3, "bins", (1.0, 0.0), 0.5)]
    book.save(tmp_path)
    again = themes.ThemeBook.load(tmp_path, "model-a")
    assert again.weeks == book.weeks and again.next_id == 4
    assert again.latest_before("2026-W47") == ("2026-W46", book.weeks["2026-W46"])
    other = themes.ThemeBook.load(tmp_path, "model-b")
    assert other.weeks == {} and other.next_id == 4


def test_too_few_comments_make_no_themes() -> None:
    vectors = np.eye(5, 384, dtype=np.float32)
    assert themes.cluster(["a"] * 5, vectors, min_themes=3, max_themes=8) == []


@pytest.fixture(scope="module")
def tone() -> ToneModel:
    return ToneModel(ToxicityModel.load())


def test_the_tone_model_reads_plain_praise_complaint_and_questions(tone: ToneModel) -> None:
    reading = tone.read(
        [
            "Thank you so much to the library staff, brilliant as always.",
            "Bins not collected again, absolutely useless council.",
            "What time does the recycling centre open on Saturday?",
        ]
    )
    assert reading.tones == (Tone.POSITIVE, Tone.NEGATIVE, Tone.NEUTRAL)
    assert reading.embeddings.shape == (3, 384)
    assert tone.read([]).tones == ()


def test_a_sentiment_folder_with_mismatched_files_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "test_text.txt").write_text("one\ntwo\n")
    (tmp_path / "test_labels.txt").write_text("0\n")
    with pytest.raises(SentimentSetError, match="has 2 lines but"):
        read_split(tmp_path)
    (tmp_path / "test_labels.txt").write_text("0\n7\n")
    with pytest.raises(SentimentSetError, match=r"test_labels.txt:2: label '7'"):
        read_split(tmp_path)
