"""Entry points the CLI wires: run one connector, serve the webhooks, build the moderators.

`houserules connect facebook|instagram|x|youtube [--once]` calls `run_connector`;
`houserules webhook serve` calls `serve_webhooks`; the composition root calls
`platform_moderators` to give the pipeline its hide/restore implementations.
Each accepts the process settings (anything with a `connectors` attribute) or a
`ConnectorsSettings` directly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest.connector_health import AuditWriter, ConnectorHealth, reported, status_dir
from ingest.connector_settings import ConnectorNotConfigured, ConnectorsSettings
from ingest.cursor import CursorStore, SqliteCursorStore
from ingest.facebook import FacebookConnector, FacebookModerator
from ingest.facebook import graph_client as facebook_client
from ingest.instagram import InstagramConnector, InstagramModerator, mentioned_comment
from ingest.instagram import graph_client as instagram_client
from ingest.polling import Connector, PollReport, poll_once, run_forever
from ingest.sink import CommentSink
from ingest.x import XClient, XConnector, XModerator
from ingest.youtube import YouTubeClient, YouTubeConnector, YouTubeModerator
from moderation.comment import Comment, Platform
from moderation.platform import PlatformModerator
from moderation.review import AuditEvent

log = logging.getLogger(__name__)

CONNECTORS = ("facebook", "instagram", "x", "youtube")


def connectors_settings(settings: Any) -> ConnectorsSettings:
    found = getattr(settings, "connectors", settings)
    if not isinstance(found, ConnectorsSettings):
        raise TypeError("expected the process settings or ConnectorsSettings")
    return found


def cursor_path(settings: Any) -> Path:
    """The cursor file: as configured, else cursors.db in the process's data folder."""
    conf = connectors_settings(settings)
    if conf.cursor_path is not None:
        return conf.cursor_path
    return Path(getattr(settings, "data_dir", ".houserules")) / "cursors.db"


def build_connector(
    name: str, settings: Any, sink: CommentSink, cursors: CursorStore
) -> tuple[Connector, Any]:
    """The connector called `name` and its polling settings."""
    conf = connectors_settings(settings)
    if name not in CONNECTORS:
        raise ConnectorNotConfigured(f"unknown connector {name!r}; choose from {CONNECTORS}")
    platform = getattr(conf, name)
    if platform is None:
        raise ConnectorNotConfigured(
            f"{name} is not configured: set HOUSERULES_CONNECTORS__{name.upper()}__... "
            "(see docs/connectors.md)"
        )
    connector: Connector
    if name == "facebook":
        connector = FacebookConnector(platform, sink, cursors)
    elif name == "instagram":
        connector = InstagramConnector(platform, sink, cursors)
    elif name == "x":
        connector = XConnector(platform, sink, cursors, token_file=x_token_path(settings))
    else:
        connector = YouTubeConnector(platform, sink, cursors)
    return connector, platform.polling


def run_connector(
    name: str,
    settings: Any,
    sink: CommentSink,
    once: bool,
    *,
    stop: threading.Event | None = None,
) -> PollReport:
    """Run one connector: a single poll (`once`), or polls until `stop` is set.

    With `once`, a paused connector or a platform outage raises (`ConnectorPaused`,
    `PlatformUnavailable`) so the CLI can print the reason and exit non-zero.
    """
    cursors = SqliteCursorStore(cursor_path(settings))
    try:
        connector, polling = build_connector(name, settings, sink, cursors)
        health = connector_health(settings, sink)
        try:
            if once:
                report = PollReport(polls=1)
                with reported(health, connector.name, name):
                    report.delivered = poll_once(connector)
                return report
            return run_forever(connector, polling, stop=stop, health=health)
        finally:
            close = getattr(connector, "close", None)
            if close is not None:
                close()
    finally:
        cursors.close()


