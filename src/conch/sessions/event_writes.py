"""Writing events in the journal's open transaction: their indexes, their blobs, the session's
``last_used_at`` and mode. Committing (and telling listeners) is the Journal's part."""

from __future__ import annotations

import hashlib
import sqlite3

from conch.sessions import events as ev
from conch.sessions.pending import PendingEvent

EventRow = tuple[str, int, float, str, str, str]
"""An events row as written: session id, index, time, kind, sender, payload JSON."""


def insert_events(
    conn: sqlite3.Connection, session_id: str, pending: list[PendingEvent]
) -> list[EventRow]:
    """Write the events (and their blobs) in the open transaction; returns the rows."""
    if not pending:
        return []
    row = conn.execute("SELECT max(idx) FROM events WHERE session_id = ?", (session_id,)).fetchone()
    first = 0 if row[0] is None else int(row[0]) + 1
    rows: list[EventRow] = []
    mode: str | None = None
    for offset, item in enumerate(pending):
        text = item.text
        if item.blob is not None:
            cursor = conn.execute(
                "INSERT INTO blobs (session_id, size, sha256, data) VALUES (?, ?, ?, ?)",
                (session_id, len(item.blob), hashlib.sha256(item.blob).hexdigest(), item.blob),
            )
            text = item.json_with_ref(int(cursor.lastrowid or 0))
        assert text is not None
        rows.append((session_id, first + offset, item.time, item.kind, item.sender, text))
        if item.kind == ev.MODE_CHANGE:
            mode = str(item.payload.get("mode", "")) or mode
    conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.execute(
        "UPDATE sessions SET last_used_at = max(last_used_at, ?), mode = coalesce(?, mode) "
        "WHERE id = ?",
        (pending[-1].time, mode, session_id),
    )
    return rows
