"""Which session a starting Conch opens: `conch`, `conch --new`, `conch --resume ID`.

`conch` reopens the last session started in this directory (a new one if there is none);
`--new` always starts one; `--resume ID` opens that session (an id or a unique prefix).
A session another process is writing is never opened for writing twice: by default it is
forked (the conversation carries over, the other process keeps its session), or, with
``on_busy="read_only"``, opened to look at. Either way ``note`` says what happened, for the
UI to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from conch.sessions.errors import SessionBusyError
from conch.sessions.journal import Journal
from conch.sessions.records import SessionRecord
from conch.sessions.restore import ShellRestore, plan_shell_restore

OnBusy = Literal["fork", "read_only"]
How = Literal["new", "reopened", "forked", "read_only"]


@dataclass(frozen=True)
class OpenedSession:
    record: SessionRecord
    how: How
    note: str
    """What to tell the user ("" for a plain new session)."""
    shell: ShellRestore | None
    """Where and how to start the new bash of a session that had events (None: a new one)."""

    @property
    def is_writable(self) -> bool:
        return self.how != "read_only"


def open_at_start(
    journal: Journal,
    cwd: str,
    mode: str,
    agent: str,
    *,
    new: bool = False,
    resume: str | None = None,
    on_busy: OnBusy = "fork",
) -> OpenedSession:
    """Open (claim) the session this start asks for. SessionNotFoundError or
    AmbiguousSessionIdError when ``resume`` names no single session."""
    if new:
        return OpenedSession(journal.create_session(cwd, mode, agent), "new", "", None)
    if resume is not None:
        record = journal.get_session(journal.resolve_id(resume))
    else:
        last = journal.last_session_for_cwd(cwd)
        if last is None:
            return OpenedSession(journal.create_session(cwd, mode, agent), "new", "", None)
        record = last
    try:
        claimed = journal.claim(record.id)
    except SessionBusyError as busy:
        return _busy(journal, record, busy, on_busy)
    return OpenedSession(claimed, "reopened", "", _shell(journal, claimed))


def _busy(
    journal: Journal, record: SessionRecord, busy: SessionBusyError, on_busy: OnBusy
) -> OpenedSession:
    who = f"process {busy.holder_pid}" if busy.holder_pid is not None else "another process"
    name = record.title or record.id[:8]
    if on_busy == "read_only":
        note = f"Session {name} is open in {who}: shown read-only here."
        return OpenedSession(record, "read_only", note, None)
    fork = journal.fork(record.id)
    note = f"Session {name} is open in {who}, so this is a fork of it ({fork.id[:8]})."
    return OpenedSession(fork, "forked", note, _shell(journal, fork))


def _shell(journal: Journal, record: SessionRecord) -> ShellRestore | None:
    if journal.last_index(record.id) < 0:
        return None
    return plan_shell_restore(record, journal.events(record.id))
