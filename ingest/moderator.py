"""The shape every platform's hide/restore shares: check the comment is ours and hideable,
then make one platform call that sets a hidden flag. Subclasses make that call."""

from __future__ import annotations

from moderation.comment import Comment, Platform
from moderation.platform import NotHideable, PlatformError


class HiddenFlagModerator:
    """A `PlatformModerator` for platforms whose hide and restore are one call with a flag."""

    platform: Platform
    what: str  # how the platform names an item, for errors: "a Facebook comment"
    not_hideable_because: str  # "is not on the council's Page"

    def hide(self, comment: Comment) -> None:
        self._set_hidden(self._ours(comment), True)

    def restore(self, comment: Comment) -> None:
        self._set_hidden(self._ours(comment), False)

    def _ours(self, comment: Comment) -> Comment:
        if comment.platform is not self.platform:
            raise PlatformError(f"not {self.what}: {comment.key}", transient=False)
        if not comment.hideable:
            raise NotHideable(f"{comment.key} {self.not_hideable_because}")
        return comment

    def _set_hidden(self, comment: Comment, hidden: bool) -> None:
        raise NotImplementedError
