"""Credentials a connector comes to hold after the settings were read.

The settings' secrets are masked in every log line and error from the moment a process
loads them. Some credentials arrive later: X issues a new access token *and a new refresh
token* at every renewal, and a restarted process reads the latest pair from its token
file. A connector announces each such value here, and whoever keeps secrets out of the
process's output listens (`houserules.settings` wires the log masking's
`register_secrets`), so a rotated token is masked like a configured one, before the first
request that carries it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

Listener = Callable[[Iterable[str]], None]

_listeners: list[Listener] = []
_lock = threading.Lock()


def listen(listener: Listener) -> None:
    """Tell `listener` of every credential announced from now on (once per listener)."""
    with _lock:
        if listener not in _listeners:
            _listeners.append(listener)


def announce(values: Iterable[str]) -> None:
    """These credential values are now held by this process: tell every listener."""
    found = [v for v in values if v]
    if not found:
        return
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(found)
