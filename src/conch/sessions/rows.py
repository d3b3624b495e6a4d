"""Table rows -> the records the journal hands out (records.py), and the cwd form it stores."""

from __future__ import annotations

import json
import os
from typing import Any

from conch.sessions.records import Event, SessionRecord

SESSION_COLUMNS = (
    "id, root_id, title, created_at, last_used_at, cwd, mode, agent, agent_session_id, "
    "parent_id, forked_from_event, status"
)
"""The sessions columns ``session_record`` reads, in SessionRecord's order."""

EVENT_COLUMNS = "idx, time, kind, sender, payload"
"""The events columns ``event_record`` reads (the session id is known to the query)."""


def session_record(row: Any) -> SessionRecord:
    (sid, root_id, title, created, used, cwd, mode, agent, agent_session, parent, forked_from,
     status) = row  # fmt: skip
    return SessionRecord(
        str(sid), str(root_id), title, float(created), float(used), str(cwd), str(mode),
        str(agent), agent_session, parent, forked_from, status,
    )  # fmt: skip


def event_record(session_id: str, row: Any) -> Event:
    idx, at, kind, sender, payload = row
    return Event(session_id, idx, at, kind, sender, json.loads(payload))


def directory(cwd: str) -> str:
    """``cwd`` as the sessions table keeps it: absolute, ``~`` expanded."""
    return os.path.abspath(os.path.expanduser(cwd))
