"""The X connector, with tweepy's v2 Client, against a local fake X API."""

from __future__ import annotations

import json
import logging
import stat
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from houserules.log_safety import MASK, forget_secrets, install_log_safety
from houserules.settings import load_settings
from ingest.connector_settings import PollingSettings, XSettings
from ingest.cursor import SqliteCursorStore
from ingest.failures import ConnectorPaused, NotHideable, PauseReason
from ingest.retry import RetryPolicy
from ingest.x import XClient, XConnector, XModerator
from ingest.x_tokens import XTokens
from moderation.comment import Surface
from tests.fakes import x_api
from tests.fakes.sinks import SinkDown, StoringSink
from tests.fakes.x_api import FakeX

pytestmark = pytest.mark.integration

TOKEN = "x-oauth2-user-token-secret"


@pytest.fixture
def x() -> Iterator[FakeX]:
    with FakeX(token=TOKEN) as fake:
        fake.user("101", "resident_a")
        fake.user("102", "resident_b")
        fake.user("103", "resident_c")
        yield fake


def client_for(x: FakeX, sleeps: list[float] | None = None, **polling: object) -> XClient:
    settings = settings_for(x, **polling)
    record = sleeps if sleeps is not None else []
    return XClient(
        settings, RetryPolicy(attempts=3, initial_wait=0.01, max_wait=5, sleep=record.append)
    )


def settings_for(x: FakeX, **polling: object) -> XSettings:
    return XSettings(
        user_id=x.council_id,
        username=x.council_username,
        access_token=SecretStr(TOKEN),
        api_url=x.url,
        polling=PollingSettings(**{"batch_size": 2, **polling}),
    )


def connector(x, sink, tmp_path, sleeps=None) -> XConnector:
    return XConnector(
        settings_for(x), sink, SqliteCursorStore(tmp_path / "c.db"), client=client_for(x, sleeps)
    )


def council_thread(x: FakeX) -> dict[str, str]:
    root = x.tweet(x.council_id, "Recycling centre hours are changing from Monday")
    reply = x.tweet("101", "@ExampleCouncil you lot are useless idiots", reply_to=root)
    deeper = x.tweet("102", "@resident_a agreed", reply_to=reply)
    council_answer = x.tweet(x.council_id, "@resident_a sorry to hear that", reply_to=reply)
    elsewhere = x.tweet("103", "@ExampleCouncil the bins on Elm Road were missed again")
    return {
        "root": root,
        "reply": reply,
        "deeper": deeper,
        "answer": council_answer,
        "elsewhere": elsewhere,
    }


def test_reads_mentions_and_replies_in_the_councils_conversations(x, tmp_path):
    ids = council_thread(x)
    x.page_size = 1
    sink = StoringSink()

    assert connector(x, sink, tmp_path).poll_once() == 3

    got = {c.comment_id: c for c in sink.accepted}
    assert set(got) == {ids["reply"], ids["deeper"], ids["elsewhere"]}
    assert got[ids["reply"]].surface is Surface.OWN_PAGE
    assert got[ids["deeper"]].surface is Surface.OWN_PAGE
    assert got[ids["elsewhere"]].surface is Surface.MENTION
    assert got[ids["reply"]].author_handle == "resident_a"
    assert got[ids["reply"]].parent_id == ids["root"]
    assert len(sink.keys) == len(set(sink.keys))


def test_since_id_means_the_next_poll_reads_only_new_posts(x, tmp_path):
    ids = council_thread(x)
    sink = StoringSink()
    conn = connector(x, sink, tmp_path)
    conn.poll_once()
    newer = x.tweet("103", "@ExampleCouncil and again today", reply_to=ids["elsewhere"])
    in_thread = x.tweet("102", "rubbish service", reply_to=ids["root"])
    assert conn.poll_once() == 2
    assert conn.poll_once() == 0
    assert set(sink.keys[-2:]) == {f"x:{newer}", f"x:{in_thread}"}
    searches = x.calls("GET", "/search/recent")
    assert searches[-1].query["since_id"] == in_thread


def test_a_connector_killed_mid_backfill_resumes_with_no_gap_and_no_duplicate(x, tmp_path):
    root = x.tweet(x.council_id, "Have your say on the budget")
    replies = [x.tweet("101", f"reply {n}", reply_to=root) for n in range(7)]
    sink = StoringSink(fail_on_batch=3)
    with pytest.raises(SinkDown):
        connector(x, sink, tmp_path).poll_once()
    assert len(sink.accepted) == 4
    sink.fail_on_batch = None
    assert connector(x, sink, tmp_path).poll_once() == 3
    assert sink.keys == [f"x:{r}" for r in replies]


