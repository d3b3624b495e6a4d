"""Reading events besides a session's stream in order (``Journal.events``): the input history
of every session, a session's last index, outputs stored by reference (blobs), and the few
kinds crash recovery looks at. Part of the Journal (a mixin); reading needs no claim."""

from __future__ import annotations

import json
import sqlite3

from conch.history import HistoryEntry
from conch.sessions import events as ev
from conch.sessions.damage import is_damage
from conch.sessions.database import Database
from conch.sessions.errors import BlobNotFoundError
from conch.sessions.records import Event
from conch.sessions.rows import EVENT_COLUMNS, event_record


class EventReads:
    """The Journal's event reads, other than ``events``."""

    _db: Database

    def input_history(self, limit: int) -> list[HistoryEntry]:
        """The last ``limit`` lines typed in any session, oldest first (Up/Down, Ctrl+R)."""
        rows = self._db.read(
            "SELECT time, payload FROM events WHERE kind = ? ORDER BY time DESC LIMIT ?",
            (ev.USER_INPUT, limit),
        )
        entries = []
        for at, payload in reversed(rows):
            data = json.loads(payload)
            entries.append(HistoryEntry(str(data.get("text", "")), str(data.get("mode", "")),
                                        str(data.get("cwd", "")), float(at)))  # fmt: skip
        return entries

    def last_index(self, session_id: str) -> int:
        """The index of the session's last event (-1 when it has none)."""
        rows = self._db.read("SELECT max(idx) FROM events WHERE session_id = ?", (session_id,))
        return -1 if rows[0][0] is None else int(rows[0][0])

    def read_blob(self, ref: int) -> str:
        """The full text of an output stored by reference (``OutputRef.ref``); a line saying
        so when its pages are damaged (a big journal's outputs are not checked at open)."""
        try:
            rows = self._db.read("SELECT data FROM blobs WHERE id = ?", (ref,))
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            return (
                f"[this output is in a damaged part of the journal and cannot be read: {error}]\n"
            )
        if not rows:
            raise BlobNotFoundError(ref)
        return bytes(rows[0][0]).decode("utf-8", errors="replace")

    def _events_of_kinds(self, session_id: str, kinds: tuple[str, ...]) -> list[Event]:
        marks = ", ".join("?" for _ in kinds)
        rows = self._db.read(
            f"SELECT {EVENT_COLUMNS} FROM events "
            f"WHERE session_id = ? AND kind IN ({marks}) ORDER BY idx",
            (session_id, *kinds),
        )
        return [event_record(session_id, row) for row in rows]
