"""The dashboards' charts on the embedded store: hand-counted numbers from SQLite for every
chart, and every chart drawn to an image that is not blank, with text from outside escaped.

The same numbers from a real Elasticsearch node, and the Kibana panels' own requests, are in
tests/integration/test_dashboards_on_elasticsearch.py."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from dashboards import render, sqlite_query
from dashboards.catalogue import CHARTS, DASHBOARDS
from dashboards.model import Row
from store.sqlite import SqliteStore
from tests.dashboard_seed import expected_rows, seed, unordered, without_item_numbers

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Row]]]:
    path = tmp_path_factory.mktemp("dashboards") / "houserules.db"
    store = SqliteStore(path)
    seed(store, NOW)
    store.close()
    db = sqlite_query.connect(path)
    yield {name: sqlite_query.rows(db, chart, NOW) for name, chart in CHARTS.items()}
    db.close()


def test_there_are_four_dashboards_and_every_chart_is_on_one() -> None:
    assert [d.name for d in DASHBOARDS] == ["triage", "comms", "reputation", "accountability"]
    assert len(CHARTS) == sum(len(d.charts) for d in DASHBOARDS), "chart names are unique"


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_each_chart_counts_the_seeded_comments_as_counted_by_hand(
    answers: dict[str, list[Row]], name: str
) -> None:
    got = without_item_numbers(answers[name])
    assert unordered(got) == unordered(expected_rows(NOW)[name])


def test_the_oldest_items_come_first_and_link_numbers_are_the_stores_own(
    answers: dict[str, list[Row]],
) -> None:
    listed = answers["oldest_unreviewed"]
    assert [r["comment"] for r in listed] == ["facebook:c5", "facebook:c2", "facebook:c1"]
    assert all(str(r["item"]).isdigit() for r in listed)


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGBA PNG (what vl-convert writes) into rows of pixels."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, width, height = 8, b"", 0, 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6), "8-bit RGBA"
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    raw, stride, rows, previous = zlib.decompress(data), width * 4, [], bytes(width * 4)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - 4] if i >= 4 else 0
            up, corner = previous[i], previous[i - 4] if i >= 4 else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (
                    line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)
                ) & 255
        rows.append(bytes(line))
        previous = bytes(line)
    return width, height, rows


def coloured_share(png: bytes) -> float:
    """The share of pixels that are neither white nor grey: the bars, lines and legend."""
    width, height, rows = _pixels(png)
    coloured = 0
    for line in rows:
        for x in range(0, width * 4, 4):
            r, g, b = line[x], line[x + 1], line[x + 2]
            coloured += max(r, g, b) - min(r, g, b) > 40
    return coloured / (width * height)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_each_chart_renders_to_an_image_that_is_not_blank(
    answers: dict[str, list[Row]], name: str
) -> None:
    chart = CHARTS[name]
    rows = render.display_rows(chart, answers[name], NOW)
    drawn, empty = coloured_share(render.png(chart, rows)), coloured_share(render.png(chart, []))
    assert drawn > empty + 0.002, "the marks are drawn in colour (an empty chart has none)"


def test_text_from_comments_is_escaped_in_the_drawing_and_the_summary_names_the_numbers() -> None:
    chart = CHARTS["complaints_by_place"]
    rows: list[Row] = [
        {"place": "<script>alert(1)</script> Road", "service": "waste", "comments": 2}
    ]
    drawn = render.draw(chart, rows, NOW)
    assert "<script>" not in drawn.svg and "&lt;script&gt;" in drawn.svg
    assert "2 in all" in drawn.summary and "<script>alert(1)</script> Road 2" in drawn.summary


class CountingSource:
    def __init__(self) -> None:
        self.calls = 0

    def rows(self, chart: object, now: datetime) -> list[Row]:
        self.calls += 1
        return [{"day": "2026-11-16", "alerts": self.calls}]


def test_a_charts_numbers_are_reused_for_the_configured_time_and_say_when_counted() -> None:
    from dashboards.sources import RecentSource

    clock = [100.0]
    counting = CountingSource()
    recent = RecentSource(counting, 60, monotonic=lambda: clock[0])
    chart = CHARTS["spike_alerts"]
    first = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    assert recent.rows_as_of(chart, first) == (first, [{"day": "2026-11-16", "alerts": 1}])
    clock[0] += 59
    later = datetime(2026, 11, 16, 9, 1, tzinfo=UTC)
    assert recent.rows_as_of(chart, later)[0] == first, "within the minute: the same count"
    clock[0] += 2
    assert recent.rows_as_of(chart, later) == (later, [{"day": "2026-11-16", "alerts": 2}])
    assert counting.calls == 2
