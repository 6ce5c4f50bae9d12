"""Serving houserules' web apps (the webhook receiver and the review app) under uvicorn.

Both run as ASGI apps on uvicorn's event loop: a slow client costs a socket, not a thread,
and the limits that keep a server up under a burst or a hostile client are set here once:

- a request's line and headers must arrive within `header_timeout_s` (a client that
  trickles them in is disconnected; uvicorn itself only times out idle keep-alive
  connections); the apps time out reading a body themselves;
- at most `max_connections` connections at once (more are answered 503 by uvicorn), and
  a listen backlog big enough for a burst;
- request lines in the access log are written without their query string: the
  webhook handshake carries the verify token there. A request line that cannot even be
  parsed is logged by uvicorn as "Invalid HTTP request received." and nothing of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


@dataclass(frozen=True)
class ServerLimits:
    header_timeout_s: float = 10.0
    keep_alive_s: int = 5
    max_connections: int = 1000
    backlog: int = 2048
    graceful_shutdown_s: int = 10


class QueryStringsOut(logging.Filter):
    """Drops the query string from uvicorn's access log lines (`"GET /path?..." 200`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def keep_query_strings_out_of_logs() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QueryStringsOut) for f in access.filters):
        access.addFilter(QueryStringsOut())


def _protocol_with_header_timeout(timeout_s: float) -> type[asyncio.Protocol]:
    class TimedH11(H11Protocol):
        """uvicorn's h11 protocol, closing a connection whose request line and headers do
        not arrive within `timeout_s` (from connecting, or from the previous response)."""

        _request_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)  # type: ignore[arg-type]
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._request_in_progress():
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and not self._request_in_progress():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _request_in_progress(self) -> bool:
            return self.cycle is not None and not self.cycle.response_complete

        def _arm(self) -> None:
            self._disarm()
            self._request_timer = self.loop.call_later(timeout_s, self._too_slow)

        def _disarm(self) -> None:
            if self._request_timer is not None:
                self._request_timer.cancel()
                self._request_timer = None

        def _too_slow(self) -> None:
            self._request_timer = None
            if not self._request_in_progress() and not self.transport.is_closing():
                self.transport.close()

    return TimedH11


def uvicorn_config(
    app: Any,
    host: str,
    port: int,
    limits: ServerLimits | None = None,
    *,
    proxy_headers: bool = False,
    log_level: str = "info",
    configure_logging: bool = True,
) -> uvicorn.Config:
    """A uvicorn configuration with houserules' limits (see the module's docstring)."""
    limits = limits or ServerLimits()
    extra: dict[str, Any] = {} if configure_logging else {"log_config": None}
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=_protocol_with_header_timeout(limits.header_timeout_s),
        loop="asyncio",
        lifespan="on",
        proxy_headers=proxy_headers,
        log_level=log_level,
        limit_concurrency=limits.max_connections,
        backlog=limits.backlog,
        timeout_keep_alive=limits.keep_alive_s,
        timeout_graceful_shutdown=limits.graceful_shutdown_s,
        server_header=False,
        **extra,
    )
    keep_query_strings_out_of_logs()  # after uvicorn configured its loggers
    return config


def serve(app: Any, host: str, port: int, limits: ServerLimits | None = None, **kw: Any) -> None:
    """Serve `app` until interrupted (SIGINT or SIGTERM stop it gracefully)."""
    uvicorn.Server(uvicorn_config(app, host, port, limits, **kw)).run()


class BackgroundServer:
    """`app` served on 127.0.0.1 (a free port by default) in a thread of its own: for
    tests and benchmarks that talk to the real server over real sockets."""

    def __init__(self, config: uvicorn.Config) -> None:
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, name="asgi-server", daemon=True)

    @property
    def port(self) -> int:
        sockets = self.server.servers[0].sockets
        port: int = sockets[0].getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 30.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=30)


@contextlib.contextmanager
def serving_in_background(
    app: Any, limits: ServerLimits | None = None, **kw: Any
) -> Iterator[BackgroundServer]:
    server = BackgroundServer(
        uvicorn_config(app, "127.0.0.1", 0, limits, configure_logging=False, **kw)
    ).start()
    try:
        yield server
    finally:
        server.stop()
