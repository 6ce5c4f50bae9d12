"""Caches of what is worked out from a comment's text (its folded form, its stems, the phone
numbers in it), kept because several detectors ask the same about one comment in turn.

`houserules bench classify` empties them before each timed round, so that a round measures
comments the classifier has not seen before, as a live stream would be.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_CACHES: list[functools._lru_cache_wrapper[Any]] = []


def text_cache(
    maxsize: int,
) -> Callable[[Callable[..., T]], functools._lru_cache_wrapper[T]]:
    """`functools.lru_cache(maxsize)`, listed so that `clear_text_caches` can empty it."""

    def wrap(fn: Callable[..., T]) -> functools._lru_cache_wrapper[T]:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(cached)
        return cached

    return wrap


def clear_text_caches() -> None:
    for cache in _CACHES:
        cache.cache_clear()
