"""The plain records the journal hands out: sessions, events, list entries.

Frozen and free of SQLite, so projections and front ends can use them without a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
JsonObject: TypeAlias = dict[str, JsonValue]

SessionStatus = Literal["idle", "busy", "error", "closed"]
"""idle: nothing running. busy: an agent turn runs. error: the last turn failed.
closed: the user ended the session on purpose (it is kept, but not reopened by default)."""

STATUSES: tuple[SessionStatus, ...] = ("idle", "busy", "error", "closed")


@dataclass(frozen=True)
class SessionRecord:
    """One row of the sessions table."""

    id: str
    root_id: str
    """The journal's root: every session belongs to it (no orphans)."""
    title: str | None
    """Set by the user (rename); None until then (lists show the first input instead)."""
    created_at: float
    last_used_at: float
    """Updated by every committed event and by ``touch``."""
    cwd: str
    """The directory the session belongs to (where it was started). It does not follow
    ``cd``: the shell's current directory is a projection of the events."""
    mode: str
    """The input mode (auto, shell, agent), kept up to date by mode_change events."""
    agent: str
    agent_session_id: str | None
    """The agent's own session id, for ACP session/load after a restart."""
    parent_id: str | None
    """The session this one was forked from (None: not a fork, or its parent was deleted)."""
    forked_from_event: int | None
    """The last event index copied from the parent."""
    status: SessionStatus


@dataclass(frozen=True)
class Event:
    """One journal entry. ``idx`` counts from 0 per session, with no gaps."""

    session_id: str
    idx: int
    time: float
    kind: str
    sender: str
    payload: Mapping[str, Any]
    shown: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """What the user's own screens show where it differs from ``payload``: the payload before
    its secrets were masked. Only on an event just committed (a journal listener's), never
    stored nor read back: a restart shows ``payload``."""


@dataclass(frozen=True)
class SessionSummary:
    """A session list entry: the record plus what its events say."""

    record: SessionRecord
    event_count: int
    first_input: str
    """The first thing the user typed (empty when nothing was typed yet)."""

    @property
    def display_title(self) -> str:
        """The title, else the first input shortened to one line, else ``(empty)``."""
        if self.record.title:
            return self.record.title
        line = self.first_input.strip().splitlines()[0] if self.first_input.strip() else ""
        if not line:
            return "(empty)"
        return line if len(line) <= 60 else line[:59] + "…"
