"""What the CLI opened for a front end: the journal and the claimed session, or why not.

Plain data and one function that reads the journal, never on an event loop; no Textual here
(the CLI, the TUI and the host all use it).
"""

from __future__ import annotations

from dataclasses import dataclass

from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.startup import OpenedSession
from conch.sessions.views import ConversationView


@dataclass(frozen=True)
class SessionLink:
    """What the CLI opened for the app: the journal and the claimed session, or why not."""

    journal: Journal | None
    opened: OpenedSession | None
    problem: str = ""
    """Why sessions are not being saved ("" when they are)."""
    view: ConversationView | None = None
    """The session's conversation, rebuilt off the event loop (None: nothing to restore)."""
    damage_note: str = ""
    """Where a damaged journal was set aside and what was salvaged ("" when none was)."""


def link_session(journal: Journal, opened: OpenedSession) -> SessionLink:
    """The link for an opened session, its past conversation rebuilt now (about 90 ms for
    10,000 events): call it before the app runs or from a thread, never on the event loop."""
    session_id = opened.record.id
    view = None
    if journal.last_index(session_id) >= 0:
        view = rebuild_conversation(journal.events(session_id))
    return SessionLink(journal, opened, view=view)
