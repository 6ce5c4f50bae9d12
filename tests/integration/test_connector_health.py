"""A connector stopped by its credentials says so loudly: an error in the log, an audit
event, and a status the review app shows, and the same when it works again."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from houserules.bootstrap import build_app
from houserules.config import DEMO_REGISTERS_DIR
from houserules.settings import Settings
from ingest.connector_health import read_statuses, status_dir
from ingest.connector_settings import ConnectorsSettings, PollingSettings, XSettings
from ingest.failures import ConnectorPaused, PauseReason
from ingest.runner import run_connector
from tests.fakes.x_api import FakeX

pytestmark = pytest.mark.integration

ACCESS = "health-access-token-secret"
REFRESH = "health-refresh-token-secret"


@pytest.fixture
def x() -> Iterator[FakeX]:
    with FakeX(token=ACCESS, refresh_token=REFRESH, client_id="client") as fake:
        fake.user("101", "resident_a")
        root = fake.tweet(fake.council_id, "Library opening hours")
        fake.tweet("101", "@ExampleCouncil brilliant, thanks", reply_to=root)
        yield fake


def settings_for(x: FakeX, tmp_path: Path, refresh: str = REFRESH) -> Settings:
    polling = PollingSettings(interval_seconds=0.01, paused_recheck_seconds=0.01, retry_attempts=1)
    return Settings(
        data_dir=tmp_path / "data",
        model="none",
        registers_dir=DEMO_REGISTERS_DIR,
        connectors=ConnectorsSettings(
            cursor_path=tmp_path / "data" / "cursors.db",
            x=XSettings(
                user_id=x.council_id,
                username=x.council_username,
                access_token=SecretStr(ACCESS),
                refresh_token=SecretStr(refresh),
                client_id="client",
                api_url=x.url,
                polling=polling,
            ),
        ),
    )


def test_a_refused_renewal_is_logged_audited_and_shown_then_cleared_when_fixed(x, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    settings = settings_for(x, tmp_path)
    app = build_app(settings, model=None, moderators={})
    x.revoke_refresh_token()
    x.expire_access_token()
    with pytest.raises(ConnectorPaused) as paused:
        run_connector("x", settings, app.pipeline(), once=True)
    assert paused.value.reason is PauseReason.REFRESH_REFUSED

    (status,) = read_statuses(status_dir(settings.data_dir))
    assert status.platform == "x" and status.paused and status.connector == "x:9000"
    assert "refused to renew the access token" in status.reason
    (event,) = app.store.audit("connector:x")
    assert event.event == "connector_paused" and event.actor == "houserules"
    assert "authorise houserules again" in event.detail
    assert any(r.levelno == logging.ERROR and "x:9000" in r.getMessage() for r in caplog.records)

    # The council authorises houserules again and sets the new refresh token.
    x.refresh_token = "a-new-refresh-token-secret"
    fixed = settings_for(x, tmp_path, refresh="a-new-refresh-token-secret")
    report = run_connector("x", fixed, app.pipeline(), once=True)
    assert report.delivered == 1
    (status,) = read_statuses(status_dir(settings.data_dir))
    assert status.state == "ok"
    assert [e.event for e in app.store.audit("connector:x")] == [
        "connector_paused",
        "connector_resumed",
    ]
    files = "".join(p.read_text() for p in status_dir(settings.data_dir).glob("*.json"))
    for secret in (ACCESS, REFRESH, "a-new-refresh-token-secret", x.token):
        assert secret not in caplog.text and secret not in files
    app.close()


def test_a_connector_that_stays_paused_says_so_once_not_every_poll(x, tmp_path, caplog):
    settings = settings_for(x, tmp_path)
    app = build_app(settings, model=None, moderators={})
    x.revoke_refresh_token()
    x.expire_access_token()
    stop = threading.Event()
    polls = {"n": 0}
    real_wait = stop.wait

    def counted_wait(seconds: float | None = None) -> bool:
        polls["n"] += 1
        if polls["n"] >= 4:
            stop.set()
        return real_wait(0)

    stop.wait = counted_wait  # type: ignore[method-assign]
    report = run_connector("x", settings, app.pipeline(), once=False, stop=stop)
    assert report.polls >= 4 and report.paused is not None
    assert [e.event for e in app.store.audit("connector:x")] == ["connector_paused"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    data = json.loads((status_dir(settings.data_dir) / "x.json").read_text())
    assert data["state"] == "paused"
    app.close()
