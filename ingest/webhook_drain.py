"""The webhook drain: takes stored deliveries from the inbox, oldest first, and hands their
comments to the pipeline (the embedded pipeline, or the Kafka producer in scale-out mode).

It runs behind the receiver, in a thread of its own, so classification never holds up an
answer to Meta. A delivery leaves the inbox only after the sink accepted its comments
(stored, or acknowledged by the broker): if the sink fails, the same deliveries are tried
again after a pause that doubles up to `retry_max_s`, and the inbox fills up meanwhile
until the receiver starts answering 503. Nothing acknowledged is dropped.

Meta delivers at least once, so a delivery may come twice. Stores are idempotent by
comment key (and skip a comment stored with the same text), and the drain also keeps a
bounded memory of recently delivered (comment key, text) pairs so a repeat costs nothing;
an edit (same id, new text) goes through.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from ingest.sink import CommentSink
from ingest.webhook_inbox import StoredDelivery, WebhookInbox
from ingest.webhook_payloads import Accounts, MalformedDelivery, WebhookPlatform, parse_delivery
from moderation.comment import Comment
from moderation.platform import PlatformError

log = logging.getLogger(__name__)

MentionLookup = Callable[[str], Comment]


class RecentDeliveries:
    """A bounded, thread-safe memory of what was delivered lately (oldest forgotten first)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    def unseen(self, comments: Iterable[Comment]) -> list[Comment]:
        with self._lock:
            fresh: dict[tuple[str, str], Comment] = {}
            for c in comments:
                mark = (c.key, c.text)
                if mark not in self._seen:
                    fresh[mark] = c
            return list(fresh.values())

    def remember(self, comments: Iterable[Comment]) -> None:
        with self._lock:
            for c in comments:
                self._seen[(c.key, c.text)] = None
                self._seen.move_to_end((c.key, c.text))
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)


class _TryLater(Exception):
    """A platform call the delivery needs failed for now; keep it for the next round."""


class WebhookDrain:
    """Moves deliveries from the inbox into the sink; `start()` runs it in a thread."""

    def __init__(
        self,
        inbox: WebhookInbox,
        sink: CommentSink,
        accounts: Accounts,
        *,
        mention_lookup: MentionLookup | None = None,
        batch_size: int = 64,
        recent: int = 10_000,
        retry_initial_s: float = 0.5,
        retry_max_s: float = 30.0,
    ) -> None:
        self.inbox = inbox
        self._sink = sink
        self._accounts = accounts
        self._mention_lookup = mention_lookup
        self._batch_size = batch_size
        self._recent = RecentDeliveries(recent)
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0

    def start(self) -> WebhookDrain:
        self._thread = threading.Thread(target=self.run, name="webhook-drain", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 60.0) -> None:
        """Finish the batch in hand, then stop (what is left stays in the inbox)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def run(self) -> None:
        while not self._stop.is_set():
            if not self.inbox.wait_for_arrivals(0.5):
                continue
            try:
                self.drain_once()
            except Exception:
                # A bug, or a store gone away: the deliveries stay in the inbox, and the
                # drain keeps trying rather than dying quietly behind a receiver saying 200.
                log.exception("webhook drain: unexpected failure; will try again")
                self._pause()

    def drain_once(self) -> int:
        """Hand one batch to the sink; returns how many deliveries left the inbox."""
        batch = self.inbox.take(self._batch_size)
        if not batch:
            return 0
        comments: list[Comment] = []
        handled: list[int] = []
        try_later = False
        try:
            for delivery in batch:
                found = self._comments(delivery)
                if found is None:
                    continue  # set aside with its reason
                comments.extend(found)
                handled.append(delivery.id)
        except _TryLater as exc:
            log.warning("webhook drain: %s; will try again", exc)
            try_later = True
        fresh = self._recent.unseen(comments)
        if fresh:
            try:
                self._sink.send(fresh)
            except Exception as exc:
                self.inbox.attempted(handled)
                log.warning(
                    "webhook drain: the pipeline refused %d comment(s) (%s: %s); "
                    "they stay in the inbox",
                    len(fresh),
                    type(exc).__name__,
                    exc,
                )
                self._pause()
                return 0
            self._recent.remember(fresh)
        self.inbox.done(handled)
        self.delivered += len(fresh)
        self._failures = 0
        if try_later:
            self._pause()
        log.debug("webhook drain: %d deliveries, %d new comment(s)", len(handled), len(fresh))
        return len(handled)

    def _comments(self, delivery: StoredDelivery) -> list[Comment] | None:
        platform: WebhookPlatform = "instagram" if delivery.platform == "instagram" else "facebook"
        try:
            parsed = parse_delivery(
                platform,
                delivery.body,
                self._accounts,
                datetime.fromtimestamp(delivery.received_at, tz=UTC),
            )
        except MalformedDelivery as exc:  # it was read once; only a change of code can do this
            self._set_aside(delivery, f"cannot be read: {exc}")
            return None
        found = list(parsed.comments)
        for comment_id in parsed.mentions:
            if self._mention_lookup is None:
                log.info("instagram mention %s skipped: no Instagram client configured", comment_id)
                continue
            try:
                found.append(self._mention_lookup(comment_id))
            except PlatformError as exc:
                if exc.transient:
                    raise _TryLater(f"instagram mention {comment_id}: {exc}") from None
                self._set_aside(delivery, f"instagram mention {comment_id}: {exc}")
                return None
        return found

    def _set_aside(self, delivery: StoredDelivery, reason: str) -> None:
        log.error("webhook delivery %d (%s) set aside: %s", delivery.id, delivery.platform, reason)
        self.inbox.fail(delivery.id, reason)

    def _pause(self) -> None:
        self._failures += 1
        wait = min(self._retry_max_s, self._retry_initial_s * 2 ** (self._failures - 1))
        self._stop.wait(wait)


def wait_until_drained(inbox: WebhookInbox, timeout_s: float) -> bool:
    """True once nothing is waiting in the inbox (for tests and the bench)."""
    deadline = time.monotonic() + timeout_s
    while inbox.waiting() > 0:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
