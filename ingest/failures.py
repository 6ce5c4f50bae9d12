"""The ways a platform call can fail, sorted by what the connector does about them.

- `PlatformUnavailable` (5xx, timeouts, rate limits): transient. Retried with backoff;
  if it persists the poll ends without advancing the cursor and the loop waits, so an
  outage slows ingestion and never drops a comment.
- `ConnectorPaused` (expired token, missing permission): retrying cannot help until a
  person acts. The connector stops calling the platform and says why, in words an
  operator can act on; it never crash-loops.
- `NotHideable` (from `moderation.platform`): the platform offers no reversible hide.

Messages never contain a credential: they are built from status codes, error codes and
the platform's own message, which is passed through `redact` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import SecretStr

from moderation.platform import NotHideable, PlatformError

__all__ = [
    "ConnectorPaused",
    "NotHideable",
    "PauseReason",
    "PlatformError",
    "PlatformUnavailable",
    "RateLimited",
    "Sorted",
    "failure",
    "redact",
    "unreachable",
]


class PauseReason(StrEnum):
    TOKEN_EXPIRED = "token_expired"
    REFRESH_REFUSED = "refresh_refused"
    PERMISSION_MISSING = "permission_missing"


_ADVICE = {
    PauseReason.TOKEN_EXPIRED: "the access token has expired or was revoked; "
    "issue a new token and restart the connector",
    PauseReason.REFRESH_REFUSED: "the platform refused to renew the access token with the "
    "refresh token (revoked, expired or already used); authorise houserules again, set the "
    "new refresh token and restart the connector",
    PauseReason.PERMISSION_MISSING: "the app lacks a permission it needs; "
    "grant it (see docs/connectors.md) and restart the connector",
}


class ConnectorPaused(PlatformError):
    """The connector cannot go on until a person fixes its credentials or permissions."""

    def __init__(self, platform: str, reason: PauseReason, detail: str = "") -> None:
        message = f"{platform} connector paused: {_ADVICE[reason]}"
        if detail:
            message += f" ({detail})"
        super().__init__(message, transient=False)
        self.platform = platform
        self.reason = reason


class PlatformUnavailable(PlatformError):
    """A failure that may pass: try again after `retry_after` seconds (0 means: back off)."""

    def __init__(self, message: str, *, retry_after: float = 0.0) -> None:
        super().__init__(message, transient=True)
        self.retry_after = max(0.0, retry_after)


class RateLimited(PlatformUnavailable):
    """The platform asked us to slow down."""


class Sorted(StrEnum):
    """What a connector made of a failed call, platform by platform (status codes, error
    codes, exceptions); `failure` turns it into the one error every connector raises for it."""

    TOKEN_EXPIRED = "token_expired"
    PERMISSION_MISSING = "permission_missing"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    REFUSED = "refused"


def failure(platform: str, kind: Sorted, detail: str, *, retry_after: float = 0.0) -> PlatformError:
    """The error for a failed call sorted as `kind`, worded the same on every platform.
    `detail` says where and what the platform said (already through `redact`)."""
    if kind is Sorted.TOKEN_EXPIRED:
        return ConnectorPaused(platform, PauseReason.TOKEN_EXPIRED, detail)
    if kind is Sorted.PERMISSION_MISSING:
        return ConnectorPaused(platform, PauseReason.PERMISSION_MISSING, detail)
    if kind is Sorted.RATE_LIMITED:
        return RateLimited(f"{platform} rate limited ({detail})", retry_after=retry_after)
    if kind is Sorted.UNAVAILABLE:
        return PlatformUnavailable(f"{platform} unavailable ({detail})", retry_after=retry_after)
    return PlatformError(f"{platform} refused the call ({detail})", transient=False)


def unreachable(platform: str, what: str, exc: BaseException) -> PlatformUnavailable:
    """A call that never reached the platform (connection refused, timed out, reset): the
    exception's kind is said, never its text (it may hold a URL with a token in it)."""
    return PlatformUnavailable(f"{platform} unreachable on {what} ({type(exc).__name__})")


def redact(text: str, secrets: Iterable[SecretStr | None]) -> str:
    """`text` with every secret value replaced by `**********`."""
    for secret in secrets:
        if secret is None:
            continue
        value = secret.get_secret_value()
        if value:
            text = text.replace(value, "**********")
    return text
