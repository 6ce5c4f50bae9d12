"""Reading a Meta webhook delivery: Page `feed` comments, Instagram `comments` and `mentions`.

Every field we use is checked by a pydantic model before the delivery is acknowledged, so
a delivery that cannot be read is refused at once with a 400 naming the field (for
example `delivery.entry[0]: field 'time' is 1e+20: Input should be less than or equal to
253402300799`) instead of failing later, or answering 500 so that Meta retries it for
ever. Changes we do not moderate (reactions, posts, other fields) are ignored without
being checked beyond the envelope: Meta adds kinds of change over time.

`parse_delivery` is pure: the receiver calls it before storing a delivery, and the
drain calls it again on the stored body to get the comments, so both read it alike.
Instagram `mentions` carry only ids; the drain looks the comment up (a platform call)
after the delivery is safely stored, never while Meta waits for an answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from moderation import wire
from moderation.comment import Comment, Platform, Surface

# The last second of the year 9999: the largest Unix time a date-time can hold.
LATEST_EPOCH = 253_402_300_799
MAX_ID_LENGTH = 128

WebhookPlatform = Literal["facebook", "instagram"]


class MalformedDelivery(ValueError):
    """A signed delivery we cannot read; the text says which field and why (never a secret)."""


def _id_text(value: Any) -> Any:
    """Graph ids are strings, but some payloads (and test tools) send numbers."""
    if isinstance(value, bool):
        return value  # refused below: `true` is not an id
    if isinstance(value, int):
        return str(value)
    return value


Id = Annotated[
    str,
    BeforeValidator(_id_text),
    Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=r"^[A-Za-z0-9_.:-]+$"),
]
OptionalId = Annotated[
    str,
    BeforeValidator(_id_text),
    Field(max_length=MAX_ID_LENGTH, pattern=r"^[A-Za-z0-9_.:-]*$"),
]
EpochSeconds = Annotated[int, Field(ge=0, le=LATEST_EPOCH)]


def _graph_time(value: Any) -> Any:
    """Unix seconds (as in webhook payloads) or Graph's ISO 8601 with `+0000`."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        if value != value or not 0 <= value <= LATEST_EPOCH:  # NaN, or out of range
            raise ValueError(f"Unix time {value!r} is out of range")
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
            text = f"{text[:-2]}:{text[-2:]}"
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a date-time: {value[:40]!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


GraphTime = Annotated[datetime, BeforeValidator(_graph_time)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


M = TypeVar("M", bound=_Model)


class Author(_Model):
    id: OptionalId = ""
    name: str = Field(default="", max_length=1000)
    username: str = Field(default="", max_length=1000)


class PostRef(_Model):
    permalink_url: str = Field(default="", max_length=4000)


class FeedComment(_Model):
    """A Page `feed` change about a comment (`item: comment`, `verb: add|edited`)."""

    comment_id: Id
    post_id: OptionalId = ""
    parent_id: OptionalId = ""
    message: str = ""
    created_time: GraphTime | None = None
    author: Author = Field(default_factory=Author, alias="from")
    permalink_url: str = Field(default="", max_length=4000)
    post: PostRef = Field(default_factory=PostRef)


class Media(_Model):
    id: OptionalId = ""
    media_product_type: str = Field(default="", max_length=100)
    permalink: str = Field(default="", max_length=4000)
    caption: str = ""


class InstagramComment(_Model):
    """An Instagram `comments` change: a comment on the account's own media."""

    id: Id
    text: str = ""
    author: Author = Field(default_factory=Author, alias="from")
    media: Media = Field(default_factory=Media)
    parent_id: OptionalId = ""
    timestamp: GraphTime | None = None


class Mention(_Model):
    """An Instagram `mentions` change: ids only; the comment is looked up later."""

    comment_id: Id
    media_id: OptionalId = ""


class Change(_Model):
    field: str = Field(max_length=200)
    value: Any = None


class Entry(_Model):
    id: Id
    time: EpochSeconds | None = None
    changes: list[Change] = Field(default_factory=list)


class Envelope(_Model):
    object: str = Field(max_length=200)
    entry: list[Entry] = Field(default_factory=list)


@dataclass(frozen=True)
class Delivery:
    """What one delivery asks us to moderate: comments, and mentions still to look up."""

    platform: WebhookPlatform
    comments: list[Comment] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.comments and not self.mentions


@dataclass(frozen=True)
class Accounts:
    """The council's own accounts: their comments are not moderated, and comments on them
    are `own_page` (empty means: any account delivered to us is the council's)."""

    page_id: str = ""
    ig_user_id: str = ""


def parse_delivery(
    platform: WebhookPlatform,
    body: bytes,
    accounts: Accounts,
    received_at: datetime | None = None,
) -> Delivery:
    """The comments in a signed delivery's body, or `MalformedDelivery` saying why not."""
    try:
        data = json.loads(body)
    except UnicodeDecodeError:
        raise MalformedDelivery("delivery is not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        raise MalformedDelivery(f"delivery is not valid JSON: {_short(exc)}") from None
    if not isinstance(data, dict):
        raise MalformedDelivery("delivery is not a JSON object")
    envelope = _check(Envelope, data, "delivery")
    expected = "page" if platform == "facebook" else "instagram"
    if envelope.object != expected:
        return Delivery(platform)
    now = received_at or datetime.now(UTC)
    delivery = Delivery(platform)
    for e, entry in enumerate(envelope.entry):
        when = datetime.fromtimestamp(entry.time, tz=UTC) if entry.time else now
        for c, change in enumerate(entry.changes):
            where = f"delivery.entry[{e}].changes[{c}].value"
            if platform == "facebook" and change.field == "feed":
                comment = _page_comment(entry.id, change.value, when, accounts, where)
                if comment is not None:
                    delivery.comments.append(comment)
            elif platform == "instagram" and change.field == "comments":
                comment = _instagram_comment(entry.id, change.value, when, accounts, where)
                if comment is not None:
                    delivery.comments.append(comment)
            elif platform == "instagram" and change.field == "mentions":
                delivery.mentions.append(_check(Mention, change.value, where).comment_id)
    return delivery


def _page_comment(
    page_id: str, value: Any, when: datetime, accounts: Accounts, where: str
) -> Comment | None:
    if not isinstance(value, dict):
        raise MalformedDelivery(f"{where}: expected an object, got {_kind(value)}")
    if value.get("item") != "comment" or value.get("verb") not in ("add", "edited"):
        return None  # a post, a reaction, a removal: nothing to moderate
    feed = _check(FeedComment, value, where)
    return _comment_to(
        page_id,
        accounts.page_id,
        platform=Platform.FACEBOOK,
        comment_id=feed.comment_id,
        text=feed.message,
        created_at=feed.created_time or when,
        author_handle=feed.author.name,
        author_id=feed.author.id,
        post_id=feed.post_id,
        parent_id="" if feed.parent_id == feed.post_id else feed.parent_id,
        permalink=feed.permalink_url or feed.post.permalink_url,
        raw=value,
    )


def _instagram_comment(
    ig_user_id: str, value: Any, when: datetime, accounts: Accounts, where: str
) -> Comment | None:
    found = _check(InstagramComment, value, where)
    return _comment_to(
        ig_user_id,
        accounts.ig_user_id,
        platform=Platform.INSTAGRAM,
        comment_id=found.id,
        text=found.text,
        created_at=found.timestamp or when,
        author_handle=found.author.username,
        author_id=found.author.id,
        post_id=found.media.id,
        parent_id=found.parent_id,
        permalink=found.media.permalink,
        post_context=found.media.caption[:280],
        raw=value,
    )


def _comment_to(account_id: str, council_id: str, **fields: Any) -> Comment | None:
    """The comment delivered to `account_id`, or None when that account wrote it (the
    council's own words are not moderated). It is on the council's own page when the
    account is the council's (`council_id`, or any account when that is not set)."""
    if fields["author_id"] and fields["author_id"] == account_id:
        return None
    ours = not council_id or account_id == council_id
    return Comment(surface=Surface.OWN_PAGE if ours else Surface.MENTION, **fields)


def _check(model: type[M], data: Any, where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise MalformedDelivery(wire.describe(exc, where)) from None


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 120 else text[:117] + "..."
