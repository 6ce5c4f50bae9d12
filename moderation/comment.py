"""A comment as houserules sees it: one item from one platform, parsed once at the edge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import PlainSerializer

from moderation.outside_text import well_formed, well_formed_data


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    YOUTUBE = "youtube"
    LINKEDIN = "linkedin"
    NEXTDOOR = "nextdoor"
    NEWS_COMMENT = "news_comment"
    OTHER = "other"


# The longest comment houserules reads, in characters. The platforms' own limits are far
# below it (Instagram 2,200, X 280 or 25,000 for a Premium long post, Facebook 8,000,
# YouTube 10,000), so only a file or a forged request can carry more. An import rejects a
# longer row with this reason; the classifier judges the first this-many characters of
# anything longer that reaches it another way, and the whole text is still stored.
MAX_COMMENT_CHARS = 25_000

# Platforms where a council can reversibly hide a comment on its own page.
HIDEABLE_PLATFORMS = frozenset(
    {Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X, Platform.YOUTUBE}
)


class Surface(StrEnum):
    """Where the comment sits: on the council's own page, or a public mention elsewhere."""

    OWN_PAGE = "own_page"
    MENTION = "mention"


_TEXT_FIELDS = (
    "comment_id",
    "text",
    "author_handle",
    "author_id",
    "post_id",
    "parent_id",
    "permalink",
    "post_context",
)


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment or mention.

    `comment_id` is the platform's own id; together with `platform` it is the identity
    every store and topic keys on, so a replayed comment overwrites rather than doubles.
    """

    platform: Platform
    surface: Surface
    comment_id: str
    text: str
    created_at: datetime
    author_handle: str = ""
    author_id: str = ""
    post_id: str = ""
    parent_id: str = ""
    permalink: str = ""
    post_context: str = ""
    raw: Annotated[Mapping[str, Any], PlainSerializer(dict)] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str) and (fixed := well_formed(value)) is not value:
                object.__setattr__(self, name, fixed)
        if not self.comment_id:
            raise ValueError("a comment needs its platform comment id")
        if self.created_at.tzinfo is None or self.created_at.utcoffset() is None:
            raise ValueError(f"created_at must be timezone-aware, got {self.created_at!r}")
        if not isinstance(self.raw, MappingProxyType):
            object.__setattr__(self, "raw", _frozen_mapping(well_formed_data(self.raw)))

    @property
    def key(self) -> str:
        """The identity used by stores and topics: `platform:comment_id`."""
        return f"{self.platform.value}:{self.comment_id}"

    @property
    def hideable(self) -> bool:
        """Whether the platform offers the council a reversible hide for this comment."""
        return self.surface is Surface.OWN_PAGE and self.platform in HIDEABLE_PLATFORMS