def serve_webhooks(
    settings: Any, sink: CommentSink, host: str = "127.0.0.1", port: int = 8081
) -> None:
    """Serve `/webhooks/facebook` and `/webhooks/instagram` under uvicorn until interrupted.

    Deliveries are kept in the inbox under the data folder (`webhook-inbox.db`) before
    they are acknowledged, and the drain hands them to `sink` behind the server; what is
    still in the inbox when the server stops is handed over at the next start.
    """
    conf = connectors_settings(settings)
    if conf.webhooks is None:
        raise ConnectorNotConfigured(
            "webhooks are not configured: set HOUSERULES_CONNECTORS__WEBHOOKS__APP_SECRET "
            "and __VERIFY_TOKEN (see docs/connectors.md)"
        )
    # The web server is imported only by the process that serves it.
    from ingest.asgi_server import serve
    from ingest.webhooks import webhook_receiver, webhook_server_limits

    hooks = conf.webhooks
    receiver, drain = webhook_receiver(
        hooks, sink, webhook_inbox_path(settings), mention_lookup=_mention_lookup(conf)
    )
    log.info("webhooks listening on http://%s:%d/webhooks/{facebook,instagram}", host, port)
    drain.start()
    try:
        serve(receiver.app, host, port, webhook_server_limits(hooks))
    finally:
        drain.stop()
        drain.inbox.close()


def connector_health(settings: Any, sink: CommentSink) -> ConnectorHealth:
    """Where a connector's pauses are reported: the status folder under the data folder,
    and the audit log of the store (the embedded pipeline's, or the configured one)."""
    data_dir = getattr(settings, "data_dir", None)
    folder = status_dir(Path(data_dir)) if data_dir is not None else None
    store = getattr(sink, "store", None)
    audit: AuditWriter | None = store.append_audit if store is not None else None
    if audit is None and hasattr(settings, "store"):

        def audit(event: AuditEvent) -> None:
            opened = _open_store(settings)
            try:
                opened.append_audit(event)
            finally:
                opened.close()

    return ConnectorHealth(folder, audit)


def _open_store(settings: Any) -> Any:
    """The configured store, for a connector that produces to Kafka and so has none."""
    if settings.store == "elasticsearch":
        from store.elasticsearch import ElasticsearchStore

        return ElasticsearchStore.connect(settings.elasticsearch)
    from store.sqlite import SqliteStore

    return SqliteStore(settings.sqlite_path)


def x_token_path(settings: Any) -> Path | None:
    """Where X's rotated OAuth tokens are kept: the data folder (None without one)."""
    data_dir = getattr(settings, "data_dir", None)
    return Path(data_dir) / "x-oauth-token.json" if data_dir is not None else None


def webhook_inbox_path(settings: Any) -> Path:
    """The inbox file: under the process settings' data folder."""
    return Path(getattr(settings, "data_dir", Path(".houserules"))) / "webhook-inbox.db"


def _mention_lookup(conf: ConnectorsSettings) -> Callable[[str], Comment] | None:
    if conf.instagram is None:
        return None
    instagram = conf.instagram
    client = instagram_client(instagram)

    def lookup(comment_id: str) -> Comment:
        return mentioned_comment(client, instagram.ig_user_id, comment_id)

    return lookup


def platform_moderators(settings: Any) -> dict[Platform, PlatformModerator]:
    """Hide/restore for every configured platform, keyed by platform."""
    conf = connectors_settings(settings)
    moderators: dict[Platform, PlatformModerator] = {}
    if conf.facebook is not None:
        moderators[Platform.FACEBOOK] = FacebookModerator(facebook_client(conf.facebook))
    if conf.instagram is not None:
        moderators[Platform.INSTAGRAM] = InstagramModerator(instagram_client(conf.instagram))
    if conf.x is not None:
        moderators[Platform.X] = XModerator(XClient(conf.x, token_file=x_token_path(settings)))
    if conf.youtube is not None:
        moderators[Platform.YOUTUBE] = YouTubeModerator(YouTubeClient(conf.youtube))
    return moderators


def moderators_from_settings(settings: Any) -> dict[Platform, PlatformModerator]:
    """As `platform_moderators`, but settings without a `connectors` section (a fresh
    install) give no moderators rather than an error."""
    if (
        not isinstance(settings, ConnectorsSettings)
        and getattr(settings, "connectors", None) is None
    ):
        return {}
    return platform_moderators(settings)
