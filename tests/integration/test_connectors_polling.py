"""The connector run loop and the runner's entry points, against the fake Graph API."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from ingest.connector_settings import ConnectorsSettings, FacebookSettings, PollingSettings
from ingest.cursor import SqliteCursorStore
from ingest.facebook import FacebookConnector
from ingest.failures import ConnectorPaused, PauseReason
from ingest.polling import run_forever
from ingest.runner import ConnectorNotConfigured, platform_moderators, run_connector
from moderation.comment import Platform
from tests.fakes import facebook_graph as fb
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.sinks import StoringSink

pytestmark = pytest.mark.integration


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph(token="tok") as fake:
        yield fake


def facebook(graph: FakeGraph) -> FacebookSettings:
    return FacebookSettings(
        page_id=graph.page_id,
        page_access_token=SecretStr("tok"),
        graph_url=graph.url,
        polling=PollingSettings(interval_seconds=1, paused_recheck_seconds=900, retry_attempts=1),
    )


def loop(connector, polling, polls: int) -> tuple[list[float], object]:
    """Run the loop for `polls` polls, recording the waits instead of sleeping."""
    stop = threading.Event()
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) >= polls:
            stop.set()

    return waits, run_forever(connector, polling, stop=stop, sleep=wait)


def test_a_paused_connector_waits_long_between_checks_and_recovers(graph, tmp_path):
    graph.add_post("x")
    settings = facebook(graph)
    graph.fail_next(fb.EXPIRED_TOKEN, times=2)
    sink = StoringSink()
    conn = FacebookConnector(settings, sink, SqliteCursorStore(tmp_path / "c.db"))

    waits, report = loop(conn, settings.polling, polls=3)

    assert waits[:2] == [900, 900], "a paused connector re-checks rarely, never crash-loops"
    assert report.paused is None, "the third poll worked again"
    assert len(graph.requests) == 3 + 1  # two refused polls, then posts + comments
    assert all("token has expired" in f for f in report.failures)


def test_an_outage_slows_the_loop_and_loses_nothing(graph, tmp_path):
    post = graph.add_post("x")
    graph.post_comment(post, "hello")
    settings = facebook(graph)
    graph.fail_next(fb.SERVER_ERROR, times=2)
    sink = StoringSink()
    conn = FacebookConnector(settings, sink, SqliteCursorStore(tmp_path / "c.db"))

    _, report = loop(conn, settings.polling, polls=3)

    assert report.delivered == 1 and len(sink.accepted) == 1
    assert len(report.failures) == 2


def test_run_connector_once_reads_and_keeps_its_cursor_between_runs(graph, tmp_path):
    post = graph.add_post("x")
    graph.post_comment(post, "first")
    conf = ConnectorsSettings(cursor_path=tmp_path / "cursors.db", facebook=facebook(graph))
    sink = StoringSink()
    assert run_connector("facebook", conf, sink, once=True).delivered == 1
    graph.post_comment(post, "second")
    assert run_connector("facebook", conf, sink, once=True).delivered == 1
    assert [c.text for c in sink.accepted] == ["first", "second"]


def test_run_connector_once_raises_the_pause_for_the_cli_to_report(graph, tmp_path):
    graph.fail_next(fb.PERMISSION_DENIED)
    conf = ConnectorsSettings(cursor_path=tmp_path / "cursors.db", facebook=facebook(graph))
    with pytest.raises(ConnectorPaused) as paused:
        run_connector("facebook", conf, StoringSink(), once=True)
    assert paused.value.reason is PauseReason.PERMISSION_MISSING


def test_an_unconfigured_connector_says_which_settings_to_set(tmp_path):
    conf = ConnectorsSettings(cursor_path=tmp_path / "cursors.db")
    with pytest.raises(ConnectorNotConfigured, match="HOUSERULES_CONNECTORS__YOUTUBE__"):
        run_connector("youtube", conf, StoringSink(), once=True)


def test_moderators_are_built_for_configured_platforms_only(graph):
    conf = ConnectorsSettings(facebook=facebook(graph))
    assert set(platform_moderators(conf)) == {Platform.FACEBOOK}


def test_settings_never_show_their_secrets(graph):
    shown = repr(ConnectorsSettings(facebook=facebook(graph)))
    assert "tok'" not in shown and "**********" in shown
