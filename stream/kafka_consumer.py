"""Faust's aiokafka consumer, committing by the worker's own `OffsetLedger`.

For the partitions the ledger tracks (the topics our agents consume), the offset to
commit is the first one the agents have not finished, whatever Faust's acknowledgements
and gap bookkeeping say; partitions of other topics keep Faust's own rule. `reread_holes`
seeks a partition back to an offset that was skipped while later ones were finished.

Faust's fetch loop also remembers the last offset it read per partition, and drops a
record below it ("already read") or counts a jump above it as a gap. Records fetched
before a seek (a rebalance, or our own re-read) can move that memory ahead of the
records fetched after it, so those are dropped: the comments a rebalance loses. For our
own topics the loop is shown no memory (`_ReadOffsets`), so every record fetched reaches
the agents; a record read twice is harmless, because the steps skip what is already
stored and the ledger counts an offset once.

`install(app, ledger, topics)` makes the app create this consumer for those topics; call
it before the worker starts (the consumer is created lazily, when first needed).

This is the only module that reaches into Faust's private API (`_new_offset`,
`_committed_offset`, `_read_offset` and how the fetch loop reads it, `Transport.Consumer`);
the ledger itself is plain bookkeeping. faust-streaming is pinned to the exact version
`tests/unit/test_faust_private_api.py` checks these against, and that test names whichever
one a new Faust changes.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable
from typing import Any

import faust
from faust.transport.drivers.aiokafka import Consumer as AIOKafkaConsumer

from stream.offset_ledger import OffsetLedger

log = logging.getLogger(__name__)

MAX_REREADS = 3


class _ReadOffsets(dict[Any, int | None]):
    """Faust's last-read offset per partition, which its fetch loop sees as unknown (None)
    for `hidden` topics (see module doc); seeks and rebalances still write it."""

    def __init__(self, hidden: frozenset[str]) -> None:
        super().__init__()
        self._hidden = hidden

    def __getitem__(self, tp: Any) -> int | None:
        if tp.topic in self._hidden:
            return None
        return self.get(tp)


class LedgerConsumer(AIOKafkaConsumer):
    """Commits only offsets the ledger says are finished (see module doc)."""

    ledger: OffsetLedger  # set on the subclass `install` makes
    topics: frozenset[str]  # likewise: the topics the ledger covers

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_offset = _ReadOffsets(self.topics)
        self._rereads: dict[tuple[Any, int], int] = {}

    def _new_offset(self, tp: Any) -> int | None:
        faust_offset = super()._new_offset(tp)  # keeps Faust's own lists short
        if not self.ledger.tracks(tp):
            return faust_offset
        return self.ledger.committable(tp, self._committed_offset[tp])

    async def on_partitions_revoked(self, revoked: set[Any]) -> None:
        # Faust may commit while it hands partitions back: by the ledger, so forget after.
        await super().on_partitions_revoked(revoked)
        self.ledger.forget(revoked)

    async def reread_holes(self, seen_before: dict[Hashable, int]) -> dict[Hashable, int]:
        """Seek back to holes that were already there at the previous call (a hole can be
        a batch still in flight); returns the holes found now, for the next call. A hole
        still there after `MAX_REREADS` re-reads cannot be read (the broker deleted those
        messages, say after an outage longer than the topic's retention): it is logged
        as an error and skipped, rather than re-read for ever."""
        assigned = self.assignment()
        committed = {tp: self._committed_offset[tp] for tp in assigned}
        holes = {tp: o for tp, o in self.ledger.holes(dict(committed)).items() if tp in assigned}
        for tp, offset in holes.items():
            if seen_before.get(tp) != offset:
                continue
            tries = self._rereads.get((tp, offset), 0) + 1
            self._rereads[(tp, offset)] = tries
            if tries > MAX_REREADS:
                skipped = self.ledger.give_up(tp, offset)
                log.error(
                    "%s[%d]: offsets %d to %d could not be read after %d attempts "
                    "(deleted by the broker?); going on without them",
                    tp.topic,
                    tp.partition,
                    offset,
                    offset + skipped - 1,
                    MAX_REREADS,
                )
                continue
            log.warning(
                "%s[%d]: offset %d was skipped while later ones were processed; "
                "reading the partition again from there",
                tp.topic,
                tp.partition,
                offset,
            )
            await self.seek(tp, offset)
        return dict(holes)


def install(app: faust.App, ledger: OffsetLedger, topics: Iterable[str]) -> None:
    """Make `app` consume through a `LedgerConsumer` bound to `ledger`, for `topics`."""
    consumer_class = type(
        "HouseRulesConsumer", (LedgerConsumer,), {"ledger": ledger, "topics": frozenset(topics)}
    )
    app.transport.Consumer = consumer_class  # type: ignore[misc]
