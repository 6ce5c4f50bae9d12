"""The Meta Graph API (Facebook Pages and Instagram), through facebook-sdk's `GraphAPI`.

facebook-sdk sends every call through its `session`; we give it a `RebasedSession` so the
base URL and Graph version come from settings (see `ingest.rebased_session`), the token
travels in the Authorization header, and `appsecret_proof` is added when an app secret is
configured. facebook-sdk does not look at HTTP status codes or headers, so a response hook
keeps the last response of each thread; `GraphClient` uses it to read the usage headers
(`X-App-Usage`, `X-Business-Use-Case-Usage`) and to classify failures:

- error 190 (and 102, 463, 467): token expired or invalid -> `ConnectorPaused`
- error 10, 3 and 200-299: permission missing -> `ConnectorPaused`
- error 4, 17, 32, 613, 80001-80014, or HTTP 429: rate limited -> `RateLimited`
- HTTP 5xx, error 1/2 or `is_transient`, network failure -> `PlatformUnavailable`
- anything else -> `PlatformError(transient=False)`
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import requests

with warnings.catch_warnings():
    # facebook-sdk 3.1.0 has a non-raw regex ("\\d"), warned about when first compiled.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import facebook
from pydantic import SecretStr

from ingest.failures import PlatformError, RateLimited, Sorted, failure, redact, unreachable
from ingest.rebased_session import BearerAuth, RebasedSession
from ingest.retry import RetryPolicy

log = logging.getLogger(__name__)

SDK_VERSION = "v3.1"
_TOKEN_CODES = {190, 102, 463, 467}
_PERMISSION_CODES = {3, 10, *range(200, 300)}
_RATE_CODES = {4, 17, 32, 613, *range(80001, 80015)}
_TRANSIENT_CODES = {1, 2}


class GraphClient:
    """GET and POST on the Graph API with retries, pacing and sorted failures.

    Thread-safe for concurrent calls (the webhook receiver may share one).
    """

    def __init__(
        self,
        *,
        platform: str,
        graph_url: str,
        graph_version: str,
        access_token: SecretStr,
        app_secret: SecretStr | None,
        retry: RetryPolicy,
        slow_down_at_percent: float = 80.0,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        self.platform = platform
        self._secrets = (access_token, app_secret)
        self._retry = retry
        self._slow_down_at = slow_down_at_percent
        self._last = threading.local()
        if session is None:
            session = RebasedSession(
                facebook.FACEBOOK_GRAPH_URL,
                graph_url,
                auth=BearerAuth(access_token),
                version_from=SDK_VERSION,
                version_to=graph_version,
                timeout=timeout,
            )
        session.hooks["response"].append(self._remember)
        self._proof = (
            hmac.new(
                app_secret.get_secret_value().encode(),
                access_token.get_secret_value().encode(),
                hashlib.sha256,
            ).hexdigest()
            if app_secret is not None
            else None
        )
        # No access_token here: facebook-sdk would put it in the query string.
        self._api = facebook.GraphAPI(version="3.1", session=session, timeout=timeout)

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self._call("GET", path, params, what=f"GET {path}")

    def post(self, path: str, **data: Any) -> dict[str, Any]:
        return self._call("POST", path, data, what=f"POST {path}")

    def pages(self, path: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
        """Each page of a list edge, following `paging.cursors.after` while `paging.next`
        says there is more."""
        while True:
            body = self.get(path, **params)
            yield list(body.get("data", []))
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
            params = {**params, "after": after}

    def _call(self, method: str, path: str, args: dict[str, Any], *, what: str) -> dict[str, Any]:
        def once() -> dict[str, Any]:
            return self._once(method, path, dict(args))

        return self._retry.call(once, what=f"{self.platform} {what}")

    def _once(self, method: str, path: str, args: dict[str, Any]) -> dict[str, Any]:
        if self._proof is not None:
            args["appsecret_proof"] = self._proof
        self._last.response = None
        full = f"{SDK_VERSION}/{path.lstrip('/')}"
        try:
            if method == "POST":
                result = self._api.request(full, post_args=args)
            else:
                result = self._api.request(full, args=args)
        except facebook.GraphAPIError as exc:
            raise self._classify(exc.result, exc.code) from None
        except requests.RequestException as exc:
            raise unreachable(self.platform, f"the Graph API's {path}", exc) from None
        except (KeyError, ValueError):
            raise self._classify(None, None) from None
        response: requests.Response | None = self._last.response
        if response is not None and response.status_code >= 400:
            raise self._classify(result if isinstance(result, dict) else None, None)
        self._pace(response)
        return result if isinstance(result, dict) else {"data": result}

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last.response = response

    def _classify(self, body: Any, code: Any) -> PlatformError:
        response: requests.Response | None = getattr(self._last, "response", None)
        status = response.status_code if response is not None else 0
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        code = error.get("code", code)
        subcode = error.get("error_subcode")
        message = redact(str(error.get("message", "")), self._secrets)[:300]
        detail = f"HTTP {status}, Graph error {code}" + (f"/{subcode}" if subcode else "")
        if message:
            detail += f": {message}"
        if code in _TOKEN_CODES or (status == 401 and code is None):
            kind = Sorted.TOKEN_EXPIRED
        elif code in _PERMISSION_CODES:
            kind = Sorted.PERMISSION_MISSING
        elif code in _RATE_CODES or status == 429:
            kind = Sorted.RATE_LIMITED
        elif status >= 500 or code in _TRANSIENT_CODES or error.get("is_transient"):
            kind = Sorted.UNAVAILABLE
        else:
            kind = Sorted.REFUSED
        wait = _retry_after(response) if kind is Sorted.RATE_LIMITED else 0.0
        return failure(self.platform, kind, detail, retry_after=wait)

    def _pace(self, response: requests.Response | None) -> None:
        """Slow down as the app's or the page's usage approaches its limit.

        Usage is reported in percent; above `slow_down_at_percent` we sleep a little
        longer the closer it gets to 100, and when Meta says how long until access comes
        back we stop for that long (via `RateLimited`).
        """
        if response is None:
            return
        usage, regain_minutes = _usage(response)
        if regain_minutes > 0:
            raise RateLimited(
                f"{self.platform} usage limit reached; access returns in {regain_minutes} min",
                retry_after=regain_minutes * 60.0,
            )
        if usage >= self._slow_down_at:
            pause = min(60.0, (usage - self._slow_down_at + 1) * 0.5)
            log.info("%s usage at %.0f%%; pausing %.1fs", self.platform, usage, pause)
            self._retry.sleep(pause)


def _usage(response: requests.Response) -> tuple[float, float]:
    """The highest usage percentage in the usage headers, and minutes to regain access."""
    highest, regain = 0.0, 0.0
    app = _json_header(response, "X-App-Usage")
    if isinstance(app, dict):
        highest = max([highest, *(_number(v) for v in app.values())])
    business = _json_header(response, "X-Business-Use-Case-Usage")
    if isinstance(business, dict):
        for entries in business.values():
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                for key in ("call_count", "total_cputime", "total_time"):
                    highest = max(highest, _number(entry.get(key)))
                regain = max(regain, _number(entry.get("estimated_time_to_regain_access")))
    return highest, regain


def _retry_after(response: requests.Response | None) -> float:
    if response is None:
        return 0.0
    header = response.headers.get("Retry-After")
    if header and header.strip().isdigit():
        return float(header)
    return _usage(response)[1] * 60.0


def _json_header(response: requests.Response, name: str) -> Any:
    raw = response.headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
