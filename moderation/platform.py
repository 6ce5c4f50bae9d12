"""The boundary to the social platforms' moderation calls (hide, restore).

The stream calls these; `ingest/` implements them per platform. Implementations must be
idempotent: hiding a comment that is already hidden, or restoring one that is visible,
succeeds quietly, because a replayed message may ask twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from moderation.comment import Comment, Platform


class PlatformError(Exception):
    """A platform call failed. `transient` says whether trying again later may work."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def is_transient(error: BaseException) -> bool:
    """The platform boundary's one rule for retrying: a `PlatformError` that says a later
    attempt may work (outage, timeout, rate limit). Every retry of a platform call uses it."""
    return isinstance(error, PlatformError) and error.transient


class NotHideable(PlatformError):
    """The platform offers no reversible hide for this comment (e.g. an X reply in a
    conversation the council did not start). The item goes to review without a platform
    action."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)


class PlatformModerator(Protocol):
    """Hide and restore comments on one platform."""

    def hide(self, comment: Comment) -> None: ...

    def restore(self, comment: Comment) -> None: ...


@dataclass
class InMemoryModerator:
    """A platform that remembers what is hidden; for the demo and for tests. It keeps the
    same contract as the real platforms: only a comment on the council's own page of a
    platform that offers a hide can be hidden (`platform`, when set, is the only one)."""

    hidden: set[str] = field(default_factory=set)
    fail_with: PlatformError | None = None
    platform: Platform | None = None

    def hide(self, comment: Comment) -> None:
        self.hidden.add(self._ours(comment).key)

    def restore(self, comment: Comment) -> None:
        self.hidden.discard(self._ours(comment).key)

    def _ours(self, comment: Comment) -> Comment:
        if self.platform is not None and comment.platform is not self.platform:
            raise PlatformError(
                f"not a {self.platform.value} comment: {comment.key}", transient=False
            )
        if not comment.hideable:
            raise NotHideable(f"{comment.key} is not on a page the council can hide comments on")
        if self.fail_with is not None:
            raise self.fail_with
        return comment
