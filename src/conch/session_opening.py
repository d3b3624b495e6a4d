"""Before the app starts: open the journal and claim the session this start asks for; the
host's start opens the journal the same way (``open_journal``).

Done outside the event loop (a migration, a backup or a salvage may take a moment). A
journal that cannot be opened does not stop Conch: a damaged one is set aside untouched
(renamed with the date), a new one is started with what could be salvaged from it, and the
app says so with the path; one that cannot be written (a read-only file system, a full disk)
leaves Conch running unsaved, saying why. Only a ``--resume`` that names no session is an
error, because the user asked for something that is not there.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import sys
from pathlib import Path

from conch.config import LoadedConfig
from conch.session_link import SessionLink, link_session
from conch.sessions.damage import is_damage, set_aside
from conch.sessions.errors import (
    AmbiguousSessionIdError,
    JournalDamagedError,
    JournalError,
    JournalUnwritableError,
    SessionNotFoundError,
)
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path, remember_root, root_marker_path
from conch.sessions.salvage import salvage
from conch.sessions.startup import open_at_start


class SessionChoiceError(Exception):
    """``--resume ID`` names no single session."""


@dataclasses.dataclass(frozen=True)
class OpenedJournal:
    """The journal at start, or why sessions are not saved; where a damaged one went."""

    journal: Journal | None
    problem: str = ""
    """Why sessions are not being saved ("" when they are)."""
    damage_note: str = ""
    """Where a damaged journal was set aside and what was salvaged ("" when none was)."""


def open_journal(path: Path, restart: str = "restart Conch") -> OpenedJournal:
    """The journal at ``path``; a damaged one set aside and salvaged into a new one. Never
    raises: a journal that cannot be opened or written is a ``problem`` (``restart``: what
    the user restarts once it is fixed)."""
    try:
        return OpenedJournal(Journal.open(path, root_marker=root_marker_path()))
    except JournalDamagedError as damaged:
        return start_afresh(path, damaged, restart)
    except (JournalError, OSError) as error:
        return OpenedJournal(None, unsaved(path, error, restart))


@dataclasses.dataclass(frozen=True)
class _Start:
    cwd: str
    mode: str
    agent: str
    new: bool
    resume: str | None


def open_session(
    cwd: str, loaded: LoadedConfig, agent: str | None, *, new: bool, resume: str | None
) -> SessionLink:
    path = journal_path()
    start = _Start(cwd, loaded.config.ui.default_mode, agent or loaded.config.agent.default or "",
                   new, resume)  # fmt: skip
    try:
        return _open(path, start, Journal.open(path, root_marker=root_marker_path()))
    except JournalDamagedError as damaged:
        return _start_afresh(path, start, damaged)
    except JournalError as error:
        return SessionLink(None, None, unsaved(path, error))
    except OSError as error:
        return SessionLink(None, None, unsaved(path, error))


def _open(path: Path, start: _Start, journal: Journal) -> SessionLink:
    """Claim and rebuild the session; damage found while reading comes out typed."""
    try:
        opened = open_at_start(journal, start.cwd, start.mode, start.agent, new=start.new,
                               resume=start.resume)  # fmt: skip
        return link_session(journal, opened)
    except (SessionNotFoundError, AmbiguousSessionIdError) as error:
        journal.close()
        raise SessionChoiceError(f"{error} (see `conch sessions`)") from error
    except sqlite3.DatabaseError as error:
        journal.close()
        if is_damage(error):
            raise JournalDamagedError(path, str(error)) from error
        raise JournalUnwritableError(path, str(error)) from error
    except BaseException:
        journal.close()
        raise


def _start_afresh(path: Path, start: _Start, damaged: JournalDamagedError) -> SessionLink:
    """Set the damaged file aside, start a new journal, salvage into it, open the session."""
    fresh = start_afresh(path, damaged)
    if fresh.journal is None:
        return SessionLink(None, None, fresh.problem)
    try:
        link = _open(path, start, fresh.journal)
    except JournalError as error:
        return SessionLink(None, None, unsaved(path, error), damage_note=fresh.damage_note)
    return dataclasses.replace(link, damage_note=fresh.damage_note)


def start_afresh(
    path: Path, damaged: JournalDamagedError, restart: str = "restart Conch"
) -> OpenedJournal:
    """Set the damaged file aside, start a new journal and salvage the old one into it."""
    try:
        aside = set_aside(path)
    except OSError as error:
        problem = unsaved(path, f"{damaged}; setting it aside failed: {error}", restart)
        return OpenedJournal(None, problem)
    try:
        journal = Journal.open(path)  # no marker check: this new root replaces a damaged one
        remember_root(path, root_marker_path(), journal.root_id)
    except (JournalError, OSError) as error:
        return OpenedJournal(None, unsaved(path, error, restart))
    # Salvaging takes about 4 s for an 81 MB journal: say why the screen is still empty.
    print(f"conch: {damaged}; it was set aside as {aside}, salvaging what it holds…",
          file=sys.stderr)  # fmt: skip
    try:
        salvaged = salvage(aside, journal).summary
    except (sqlite3.Error, OSError) as error:
        salvaged = f"nothing could be salvaged ({error})"
    note = (
        f"The session journal was damaged ({damaged.detail[:120]}). It was set aside untouched "
        f"as {aside} and a new journal started: {salvaged}."
    )
    return OpenedJournal(journal, damage_note=note)


def unsaved(path: Path, error: object, restart: str = "restart Conch") -> str:
    """Why this run is not saved, and what to do about it (``restart``: what to restart)."""
    if isinstance(error, JournalUnwritableError | OSError):
        detail = error.detail if isinstance(error, JournalUnwritableError) else error.strerror
        return (
            f"Sessions are not being saved: the journal {path} cannot be written here "
            f"({detail}). Nothing was changed; make it writable (or free some space) "
            f"and {restart}."
        )
    return (
        f"Sessions are not being saved: the journal {path} could not be opened ({error}). "
        "Move it aside to start a new one; Conch did not change it."
    )
