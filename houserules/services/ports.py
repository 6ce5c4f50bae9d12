"""Loopback ports: find a free one, refuse to start on a taken one."""

from __future__ import annotations

import socket

from houserules.services.errors import ServiceError


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (may race; fine for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ensure_free(port: int, what: str) -> None:
    """Raise ServiceError if something already listens on 127.0.0.1:`port`."""
    if in_use(port):
        raise ServiceError(
            f"{what}: port {port} on 127.0.0.1 is already in use by another program; "
            "stop it or choose another port"
        )
