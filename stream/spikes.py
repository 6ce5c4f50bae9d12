"""Patterns over many comments, counted in tumbling windows of event time.

Two are watched: complaints about one service (bins, the website, phones) in 15 minutes,
which raise a spike alert for the comms team; and comments by one author judged
hide-worthy within a window, which flag repeated abuse. A window remembers the distinct
comment keys it has counted (up to the threshold), so a replayed message is not counted
twice and each window raises its alert once, at the moment the threshold is reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from stream.records import Alert


class PatternSettings(BaseModel):
    """Thresholds and windows for the alerts (a `worker:` section the settings can carry)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    spike_threshold: int = Field(default=10, ge=1)
    spike_window_minutes: int = Field(default=15, ge=1)
    abuse_threshold: int = Field(default=3, ge=1)
    abuse_window_minutes: int = Field(default=24 * 60, ge=1)


@dataclass(frozen=True, slots=True)
class Tally:
    """What `count` decided: the keys to keep for the window, and an alert if raised."""

    keys: list[str]
    crossed: bool


def count(window_keys: list[str] | None, key: str, threshold: int) -> Tally:
    """Count `key` into a window that has seen `window_keys`.

    Idempotent: a key already counted changes nothing. `crossed` is true only for the
    message that brings the window to the threshold. Memory per window is bounded by
    the threshold: after the alert nothing more needs remembering.
    """
    keys = list(window_keys or [])
    if key in keys or len(keys) >= threshold:
        return Tally(keys, False)
    keys.append(key)
    return Tally(keys, len(keys) == threshold)


def window_of(at: datetime, size: timedelta) -> tuple[datetime, datetime]:
    """The tumbling window (start, end) that contains `at`, aligned to the epoch, in UTC."""
    seconds = size.total_seconds()
    start_ts = (at.timestamp() // seconds) * seconds
    start = datetime.fromtimestamp(start_ts, UTC)
    return start, start + size


def alert(
    kind: str, subject: str, keys: list[str], at: datetime, size: timedelta, now: datetime
) -> Alert:
    start, end = window_of(at, size)
    return Alert(
        kind=kind,
        subject=subject,
        count=len(keys),
        window_start=start,
        window_end=end,
        comment_keys=tuple(keys),
        raised_at=now,
    )
