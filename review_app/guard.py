"""The gate every request passes: who is signed in, the CSRF check, the security headers.

One ASGI middleware, so nothing can be routed around it:
- `/healthz`, `/static/` and the sign-in page are open; any other GET without a live session
  is sent to the sign-in page (htmx requests get `HX-Redirect`), and any other request
  without one answers 403;
- every POST must carry the session's CSRF token (form field `csrf_token` or header
  `X-CSRF-Token`); before sign-in, the sign-in form's token is a double-submit cookie.
  A POST without a valid token answers 403 before any handler runs;
- every answer carries a strict Content Security Policy (no inline script or style, nothing
  from another origin), and pages are not cached or framed.
A trusted single sign-on proxy may name the user in a header (`trusted_user_header`); it is
believed only from `trusted_proxies`, and only for an enabled local account.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote

from review_app.accounts import Accounts, Session

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "houserules_session"
SIGN_IN_COOKIE = "houserules_signin"
OPEN_PATHS = ("/healthz", "/sign-in")
MAX_FORM_BYTES = 1_000_000

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:
        return {}
    return {k: m.value for k, m in jar.items()}


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None = None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


async def _respond(
    send: Send, status: int, body: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                *SECURITY_HEADERS,
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        accounts: Accounts,
        *,
        secure_cookies: bool,
        trusted_user_header: str = "",
        trusted_proxies: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.accounts = accounts
        self.secure = secure_cookies
        self.trusted_header = trusted_user_header.lower()
        self.trusted_proxies = trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        headers = _headers(scope)
        cookies = _cookies(headers)
        set_cookies: list[str] = []
        session = self.accounts.session(cookies.get(SESSION_COOKIE, ""))
        if session is None and self.trusted_header and self._from_trusted_proxy(scope):
            name = headers.get(self.trusted_header, "").strip()
            token = self.accounts.trusted_session(name) if name else None
            if token is not None:
                session = self.accounts.session(token)
                set_cookies.append(cookie_header(SESSION_COOKIE, token, secure=self.secure))
        sign_in_token = cookies.get(SIGN_IN_COOKIE, "")
        if path == "/sign-in" and not sign_in_token:
            sign_in_token = secrets.token_urlsafe(32)
            set_cookies.append(cookie_header(SIGN_IN_COOKIE, sign_in_token, secure=self.secure))

        state = scope.setdefault("state", {})
        state["session"] = session
        state["sign_in_token"] = sign_in_token

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"set-cookie", c.encode()) for c in set_cookies]
                elapsed = (time.perf_counter() - started) * 1000
                extra.append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
                if not path.startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS, *extra]
            await send(message)

        is_open = path in OPEN_PATHS or path.startswith("/static/")
        method = scope["method"]
        if session is None and not is_open:
            if method in ("GET", "HEAD"):
                target = "/sign-in?next=" + quote(path + _query(scope), safe="")
                if headers.get("hx-request"):
                    await _respond(send_with_headers, 200, "", [(b"hx-redirect", target.encode())])
                else:
                    await _respond(send_with_headers, 303, "", [(b"location", target.encode())])
                return
            await _respond(send_with_headers, 403, "Sign in first.")
            return

        if method not in ("GET", "HEAD"):
            body = await _read_body(receive)
            if body is None:
                await _respond(send_with_headers, 413, "Request too large.")
                return
            expected = session.csrf_token if session is not None else sign_in_token
            if not _csrf_ok(expected, headers, body):
                await _respond(
                    send_with_headers,
                    403,
                    "This form has expired or did not come from this app (CSRF check failed). "
                    "Go back, reload the page and try again.",
                )
                return
            receive = _replay(body)
        await self.app(scope, receive, send_with_headers)

    def _from_trusted_proxy(self, scope: Scope) -> bool:
        client = scope.get("client")
        return client is not None and client[0] in self.trusted_proxies


def _query(scope: Scope) -> str:
    raw: bytes = scope.get("query_string", b"")
    return "?" + raw.decode("latin-1") if raw else ""


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _csrf_ok(expected: str, headers: dict[str, str], body: bytes) -> bool:
    if not expected:
        return False
    given = headers.get("x-csrf-token", "")
    if not given and headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        given = parse_qs(body.decode("utf-8", "replace")).get("csrf_token", [""])[0]
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def session_of(scope_state: Any) -> Session | None:
    found: Session | None = getattr(scope_state, "session", None)
    return found
