"""The one error the local servers raise for failures an operator can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """A server could not be fetched, started, checked or stopped.

    Carries the reason in plain words and, when a server was involved, the tail of its
    log, so the operator sees why without opening files. The CLI prints it without a
    traceback; tests let it fail the run.
    """

    def __init__(self, reason: str, log_tail: str = "", log_path: str = "") -> None:
        self.reason = reason
        self.log_tail = log_tail
        self.log_path = log_path
        super().__init__(reason)

    def __str__(self) -> str:
        if not self.log_tail:
            return self.reason
        where = f" ({self.log_path})" if self.log_path else ""
        return f"{self.reason}\n--- last lines of the server log{where} ---\n{self.log_tail}"
