"""The one error a request handler raises: what went wrong, in words for the user, and a code
for the client to act on."""

from __future__ import annotations


class RequestFailed(Exception):
    """A request the host understood but cannot do; the message goes to the client."""

    def __init__(self, message: str, code: str = "failed") -> None:
        super().__init__(message)
        self.code = code


CRASHED = "crashed"
"""The error code of a request the host crashed answering (it wrote a crash report)."""