def test_hiding_a_reply_in_the_councils_conversation_hides_it_on_x(x, tmp_path):
    ids = council_thread(x)
    sink = StoringSink()
    connector(x, sink, tmp_path).poll_once()
    reply = sink.by_key[f"x:{ids['reply']}"]
    moderator = XModerator(client_for(x))
    moderator.hide(reply)
    moderator.hide(reply)
    assert x.is_hidden(ids["reply"])
    moderator.restore(reply)
    assert not x.is_hidden(ids["reply"])


def test_a_mention_elsewhere_is_not_hideable_and_x_is_not_asked(x, tmp_path):
    ids = council_thread(x)
    sink = StoringSink()
    connector(x, sink, tmp_path).poll_once()
    with pytest.raises(NotHideable):
        XModerator(client_for(x)).hide(sink.by_key[f"x:{ids['elsewhere']}"])
    assert not x.calls("PUT")


def test_when_x_refuses_because_the_conversation_is_not_ours_the_item_is_not_hideable(x, tmp_path):
    ids = council_thread(x)
    sink = StoringSink()
    connector(x, sink, tmp_path).poll_once()
    x.tweets[ids["root"]].author_id = "103"  # the conversation turns out not to be ours
    with pytest.raises(NotHideable):
        XModerator(client_for(x)).hide(sink.by_key[f"x:{ids['reply']}"])
    assert not x.is_hidden(ids["reply"])


def test_rate_limit_waits_until_the_reset_time_then_goes_on(x, tmp_path):
    council_thread(x)
    x.fail_next(x_api.rate_limited(reset_in=3))
    sleeps: list[float] = []
    sink = StoringSink()
    assert connector(x, sink, tmp_path, sleeps).poll_once() == 3
    assert sleeps and max(sleeps) >= 1.0


def test_server_errors_are_retried(x, tmp_path):
    council_thread(x)
    x.fail_next(x_api.SERVER_ERROR, times=2)
    sleeps: list[float] = []
    assert connector(x, StoringSink(), tmp_path, sleeps).poll_once() == 3
    assert len(sleeps) == 2


