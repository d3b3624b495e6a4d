"""Many events of one session committed together: one fsync per agent turn, not per update.

The acknowledgement of a batched event is the batch's commit. ``append`` buffers; ``flush``
(or leaving the ``with`` block, by an exception too: what happened is kept) commits. A flush
also happens by itself when ``max_pending`` events wait or the oldest has waited
``max_delay`` seconds, checked on append (no timer thread), so a crash mid-turn loses at most
that window of streamed updates, which nobody had acknowledged.

The journal's lock is taken only for each commit, never for the whole batch: the user's
shell events are written while an agent turn is being batched. One owner thread per batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from conch.sessions.pending import PendingEvent, prepare
from conch.sessions.records import JsonObject

Commit = Callable[[list[PendingEvent]], list[int]]
"""Writes prepared events in one transaction and returns their indexes."""


class Batch:
    def __init__(self, session_id: str, commit: Commit, *, max_pending: int, max_delay: float):
        self.session_id = session_id
        self.max_pending = max_pending
        self.max_delay = max_delay
        self.acked_index = -1
        """The index of the last event this batch committed (-1: none yet)."""
        self._commit = commit
        self._pending: list[PendingEvent] = []
        self._oldest = 0.0

    @property
    def pending(self) -> int:
        """Events buffered and not yet committed."""
        return len(self._pending)

    def append(
        self, kind: str, sender: str, payload: JsonObject, shown: JsonObject | None = None
    ) -> None:
        """Buffer an event (its JSON is checked now, so a bad payload fails here).
        ``shown``: the payload before masking, for listeners only (records.Event.shown)."""
        if not self._pending:
            self._oldest = time.monotonic()
        self._pending.append(prepare(kind, sender, payload, shown))
        waited = time.monotonic() - self._oldest
        if len(self._pending) >= self.max_pending or waited >= self.max_delay:
            self.flush()

    def flush(self) -> list[int]:
        """Commit what is buffered (durable on return); returns the indexes it got."""
        if not self._pending:
            return []
        indexes = self._commit(self._pending)
        self._pending = []
        self.acked_index = indexes[-1]
        return indexes

    def __enter__(self) -> Batch:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.flush()
