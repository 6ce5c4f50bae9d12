"""A requests session that sends a client library's calls to a base URL of our choosing.

facebook-sdk 3.1 and tweepy 4.x both hard-code their API origin
(`facebook.FACEBOOK_GRAPH_URL = "https://graph.facebook.com/"`, and
`host = "https://api.twitter.com"` inside `tweepy.Client.request`) but both send every
call through a `requests.Session` they let us replace. `RebasedSession` rewrites a URL
that starts with the library's origin to the configured base URL (a local fake server in
tests, the real origin in production) and, optionally, rewrites the leading path segment
(facebook-sdk only knows Graph versions up to v3.1; we pin a current one).

Credentials are attached by `BearerAuth` as an `Authorization` header, never as a query
parameter, so they stay out of URLs, access logs and the libraries' debug logging.
"""

from __future__ import annotations

from typing import Any

import requests
from pydantic import SecretStr


class BearerAuth(requests.auth.AuthBase):
    """Adds `Authorization: Bearer <token>`; the token is read only at send time."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(**********)"


class RebasedSession(requests.Session):
    """Sends `library_origin/...` to `base_url/...`; other URLs are left alone."""

    def __init__(
        self,
        library_origin: str,
        base_url: str,
        *,
        auth: requests.auth.AuthBase | None = None,
        version_from: str = "",
        version_to: str = "",
        timeout: float = 30.0,
    ) -> None:
        super().__init__()
        self._origin = library_origin.rstrip("/") + "/"
        self._base = base_url.rstrip("/") + "/"
        self._version_from = version_from.strip("/")
        self._version_to = version_to.strip("/")
        self._timeout = timeout
        self.auth = auth
        # Proxies and .netrc from the environment must not add or replace credentials.
        self.trust_env = False

    def rebase(self, url: str) -> str:
        if not url.startswith(self._origin):
            return url
        rest = url[len(self._origin) :]
        if self._version_from and rest.startswith(self._version_from + "/"):
            rest = self._version_to + rest[len(self._version_from) :]
        return self._base + rest

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if isinstance(url, bytes):
            url = url.decode()
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        # A per-call auth would override ours; the libraries' own auth is not wanted here.
        if kwargs.get("auth") is None:
            kwargs.pop("auth", None)
        return super().request(method, self.rebase(url), *args, **kwargs)