def test_an_expired_token_pauses_the_connector(x, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    x.fail_next(x_api.EXPIRED_TOKEN, times=5)
    with pytest.raises(ConnectorPaused) as paused:
        connector(x, StoringSink(), tmp_path).poll_once()
    assert paused.value.reason is PauseReason.TOKEN_EXPIRED
    assert len(x.requests) == 1
    assert TOKEN not in caplog.text and TOKEN not in str(paused.value)


def test_a_missing_permission_pauses_the_connector(x, tmp_path):
    x.fail_next(x_api.PERMISSION_DENIED)
    with pytest.raises(ConnectorPaused) as paused:
        connector(x, StoringSink(), tmp_path).poll_once()
    assert paused.value.reason is PauseReason.PERMISSION_MISSING
    assert "not permitted" in str(paused.value)


# --- OAuth 2.0: access tokens last two hours; the refresh token renews them -------------

CLIENT_ID = "council-oauth-client"
FIRST_REFRESH = "first-refresh-token-secret"


@pytest.fixture
def x_oauth() -> Iterator[FakeX]:
    with FakeX(token=TOKEN, refresh_token=FIRST_REFRESH, client_id=CLIENT_ID) as fake:
        fake.user("101", "resident_a")
        yield fake


def refreshing(x: FakeX, **extra: object) -> XSettings:
    return XSettings(
        user_id=x.council_id,
        username=x.council_username,
        access_token=SecretStr(TOKEN),
        refresh_token=SecretStr(FIRST_REFRESH),
        client_id=CLIENT_ID,
        api_url=x.url,
        polling=PollingSettings(batch_size=2),
        **extra,  # type: ignore[arg-type]
    )


def refreshing_client(settings: XSettings, token_file, **tokens: object) -> XClient:
    return XClient(
        settings,
        RetryPolicy(attempts=3, initial_wait=0.01, max_wait=5, sleep=lambda _: None),
        tokens=XTokens(settings, token_file, **tokens),  # type: ignore[arg-type]
    )


def every_secret(x: FakeX, *more: str) -> list[str]:
    return [TOKEN, FIRST_REFRESH, x.token, x.refresh_token, *more]


def test_an_expired_access_token_is_renewed_and_the_rotated_tokens_kept_owner_only(
    x_oauth, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    x = x_oauth
    council_thread(x)
    token_file = tmp_path / "data" / "x-oauth-token.json"
    settings = refreshing(x)
    sink = StoringSink()
    conn = XConnector(
        settings,
        sink,
        SqliteCursorStore(tmp_path / "c.db"),
        client=refreshing_client(settings, token_file),
    )
    assert conn.poll_once() == 3
    assert x.renewals == 0 and not token_file.exists()

    x.expire_access_token()  # two hours later
    x.tweet("102", "@ExampleCouncil still waiting for my bin")
    assert conn.poll_once() == 1
    assert x.renewals == 1
    stored = json.loads(token_file.read_text())
    assert stored["access_token"] == x.token and stored["refresh_token"] == x.refresh_token
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    first_rotation = (x.token, x.refresh_token)

    x.expire_access_token()  # the next renewal must use the rotated refresh token
    x.tweet("103", "@ExampleCouncil and mine")
    assert conn.poll_once() == 1
    assert x.renewals == 2
    assert json.loads(token_file.read_text())["refresh_token"] == x.refresh_token
    renewals = x.calls("POST", "/2/oauth2/token")
    assert [r.form()["refresh_token"] for r in renewals] == [FIRST_REFRESH, first_rotation[1]]
    assert "access token renewed" in caplog.text
    for secret in every_secret(x, *first_rotation):
        assert secret not in caplog.text


def test_a_restarted_connector_uses_the_kept_tokens_not_the_spent_refresh_token(x_oauth, tmp_path):
    x = x_oauth
    council_thread(x)
    token_file = tmp_path / "x-oauth-token.json"
    settings = refreshing(x)
    x.expire_access_token()
    first = XConnector(
        settings, StoringSink(), SqliteCursorStore(tmp_path / "c.db"), token_file=token_file
    )
    assert first.poll_once() == 3 and x.renewals == 1
    # A new process: the settings still name the first (now spent) refresh token.
    again = XConnector(
        settings, StoringSink(), SqliteCursorStore(tmp_path / "c2.db"), token_file=token_file
    )
    assert again.poll_once() == 3
    assert x.renewals == 1  # the kept access token was good: nothing renewed, nothing lost
    x.expire_access_token()
    assert again.poll_once() == 0 and x.renewals == 2


def test_the_access_token_is_renewed_shortly_before_it_expires(x_oauth, tmp_path):
    x = x_oauth
    council_thread(x)
    clock = [1_000_000.0]
    settings = refreshing(x)
    client = refreshing_client(settings, tmp_path / "t.json", now=lambda: clock[0])
    x.expire_access_token()
    conn = XConnector(settings, StoringSink(), SqliteCursorStore(tmp_path / "c.db"), client=client)
    conn.poll_once()
    assert x.renewals == 1
    unauthorised_before = sum(1 for r in x.requests if r.path != "/2/oauth2/token")
    clock[0] += 7200 - 120  # two minutes before expiry: renewed before the call, no 401
    x.requests.clear()
    conn.poll_once()
    assert x.renewals == 2
    assert x.requests[0].path == "/2/oauth2/token"
    assert unauthorised_before > 0


def test_two_processes_sharing_the_token_file_renew_once(x_oauth, tmp_path):
    x = x_oauth
    ids = council_thread(x)
    token_file = tmp_path / "x-oauth-token.json"
    settings = refreshing(x)
    connector_client = refreshing_client(settings, token_file)
    worker_client = refreshing_client(settings, token_file)  # the worker hides replies
    sink = StoringSink()
    x.expire_access_token()
    conn = XConnector(settings, sink, SqliteCursorStore(tmp_path / "c.db"), client=connector_client)
    conn.poll_once()
    assert x.renewals == 1
    # The worker still holds the old access token; X refuses it; the worker finds the
    # connector's renewal in the file instead of spending the (rotated) refresh token.
    XModerator(worker_client).hide(sink.by_key[f"x:{ids['reply']}"])
    assert x.is_hidden(ids["reply"]) and x.renewals == 1


def test_a_refused_renewal_pauses_the_connector_saying_what_to_do(x_oauth, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    x = x_oauth
    council_thread(x)
    settings = refreshing(x)
    x.revoke_refresh_token()
    x.expire_access_token()
    conn = XConnector(
        settings,
        StoringSink(),
        SqliteCursorStore(tmp_path / "c.db"),
        client=refreshing_client(settings, tmp_path / "t.json"),
    )
    with pytest.raises(ConnectorPaused) as paused:
        conn.poll_once()
    assert paused.value.reason is PauseReason.REFRESH_REFUSED
    message = str(paused.value)
    assert "invalid_request" in message and "authorise houserules again" in message
    assert not (tmp_path / "t.json").exists()
    for secret in every_secret(x):
        assert secret not in message and secret not in caplog.text


def test_a_confidential_client_renews_with_its_secret(tmp_path):
    with FakeX(
        token=TOKEN, refresh_token=FIRST_REFRESH, client_id=CLIENT_ID, client_secret="s3cret"
    ) as x:
        council_thread(x)
        x.expire_access_token()
        wrong = refreshing(x, client_secret=SecretStr("not-it"))
        with pytest.raises(ConnectorPaused) as paused:
            XConnector(
                wrong,
                StoringSink(),
                SqliteCursorStore(tmp_path / "a.db"),
                client=refreshing_client(wrong, None),
            ).poll_once()
        assert "unauthorized_client" in str(paused.value) and "not-it" not in str(paused.value)
        right = refreshing(x, client_secret=SecretStr("s3cret"))
        assert (
            XConnector(
                right,
                StoringSink(),
                SqliteCursorStore(tmp_path / "b.db"),
                client=refreshing_client(right, None),
            ).poll_once()
            == 3
        )
        assert x.renewals == 1


def test_a_new_refresh_token_in_the_settings_wins_over_the_kept_one(x_oauth, tmp_path):
    x = x_oauth
    council_thread(x)
    token_file = tmp_path / "x-oauth-token.json"
    x.expire_access_token()
    XConnector(
        refreshing(x), StoringSink(), SqliteCursorStore(tmp_path / "c.db"), token_file=token_file
    ).poll_once()
    x.revoke_refresh_token()  # the council revoked access, then authorised again:
    x.refresh_token = "re-authorised-refresh-token"
    x.expire_access_token()
    settings = refreshing(x).model_copy(
        update={"refresh_token": SecretStr("re-authorised-refresh-token")}
    )
    again = XConnector(
        settings, StoringSink(), SqliteCursorStore(tmp_path / "c2.db"), token_file=token_file
    )
    assert again.poll_once() == 3
    assert json.loads(token_file.read_text())["refresh_token"] == x.refresh_token


def test_a_refresh_token_needs_the_client_id():
    with pytest.raises(ValueError, match="client_id"):
        XSettings(user_id="1", username="c", refresh_token=SecretStr("r"))
    with pytest.raises(ValueError, match="access_token, or refresh_token"):
        XSettings(user_id="1", username="c")


# --- rotated tokens are masked in logs like configured ones -------------------------------


@pytest.fixture
def masking() -> Iterator[None]:
    install_log_safety()
    yield
    forget_secrets()


def test_tokens_x_rotates_never_appear_in_a_log_line_from_the_moment_they_are_issued(
    x_oauth, tmp_path, monkeypatch, caplog, masking
):
    """A connector process loads its settings (which masks the configured tokens), then X
    hands it a new access token and a new refresh token at each renewal, and a restarted
    process reads the latest pair from the token file: none of them may reach a log, even
    when a library logs a URL or an error that carries one."""
    x = x_oauth
    council_thread(x)
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "USER_ID": x.council_id,
        "USERNAME": x.council_username,
        "ACCESS_TOKEN": TOKEN,
        "REFRESH_TOKEN": FIRST_REFRESH,
        "CLIENT_ID": CLIENT_ID,
        "API_URL": x.url,
    }.items():
        monkeypatch.setenv(f"HOUSERULES_CONNECTORS__X__{key}", value)
    settings = load_settings(None)
    assert settings.connectors.x is not None
    token_file = tmp_path / "x-oauth-token.json"
    library = logging.getLogger("urllib3.connectionpool")
    caplog.set_level(logging.DEBUG)

    x.expire_access_token()
    connector = XConnector(
        settings.connectors.x,
        StoringSink(),
        SqliteCursorStore(tmp_path / "c.db"),
        token_file=token_file,
    )
    assert connector.poll_once() == 3 and x.renewals == 1
    rotated = [x.token, x.refresh_token]
    library.debug("GET %s/2/users/me?token=%s", x.url, x.token)
    library.warning("renewal said: %s", {"refresh_token": x.refresh_token})

    # A new process (the worker, or the connector restarted) starts from the token file.
    forget_secrets()
    load_settings(None)
    XConnector(
        settings.connectors.x,
        StoringSink(),
        SqliteCursorStore(tmp_path / "c2.db"),
        token_file=token_file,
    )
    library.debug("Authorization: Bearer %s", rotated[0])
    logging.getLogger("ingest.x").error(f"refresh token {rotated[1]} was refused")

    for secret in [TOKEN, FIRST_REFRESH, *rotated]:
        assert secret not in caplog.text
    assert caplog.text.count(MASK) == 4
