"""X's OAuth 2.0 user tokens: an access token that lasts two hours, renewed with the
refresh token, which X replaces at every renewal.

With `refresh_token` and `client_id` configured (the app's OAuth 2.0 client, with the
`offline.access` scope), the access token is renewed shortly before it expires and
whenever X answers 401, by `POST /2/oauth2/token` (`grant_type=refresh_token`; a
confidential client also sends its id and secret as HTTP Basic auth). X answers with a
new access token *and a new refresh token*: the old refresh token stops working at once,
so the new pair is written to the token file before it is used:

- the token file (`x-oauth-token.json` in the data folder) is created owner-only (0600)
  and replaced atomically, so a crash never leaves half a token;
- the connector and the worker (which hides replies) may renew from different
  processes: renewal holds an exclusive lock on the file and first re-reads it, so a
  process that finds a token newer than the one X refused uses it instead of spending
  the refresh token a second time;
- a refresh token newly set in the settings (after the council authorised houserules
  again) wins over the file, which remembers a fingerprint of the setting it came from.

A refused renewal (X answers 400 or 401: the refresh token was revoked, used already or
expired) pauses the connector with `PauseReason.REFRESH_REFUSED`, saying what to do.
Tokens never appear in a log line or an error: messages are built from status codes and
X's error codes, passed through `redact`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from pydantic import SecretStr

from ingest import new_secrets
from ingest.connector_settings import XSettings
from ingest.failures import ConnectorPaused, PauseReason, PlatformUnavailable, redact

log = logging.getLogger(__name__)

RENEW_BEFORE_S = 300.0  # renew this long before X says the access token expires


@dataclass(frozen=True)
class TokenPair:
    access: SecretStr
    refresh: SecretStr | None
    expires_at: float | None  # Unix time; None when unknown (a token from the settings)

    def values(self) -> list[str]:
        return [s.get_secret_value() for s in (self.access, self.refresh) if s is not None]


def _fingerprint(secret: SecretStr | None) -> str:
    if secret is None:
        return ""
    return hashlib.sha256(secret.get_secret_value().encode()).hexdigest()


class TokenFile:
    """The latest token pair, owner-only on disk, with an exclusive lock for renewing."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, settings_fingerprint: str) -> TokenPair | None:
        """The pair in the file, unless it grew from another refresh token than the one
        now in the settings (the council has authorised again: the settings win)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("x: the token file %s cannot be read (%s); ignoring it", self.path, exc)
            return None
        if not isinstance(data, dict) or data.get("from_settings") != settings_fingerprint:
            return None
        try:
            return TokenPair(
                SecretStr(str(data["access_token"])),
                SecretStr(str(data["refresh_token"])) if data.get("refresh_token") else None,
                float(data["expires_at"]) if data.get("expires_at") else None,
            )
        except (KeyError, TypeError, ValueError):
            log.warning("x: the token file %s is incomplete; ignoring it", self.path)
            return None

    def save(self, pair: TokenPair, settings_fingerprint: str) -> None:
        """Write the pair owner-only (0600), replacing the file atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "access_token": pair.access.get_secret_value(),
            "refresh_token": pair.refresh.get_secret_value() if pair.refresh else None,
            "expires_at": pair.expires_at,
            "from_settings": settings_fingerprint,
        }
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        os.replace(temporary, self.path)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive across processes on this machine (and on a shared volume)."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class XTokens:
    """The access token to send, renewed with the refresh token when it is due."""

    def __init__(
        self,
        settings: XSettings,
        token_file: Path | None = None,
        *,
        now: Callable[[], float] = time.time,
        session: requests.Session | None = None,
    ) -> None:
        self._settings = settings
        self._file = TokenFile(token_file) if token_file is not None else None
        self._now = now
        self._session = session or requests.Session()
        self._session.trust_env = False  # no proxy or .netrc credentials from the environment
        self._lock = threading.Lock()
        self._origin = _fingerprint(settings.refresh_token)
        stored = self._file.load(self._origin) if self._file else None
        if stored is not None:
            self._hold(stored)
        else:
            if settings.access_token is None and settings.refresh_token is None:
                raise ValueError("the X connector needs an access token or a refresh token")
            self._pair = TokenPair(
                settings.access_token or SecretStr(""), settings.refresh_token, None
            )

    @property
    def can_refresh(self) -> bool:
        return bool(self._pair.refresh and self._settings.client_id)

    @property
    def secrets(self) -> list[SecretStr | None]:
        """Every credential this holds or held, for `redact`."""
        s = self._settings
        return [
            self._pair.access,
            self._pair.refresh,
            s.access_token,
            s.refresh_token,
            s.client_secret,
        ]

    def in_use(self) -> SecretStr:
        """The access token as it stands, without renewing it."""
        return self._pair.access

    def current(self) -> SecretStr:
        """The access token to use now: renewed first if it is (nearly) expired or was
        never issued."""
        pair = self._pair
        due = not pair.access.get_secret_value() or (
            pair.expires_at is not None and self._now() >= pair.expires_at - RENEW_BEFORE_S
        )
        if due and self.can_refresh:
            return self.refresh(stale=pair.access)
        return pair.access

    def refresh(self, stale: SecretStr) -> SecretStr:
        """Renew the access token that X refused (or that is due), once across threads
        and processes: if another has renewed it meanwhile, its token is used."""
        with self._lock, self._file.locked() if self._file else contextlib.nullcontext():
            if self._file is not None:
                newer = self._file.load(self._origin)
                if newer is not None and newer.access != stale:
                    self._hold(newer)
            if self._pair.access != stale and self._pair.access.get_secret_value():
                return self._pair.access  # renewed meanwhile
            if not self.can_refresh:
                raise ConnectorPaused(
                    "x", PauseReason.TOKEN_EXPIRED, "no refresh token to renew it"
                )
            pair = self._renew()
            new_secrets.announce(pair.values())  # masked before anything could log them
            if self._file is not None:
                self._file.save(pair, self._origin)
            self._pair = pair
            log.info(
                "x: access token renewed; it expires in %.0f s",
                (pair.expires_at or 0) - self._now(),
            )
            return pair.access

    def _hold(self, pair: TokenPair) -> None:
        """Use `pair` from now on; its tokens were never in the settings, so they are
        announced (and so masked in this process's logs and errors) first."""
        new_secrets.announce(pair.values())
        self._pair = pair

    def _renew(self) -> TokenPair:
        s = self._settings
        assert self._pair.refresh is not None
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self._pair.refresh.get_secret_value(),
            "client_id": s.client_id,
        }
        auth = (s.client_id, s.client_secret.get_secret_value()) if s.client_secret else None
        try:
            answer = self._session.post(
                s.api_url.rstrip("/") + "/2/oauth2/token",
                data=form,
                auth=auth,
                timeout=s.polling.timeout_seconds,
            )
        except requests.RequestException as exc:
            raise PlatformUnavailable(
                f"x unreachable while renewing the access token ({type(exc).__name__})"
            ) from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise PlatformUnavailable(
                f"x unavailable while renewing the access token (HTTP {answer.status_code})"
            )
        body = _json(answer)
        if answer.status_code != 200:
            error = str(body.get("error", "")) or f"HTTP {answer.status_code}"
            detail = str(body.get("error_description", ""))[:200]
            reason = f"{error}: {detail}" if detail else error
            raise ConnectorPaused(
                "x",
                PauseReason.REFRESH_REFUSED,
                redact(f"HTTP {answer.status_code}, {reason}", self.secrets),
            )
        try:
            access = SecretStr(str(body["access_token"]))
            lifetime = float(body.get("expires_in", 7200))
        except (KeyError, TypeError, ValueError):
            raise PlatformUnavailable("x answered the token renewal without a token") from None
        # X rotates the refresh token; if an answer ever lacks one, the old one still holds.
        refresh = SecretStr(str(body["refresh_token"])) if body.get("refresh_token") else None
        return TokenPair(access, refresh or self._pair.refresh, self._now() + lifetime)


def _json(answer: requests.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class TokenAuth(requests.auth.AuthBase):
    """`Authorization: Bearer <the current access token>`, read at send time."""

    def __init__(self, tokens: XTokens) -> None:
        self._tokens = tokens

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._tokens.in_use().get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return "TokenAuth(**********)"
