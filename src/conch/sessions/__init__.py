"""Sessions that survive anything: an append-only SQLite journal and the views rebuilt from it.

Everything that happens in a session (user input, shell commands and their output, agent
prompts and updates, permission decisions, mode and cwd changes) is appended to the journal
as an event; the conversation, the history and the session list are projections of those
events. This package is the logic layer only: it must never import Textual, so other front
ends (the CLI, a future web view) reuse it unchanged.

Modules, one job each:

- ``locations``: where the journal lives, and the marker that notices a wiped journal.
- ``schema``: versioned migrations (``PRAGMA user_version``), backups before upgrading.
- ``journal``: the store itself, a facade (sessions, events, claims, forks); ``records`` and
  ``errors`` are what it hands out and raises. Its parts:
  - ``opening``: creating the file, upgrading it, finding or making its root.
  - ``database``: the one SQLite connection and the lock threads share it under.
  - ``session_queries`` / ``event_reads``: reading sessions (list, search, forks); reading
    events (input history, last index, blobs).
  - ``event_writes``: inserting events and their blobs in a transaction.
  - ``claims``: the sessions this journal writes, and their locks.
  - ``metadata``: the metadata table and the recorded storage loss. ``rows``: rows -> records.
- ``pending`` / ``batch``: an event on its way in (big outputs become blobs); one commit per
  agent turn.
- ``locking``: one writer per session across processes (``flock``).
- ``interruptions`` / ``forking``: closing what a dead writer left open; copying for a fork.
- ``events`` / ``codec``: event kinds, payload builders, dataclass <-> JSON.
- ``projections`` / ``views``: events folded into the conversation and history views;
  ``projections`` gathers ``conversation_projection`` (with ``turn_builder``, one open agent
  turn) and ``history_projection``.
- ``replay`` / ``restore`` / ``environment``: what a fresh agent and a fresh shell get back.
- ``startup``: which session `conch`, `conch --new` and `conch --resume ID` open.
- ``export``: a session as Markdown. ``turn_queue``: prompts of one session never overlap.
- ``damage`` / ``salvage``: telling a damaged journal file from an unwritable one, setting a
  damaged one aside untouched, and copying what it still holds into a new journal.
- ``pruning``: each session's size, and dropping old sessions' stored outputs (tails kept).
"""

from conch.sessions.batch import Batch
from conch.sessions.errors import (
    JournalError,
    ReadOnlySessionError,
    SessionBusyError,
    SessionNotFoundError,
)
from conch.sessions.journal import Journal
from conch.sessions.records import Event, SessionRecord, SessionSummary

__all__ = [
    "Batch",
    "Event",
    "Journal",
    "JournalError",
    "ReadOnlySessionError",
    "SessionBusyError",
    "SessionNotFoundError",
    "SessionRecord",
    "SessionSummary",
]
