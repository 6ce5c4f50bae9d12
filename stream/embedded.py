"""The embedded pipeline: ingest → classify → act → route → index in one process.

Stages run as asyncio tasks joined by bounded queues, so a slow platform or store slows
reading instead of filling memory. Classification and platform calls run in worker
threads to keep the loop responsive. A comment already stored with the same text is
skipped, so running the same input twice changes nothing. A comment whose classification
raises goes to the dead-letter table with the reason and the run carries on.
"""

from __future__ import annotations

import asyncio
import traceback
from collections import Counter
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from dataclasses import dataclass, field

from moderation import wire
from moderation.classifier import Classifier
from moderation.comment import Comment, Platform
from moderation.platform import PlatformModerator
from moderation.verdict import ClassifiedComment
from store.base import ProcessedComment, Store
from stream import stages
from stream.clock import Clock, SystemClock

_DONE = object()


@dataclass
class RunSummary:
    read: int = 0
    processed: int = 0
    unchanged: int = 0
    dead_lettered: int = 0
    by_action: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)


ProgressCallback = Callable[[RunSummary], None]


class EmbeddedPipeline:
    def __init__(
        self,
        classifier: Classifier,
        store: Store,
        moderators: Mapping[Platform, PlatformModerator] | None = None,
        clock: Clock | None = None,
        batch_size: int = 32,
        queue_size: int = 256,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.classifier = classifier
        self.store = store
        self.moderators = dict(moderators or {})
        self.clock = clock or SystemClock()
        self.batch_size = batch_size
        self.queue_size = queue_size
        self.on_progress = on_progress

    def send(self, comments: list[Comment]) -> None:
        """CommentSink: process these comments now; returns once they are stored."""
        self.run_sync(comments)

    def run_sync(self, comments: Iterable[Comment]) -> RunSummary:
        return asyncio.run(self.run(comments))

    async def run(self, comments: Iterable[Comment] | AsyncIterable[Comment]) -> RunSummary:
        summary = RunSummary()
        to_classify: asyncio.Queue[object] = asyncio.Queue(self.queue_size)
        to_index: asyncio.Queue[object] = asyncio.Queue(self.queue_size)
        tasks = [
            asyncio.create_task(self._read(comments, to_classify, summary)),
            asyncio.create_task(self._classify(to_classify, to_index, summary)),
            asyncio.create_task(self._act_and_index(to_index, summary)),
        ]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for t in tasks:
                t.cancel()
            raise
        return summary

    async def _read(
        self,
        comments: Iterable[Comment] | AsyncIterable[Comment],
        out: asyncio.Queue[object],
        summary: RunSummary,
    ) -> None:
        if isinstance(comments, AsyncIterable):
            async for c in comments:
                summary.read += 1
                await out.put(c)
        else:
            for c in comments:
                summary.read += 1
                await out.put(c)
        await out.put(_DONE)

    async def _batches(self, source: asyncio.Queue[object]) -> AsyncIterable[list[Comment]]:
        finished = False
        while not finished:
            first = await source.get()
            if first is _DONE:
                return
            batch = [first]
            while len(batch) < self.batch_size and not source.empty():
                nxt = source.get_nowait()
                if nxt is _DONE:
                    finished = True
                    break
                batch.append(nxt)
            yield [c for c in batch if isinstance(c, Comment)]

    def _classify_batch(
        self, batch: list[Comment]
    ) -> list[ClassifiedComment | tuple[Comment, str]]:
        try:
            return list(stages.classify(self.classifier, batch))
        except Exception:
            results: list[ClassifiedComment | tuple[Comment, str]] = []
            for c in batch:  # find the comment that broke the batch; keep the rest
                try:
                    results.extend(stages.classify(self.classifier, [c]))
                except Exception as exc:
                    reason = f"classification failed: {exc.__class__.__name__}: {exc}"
                    results.append((c, reason + "\n" + traceback.format_exc(limit=3)))
            return results

    async def _classify(
        self, source: asyncio.Queue[object], out: asyncio.Queue[object], summary: RunSummary
    ) -> None:
        async for batch in self._batches(source):
            stored = self.store.seen([c.key for c in batch])
            fresh = [c for c in batch if stored.get(c.key) != c.text]
            summary.unchanged += len(batch) - len(fresh)
            if fresh:
                for result in await asyncio.to_thread(self._classify_batch, fresh):
                    await out.put(result)
            if self.on_progress:
                self.on_progress(summary)
        await out.put(_DONE)

    def _act_and_store(self, batch: list[ClassifiedComment]) -> list[ProcessedComment]:
        processed = [stages.process(cc, self.moderators, self.clock) for cc in batch]
        self.store.save(processed)
        return processed

    async def _act_and_index(self, source: asyncio.Queue[object], summary: RunSummary) -> None:
        finished = False
        while not finished:
            items = [await source.get()]
            while len(items) < self.batch_size and not source.empty():
                items.append(source.get_nowait())
            if _DONE in items:
                finished = True
            batch = [i for i in items if isinstance(i, ClassifiedComment)]
            for failed in (i for i in items if isinstance(i, tuple)):
                comment, reason = failed
                self.store.dead_letter(
                    "classify", reason, wire.encode_comment(comment).decode(), self.clock.now()
                )
                summary.dead_lettered += 1
            if batch:
                await asyncio.to_thread(self._act_and_store, batch)
                for cc in batch:
                    summary.processed += 1
                    summary.by_action[cc.verdict.action.value] += 1
                    for cat in cc.verdict.categories:
                        summary.by_category[cat.value] += 1
            if self.on_progress:
                self.on_progress(summary)
