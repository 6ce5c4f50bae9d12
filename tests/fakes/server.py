"""A real HTTP server on 127.0.0.1 (free port, background thread) for the fake platforms.

Subclasses implement `route`; the base class parses requests, records them, and plays
injected failures first (`fail_next`), so a test can make the next N matching calls
answer 429, 500, an expired token, and so on.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))

    @property
    def params(self) -> dict[str, str]:
        """Query and form parameters together (Graph accepts either)."""
        ctype = self.headers.get("content-type", "")
        form = self.form() if "form-urlencoded" in ctype else {}
        return {**self.query, **form}

    def bearer(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", "application/json; charset=UTF-8"
        if isinstance(self.body, bytes | str):
            raw = self.body.encode() if isinstance(self.body, str) else self.body
            return raw, self.headers.get("Content-Type", "text/html; charset=utf-8")
        return json.dumps(self.body).encode(), "application/json; charset=UTF-8"


@dataclass
class _Failure:
    reply: Reply
    times: int
    path_contains: str
    method: str


class FakeServer:
    """Start with `with Fake() as fake:`; `fake.url` is its base URL."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self._failures: list[_Failure] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._tick = 0
        self.epoch = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)

    def route(self, request: Request) -> Reply:
        raise NotImplementedError

    def next_time(self) -> datetime:
        """Monotonic timestamps a minute apart, starting a day ago."""
        with self.lock:
            self._tick += 1
            return self.epoch + timedelta(minutes=self._tick)

    def fail_next(
        self, reply: Reply, *, times: int = 1, path_contains: str = "", method: str = ""
    ) -> None:
        with self.lock:
            self._failures.append(_Failure(reply, times, path_contains, method.upper()))

    def calls(self, method: str, path_contains: str = "") -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.method == method and path_contains in r.path]

    def _dispatch(self, request: Request) -> Reply:
        with self.lock:
            self.requests.append(request)
            for failure in self._failures:
                if failure.path_contains in request.path and failure.method in ("", request.method):
                    failure.times -= 1
                    if failure.times <= 0:
                        self._failures.remove(failure)
                    return failure.reply
            return self.route(request)

    @property
    def url(self) -> str:
        assert self._server is not None, "the fake server is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                reply = fake._dispatch(request)
                raw, ctype = reply.encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", ctype)
                for name, value in reply.headers.items():
                    if name != "Content-Type":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def page_slice(items: list[Any], after: str | None, limit: int) -> tuple[list[Any], int, bool]:
    """Items after the opaque cursor `after` (an index), and whether more remain."""
    start = int(after) if after else 0
    chunk = items[start : start + limit]
    end = start + len(chunk)
    return chunk, end, end < len(items)
