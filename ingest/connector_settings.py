"""Settings for the platform connectors and the webhook receiver.

The lead nests `ConnectorsSettings` in the process settings as `connectors`, so with the
project's `HOUSERULES_` prefix and `__` nesting a page token is set with
`HOUSERULES_CONNECTORS__FACEBOOK__PAGE_ACCESS_TOKEN`. A platform left unset (None) is
simply not connected. Every credential is a `SecretStr`: it prints as `**********` and the
connectors never put its value in a log line or an exception message.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class _Settings(BaseModel):
    """Settings read once and never changed, in which a misspelt key is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PollingSettings(_Settings):
    """How a connector paces itself; shared by every platform."""

    interval_seconds: float = Field(default=60.0, gt=0)
    backfill_days: int = Field(default=30, ge=1)
    lookback_days: int = Field(
        default=7,
        ge=1,
        description="how far back each poll re-reads posts/threads for late comments and replies",
    )
    batch_size: int = Field(default=50, ge=1)
    retry_attempts: int = Field(default=5, ge=1)
    retry_initial_seconds: float = Field(default=1.0, gt=0)
    retry_max_seconds: float = Field(default=60.0, gt=0)
    paused_recheck_seconds: float = Field(
        default=900.0, gt=0, description="how long a paused connector waits before trying again"
    )
    slow_down_at_percent: float = Field(
        default=80.0, gt=0, le=100, description="platform usage level at which we start pacing"
    )
    timeout_seconds: float = Field(default=30.0, gt=0)


class _PlatformSettings(_Settings):
    """What every polled platform has: how its connector paces itself."""

    polling: PollingSettings = Field(default_factory=PollingSettings)


class _GraphSettings(_PlatformSettings):
    """What Facebook and Instagram share: Meta's Graph API and the app that calls it."""

    app_secret: SecretStr | None = Field(
        default=None, description="when set, every call carries appsecret_proof"
    )
    graph_url: str = "https://graph.facebook.com"
    graph_version: str = "v21.0"


class FacebookSettings(_GraphSettings):
    """A Facebook Page: read comments on its posts, hide and unhide them."""

    page_id: str
    page_access_token: SecretStr


class InstagramSettings(_GraphSettings):
    """An Instagram professional account, through the Graph API."""

    ig_user_id: str
    access_token: SecretStr


class XSettings(_PlatformSettings):
    """The council's X account, through API v2 with an OAuth 2.0 user-context token.

    X's access tokens last two hours. With `refresh_token` and `client_id` (the app's
    OAuth 2.0 client; `client_secret` too for a confidential client) houserules renews
    them itself and keeps the rotated tokens in the data folder (see `ingest.x_tokens`);
    with an access token alone it works until that token expires."""

    user_id: str
    username: str
    access_token: SecretStr | None = Field(
        default=None,
        description="OAuth 2.0 user-context token with tweet.read users.read tweet.moderate.write",
    )
    refresh_token: SecretStr | None = Field(
        default=None, description="issued with the offline.access scope; renews the access token"
    )
    client_id: str = Field(default="", description="the app's OAuth 2.0 client id")
    client_secret: SecretStr | None = Field(
        default=None, description="for a confidential OAuth 2.0 client only"
    )
    api_url: str = "https://api.twitter.com"

    @model_validator(mode="after")
    def _some_way_to_a_token(self) -> XSettings:
        if self.access_token is None and self.refresh_token is None:
            raise ValueError("set access_token, or refresh_token and client_id")
        if self.refresh_token is not None and not self.client_id:
            raise ValueError("refresh_token needs client_id (the app's OAuth 2.0 client id)")
        return self


class YouTubeSettings(_PlatformSettings):
    """The council's YouTube channel, through the Data API v3."""

    channel_id: str
    access_token: SecretStr | None = None
    refresh_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    token_uri: str = "https://oauth2.googleapis.com/token"
    api_url: str = "https://youtube.googleapis.com/"


class WebhookSettings(_Settings):
    """The Meta webhook receiver (Page `feed`, Instagram `comments` and `mentions`)."""

    app_secret: SecretStr
    verify_token: SecretStr
    page_id: str = ""
    ig_user_id: str = ""
    recent_ids: int = Field(default=10_000, ge=1, description="size of the duplicate filter")
    max_body_bytes: int = Field(
        default=1_000_000, ge=1, description="a larger delivery is refused with 413"
    )
    read_timeout_seconds: float = Field(
        default=10.0, gt=0, description="time allowed for a request's headers, and for its body"
    )
    max_pending: int = Field(
        default=10_000,
        ge=1,
        description="deliveries stored but not yet classified; beyond this, answer 503",
    )
    retry_after_seconds: int = Field(
        default=30, ge=1, description="the Retry-After sent with a 503 when the inbox is full"
    )
    max_connections: int = Field(default=1000, ge=1, description="more are answered 503")
    drain_batch: int = Field(
        default=64, ge=1, description="deliveries handed to the pipeline at once"
    )


class ConnectorsSettings(_Settings):
    """Every connector; nested in the process settings as `connectors`."""

    # Where the connectors keep how far they have read; by default cursors.db in the data
    # folder (`data_dir`, the CLI's --data-dir), beside the store.
    cursor_path: Path | None = None
    facebook: FacebookSettings | None = None
    instagram: InstagramSettings | None = None
    x: XSettings | None = None
    youtube: YouTubeSettings | None = None
    webhooks: WebhookSettings | None = None


class ConnectorNotConfigured(Exception):
    """The named connector has no settings (e.g. HOUSERULES_CONNECTORS__FACEBOOK__...)."""
