"""The weekly report's settings; `houserules.settings.Settings.report` holds them.

Secrets (the SMTP password and the key that pseudonymises authors) are SecretStr, so they
are never printed, logged or written into a report.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class ReportEmailSettings(BaseModel):
    """Who gets the report on Monday morning, and the SMTP server that sends it. STARTTLS
    is on by default: the report carries what residents wrote and must not travel in the
    clear."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    recipients: tuple[str, ...] = ()
    sender: str = "houserules@localhost"
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    # A CA bundle to trust for the SMTP server's certificate (an internal CA); the
    # system's trusted CAs when unset.
    smtp_ca_file: Path | None = None
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    timeout_s: float = Field(default=30.0, gt=0)


class ReportSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The council's name on the cover, e.g. "Harrowmere District Council".
    organisation: str = ""
    # Where `houserules report weekly` writes unless --out says otherwise (default:
    # <data_dir>/reports).
    out_dir: Path | None = None
    # The key for pseudonymising authors (a keyed hash). Set a long random value and keep
    # it: with a new key last week's pseudonyms no longer match this week's. Unset, a key is
    # made once and kept in <data_dir>/reports/pseudonym.key (readable by its owner only).
    pseudonym_key: SecretStr = SecretStr("")
    # How many comments the tone model and the themes read in the report's week and the
    # week before (all of them when there are fewer), and in each earlier week of the
    # eight-week tone trend. The sample is the same whichever store holds the comments.
    # 1,000 puts a share within ±3.1 points 95% of the time; 300, within ±5.7. Reading is
    # the report's slowest step (about 145 comments a second on one core).
    tone_sample: int = Field(default=1000, ge=50)
    trend_sample: int = Field(default=300, ge=50)
    # Threads the tone model's encoder runs on. One by default: on a small machine other
    # work shares, two threads spin waiting for each other and took longer (on this
    # project's two cores: 1,000 comments in 7 s of CPU on one thread, 10 s on two).
    tone_threads: int = Field(default=1, ge=1, le=64)
    # Themes: the most and fewest clusters to consider, and how alike (cosine) a theme's
    # centre must be to last week's to keep its id.
    max_themes: int = Field(default=8, ge=2, le=20)
    min_themes: int = Field(default=3, ge=2, le=20)
    theme_match: float = Field(default=0.8, gt=0, le=1)
    email: ReportEmailSettings = Field(default_factory=ReportEmailSettings)
