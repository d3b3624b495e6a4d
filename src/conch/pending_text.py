"""Text gathered on one thread and taken on another, with one wake-up per batch.

The shell's reader between commands hands background jobs' output to the UI this way: a
flood (`yes &`) costs one message per frame the UI draws, not one per read.
"""

from __future__ import annotations

import threading


class PendingText:
    def __init__(self) -> None:
        self._parts: list[str] = []
        self._lock = threading.Lock()

    def put(self, text: str) -> bool:
        """Add text; True when it is the first since the last ``take`` (wake the taker)."""
        with self._lock:
            first = not self._parts
            self._parts.append(text)
            return first

    def take(self) -> str:
        with self._lock:
            parts, self._parts = self._parts, []
        return "".join(parts)
