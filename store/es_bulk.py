"""Bulk writes that survive a busy or briefly absent cluster.

Every action sent must be safe to send twice (index by a fixed id, or create with a fixed
id), because a retry re-sends whatever has not been confirmed. Items the cluster refused
for a transient reason (429, 5xx) and whole requests that failed to connect are retried
with backoff; an item refused for any other reason (a mapping error, say) is a bug and
raises `BulkRejected` at once. A `create` that finds its id taken (409) counts as done:
the document is already there, and a `delete` that finds nothing (404) counts as done too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from elasticsearch import Elasticsearch, helpers

from store.es_retry import RETRYABLE_STATUS, Backoff, TransientFailure, call_with_retry

Refresh = Literal["wait_for", "true", "false"]


class BulkRejected(ValueError):
    """Elasticsearch refused some documents for a reason retrying cannot fix."""


def write_all(
    client: Elasticsearch,
    actions: Sequence[dict[str, Any]],
    *,
    backoff: Backoff,
    where: str,
    refresh: Refresh,
    chunk_size: int = 500,
) -> list[dict[str, Any]]:
    """Send `actions` (in the helpers' format), returning each one's result in order.

    A result is the item from the bulk response (`status`, `_id`, `_index`, `result`...).
    Raises ElasticsearchUnavailable when the retry budget runs out, BulkRejected on a
    permanent refusal; either way the caller still has every action and may send them again.
    """
    results: list[dict[str, Any] | None] = [None] * len(actions)
    pending = list(range(len(actions)))

    def attempt() -> None:
        nonlocal pending
        sending, again, handled = pending, [], 0
        last_refusal = ""
        try:
            stream = helpers.streaming_bulk(
                client,
                [actions[i] for i in sending],
                chunk_size=chunk_size,
                raise_on_error=False,
                raise_on_exception=True,
                max_retries=0,
                refresh=refresh,
            )
            rejected: list[str] = []
            for position, (ok, item) in zip(sending, stream, strict=False):
                handled += 1
                op_type, info = next(iter(item.items()))
                status = info.get("status")
                if (
                    ok
                    or (op_type == "create" and status == 409)
                    or (op_type == "delete" and status == 404)
                ):
                    results[position] = info
                elif status in RETRYABLE_STATUS:
                    again.append(position)
                    last_refusal = f"HTTP {status} {info.get('error')}"
                else:
                    rejected.append(f"{info.get('_id')}: HTTP {status} {info.get('error')}")
            if rejected:
                raise BulkRejected(
                    f"Elasticsearch refused {len(rejected)} document(s): " + "; ".join(rejected[:5])
                )
        finally:
            pending = again + sending[handled:]
        if pending:
            raise TransientFailure(
                f"{len(pending)} document(s) not yet accepted; last refusal: {last_refusal}"
            )

    call_with_retry(backoff, where, f"write {len(actions)} document(s)", attempt)
    return [r for r in results if r is not None]
