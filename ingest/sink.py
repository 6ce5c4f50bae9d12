"""Where connectors and importers hand over the comments they read.

The embedded pipeline and the Kafka producer both implement `CommentSink`, so a connector
never knows which mode it runs in. `send` returns once the comment is durably accepted
(processed and stored, or acknowledged by the broker); only then may a connector advance
its cursor, which is what makes a restart neither miss nor repeat.
"""

from __future__ import annotations

from typing import Protocol

from moderation.comment import Comment


class CommentSink(Protocol):
    def send(self, comments: list[Comment]) -> None: ...
