"""Copying a session's events into a new fork, inside the journal's write transaction.

A fork holds its own copies of events 0..cut (indexes kept), and of the outputs they
reference, so it stays whole when its parent is deleted, and forking a fork is the same
operation. The agent's session is not shared: the fork's first prompt starts a new one and
gets a bounded replay (replay.py).
"""

from __future__ import annotations

import json
import sqlite3
import time

from conch.sessions import events as ev
from conch.sessions.errors import BlobNotFoundError
from conch.sessions.interruptions import closing_events
from conch.sessions.pending import PendingEvent, dumps, prepare
from conch.sessions.records import Event, SessionRecord

FORK_CUT_NOTE = (
    "This turn was still running where the fork was made; in the fork it is interrupted."
)


def copy_for_fork(
    conn: sqlite3.Connection,
    parent: SessionRecord,
    fork_id: str,
    at_index: int | None,
    title: str | None,
) -> list[PendingEvent]:
    """Insert the fork's row and copied events; return the events still to append after them
    (interrupted ends for what was open at the cut, and the "forked from" notice)."""
    last = conn.execute(
        "SELECT max(idx) FROM events WHERE session_id = ?", (parent.id,)
    ).fetchone()[0]
    last = -1 if last is None else int(last)
    cut = last if at_index is None else at_index
    if not -1 <= cut <= last:
        raise ValueError(f"cannot fork at event {cut}: the session has events 0..{last}")
    rows = conn.execute(
        "SELECT idx, time, kind, sender, payload FROM events "
        "WHERE session_id = ? AND idx <= ? ORDER BY idx",
        (parent.id, cut),
    ).fetchall()
    now = time.time()
    if title is None and parent.title:
        title = f"{parent.title} (fork)"
    conn.execute(
        "INSERT INTO sessions (id, root_id, title, created_at, last_used_at, cwd, mode, agent, "
        "agent_session_id, parent_id, forked_from_event, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, 'idle')",
        (fork_id, parent.root_id, title, now, now, parent.cwd, parent.mode, parent.agent,
         parent.id, cut),
    )  # fmt: skip
    copies: list[tuple[str, int, float, str, str, str]] = []
    copied: list[Event] = []
    mode = ""
    for idx, at, kind, sender, text in rows:
        payload = json.loads(text)
        if kind == ev.SHELL_OUTPUT and "ref" in payload:
            payload["ref"] = _copy_blob(conn, int(payload["ref"]), fork_id)
            text = dumps(payload)
        elif kind == ev.MODE_CHANGE:
            mode = str(payload.get("mode", "")) or mode
        copies.append((fork_id, idx, at, kind, sender, text))
        copied.append(Event(fork_id, idx, at, kind, sender, payload))
    conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", copies)
    if mode:
        conn.execute("UPDATE sessions SET mode = ? WHERE id = ?", (mode, fork_id))
    name = parent.title or parent.id[:8]
    where = f"event {cut}" if cut >= 0 else "its start"
    forked = prepare(ev.NOTICE, ev.CONCH, ev.notice(f"Forked from {name} at {where}."))
    return [*closing_events(copied, "forked", FORK_CUT_NOTE), forked]


def _copy_blob(conn: sqlite3.Connection, ref: int, session_id: str) -> int:
    cursor = conn.execute(
        "INSERT INTO blobs (session_id, size, sha256, data) "
        "SELECT ?, size, sha256, data FROM blobs WHERE id = ?",
        (session_id, ref),
    )
    if cursor.rowcount == 0:
        raise BlobNotFoundError(ref)
    return int(cursor.lastrowid or 0)
