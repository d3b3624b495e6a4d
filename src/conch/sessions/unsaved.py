"""Sessions that go on after the journal could not save them (a full disk): their events are
kept in memory and told to the journal's listeners as if committed, with the indexes that
follow the last saved one.

The app stops recording when a write fails and says so; what is on its screen stays. A host
has no screen of its own: its windows see only what the journal tells its listeners, so a
session the disk cannot take any more must still be told, or every window goes blank while
the command runs on. The Journal turns this on only when given an ``UnsavedSessions`` (the
host does); then the first failed write of a session is its last: ``on_stopped`` is called
once (under the journal's lock: hop elsewhere before doing anything slow), and everything
after lives here until the session is released. Kept whole in memory: a full disk is rare and
short, and a window that attaches meanwhile must get all of it. No Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from conch.sessions.event_writes import EventRow
from conch.sessions.pending import PendingEvent, dumps
from conch.sessions.records import Event, JsonObject
from conch.sessions.rows import event_record

_STORED_ONLY = ("size", "tail", "lines")
"""A big output's fields in the journal, in place of its text (which is kept here)."""


@dataclass
class _Session:
    next_index: int
    rows: list[EventRow] = field(default_factory=list)


class UnsavedSessions:
    def __init__(self, on_stopped: Callable[[str, BaseException], None] | None = None) -> None:
        self.on_stopped = on_stopped
        """Told once per session, with the error, when its saving stopped."""
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def has(self, session_id: str) -> bool:
        return session_id in self._sessions

    def stop_saving(
        self, session_id: str, next_index: int, error: BaseException, pending: list[PendingEvent]
    ) -> list[EventRow]:
        """The write of ``pending`` failed with ``error``: from now on the session lives
        here, starting with those events."""
        with self._lock:
            self._sessions[session_id] = _Session(next_index)
        told = self.on_stopped
        if told is not None:
            told(session_id, error)
        return self.keep(session_id, pending)

    def keep(self, session_id: str, pending: list[PendingEvent]) -> list[EventRow]:
        """``pending`` kept, not saved; their rows, with the indexes they got."""
        with self._lock:
            session = self._sessions[session_id]
            rows = []
            for item in pending:
                rows.append((session_id, session.next_index, item.time, item.kind, item.sender,
                             _json(item)))  # fmt: skip
                session.next_index += 1
            session.rows.extend(rows)
        return rows

    def events(self, session_id: str, after_index: int) -> Iterator[Event]:
        with self._lock:
            session = self._sessions.get(session_id)
            rows = [row for row in session.rows if row[1] > after_index] if session else []
        for row in rows:
            yield event_record(session_id, row[1:])

    def forget(self, session_id: str) -> None:
        """The session was released: a writer that opens it again saves again."""
        with self._lock:
            self._sessions.pop(session_id, None)


def _json(item: PendingEvent) -> str:
    if item.text is not None:
        return item.text
    assert item.blob is not None  # a big output: its text in full, as no blob stores it
    payload: JsonObject = {k: v for k, v in item.payload.items() if k not in _STORED_ONLY}
    payload["text"] = item.blob.decode("utf-8", errors="replace")
    return dumps(payload)
