"""Which Kafka offsets this worker has finished, so that a commit never passes one it has not.

Faust commits what its streams acknowledged, and in faust-streaming a jump in offsets (a
"gap", which it expects from compacted or transactional topics) counts as acknowledged.
Our topics have neither, so a jump can only come from records read across a rebalance
(faust-streaming issues #216, #221 and #606 describe such cases) and counting it as done
would commit past comments nobody processed. The ledger is the worker's own account: the
agents record every offset whose effects are durable (`finished`), and the consumer
commits, per partition, only up to the first offset not finished (`committable`). When an
offset is missing while later ones are finished, `holes` names it so the worker can read
the partition again from there; the steps make the repeats harmless.

Pure bookkeeping: no Kafka or Faust here. Partitions are any hashable key (Faust's TP).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field


@dataclass
class _Partition:
    finished: set[int] = field(default_factory=set)
    lowest_seen: int | None = None

    def watermark(self, committed: int | None) -> tuple[int, int] | None:
        """(start, first offset from start not finished); start is the committed offset,
        or the lowest offset seen when the group never committed; None if neither."""
        start = committed if committed is not None else self.lowest_seen
        if start is None:
            return None
        mark = start
        while mark in self.finished:
            mark += 1
        return start, mark


class OffsetLedger:
    """Per partition: the offsets finished since the last commit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._partitions: dict[Hashable, _Partition] = {}

    def finished(self, partition: Hashable, offsets: Iterable[int]) -> None:
        """Record offsets whose effects are durable (stored, published, dead-lettered)."""
        with self._lock:
            p = self._partitions.setdefault(partition, _Partition())
            for offset in offsets:
                p.finished.add(offset)
                if p.lowest_seen is None or offset < p.lowest_seen:
                    p.lowest_seen = offset

    def tracks(self, partition: Hashable) -> bool:
        with self._lock:
            return partition in self._partitions

    def committable(self, partition: Hashable, committed: int | None) -> int | None:
        """The offset to commit (the first one not finished), or None when the commit
        cannot move. `committed` is the partition's committed offset (the next one to
        read); None when the group never committed it, in which case the lowest offset
        this worker has seen is taken as the start."""
        with self._lock:
            p = self._partitions.get(partition)
            found = None if p is None else p.watermark(committed)
            if p is None or found is None:
                return None
            start, mark = found
            p.finished = {o for o in p.finished if o >= mark}
            return mark if mark > start else None

    def holes(self, committed: dict[Hashable, int | None]) -> dict[Hashable, int]:
        """Partitions whose next offset to commit is missing while later offsets are
        finished: partition → the first missing offset."""
        found: dict[Hashable, int] = {}
        with self._lock:
            for partition, p in self._partitions.items():
                mark = p.watermark(committed.get(partition))
                if mark is not None and p.finished and max(p.finished) > mark[1]:
                    found[partition] = mark[1]
        return found

    def give_up(self, partition: Hashable, offset: int) -> int:
        """Count the missing offsets from `offset` up to the next finished one as done
        (they cannot be read: the broker deleted them); returns how many."""
        with self._lock:
            p = self._partitions.get(partition)
            if p is None:
                return 0
            later = [o for o in p.finished if o > offset]
            if not later:
                return 0
            missing = range(offset, min(later))
            p.finished.update(missing)
            return len(missing)

    def forget(self, partitions: Iterable[Hashable]) -> None:
        """Partitions taken away by a rebalance: another worker reads them from their
        committed offsets, and if they come back they are read from there again."""
        with self._lock:
            for partition in partitions:
                self._partitions.pop(partition, None)
