"""The review app's own settings; `houserules.settings.Settings.review_app` holds them.

Secrets (the SMTP password) are SecretStr and never printed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class AlertSettings(BaseModel):
    """Where an alert about a new escalation goes: email (SMTP) and a webhook (e.g. a
    Microsoft Teams or Slack incoming webhook). Either may be left unset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email_to: tuple[str, ...] = ()
    email_from: str = "houserules@localhost"
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    webhook_url: str = ""
    poll_seconds: float = Field(default=5.0, gt=0)


class ReviewAppSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The address people use, for links in alerts (e.g. https://moderation.council.gov.uk).
    public_url: str = "http://127.0.0.1:8000"
    # How long a dashboard chart's numbers are reused before the store is counted again.
    dashboard_cache_seconds: float = Field(default=60, ge=0)
    session_idle_minutes: float = Field(default=30, gt=0)
    session_max_hours: float = Field(default=12, gt=0)
    lockout_after: int = Field(default=5, ge=1)
    lockout_minutes: float = Field(default=15, gt=0)
    # Send the session cookie only over https (set when served behind TLS).
    secure_cookies: bool = False
    # Single sign-on in front: the header a trusted proxy (e.g. oauth2-proxy) sets to the
    # signed-in user's name, and the proxy addresses it is believed from.
    trusted_user_header: str = ""
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)
    # Service levels: how old an item may get before it shows as late.
    escalations_minutes: int = Field(default=30, ge=1)
    review_hours: int = Field(default=4, ge=1)
    comms_hours: int = Field(default=24, ge=1)
    page_size: int = Field(default=50, ge=1, le=500)
    live_poll_seconds: int = Field(default=10, ge=1)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
