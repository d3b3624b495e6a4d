"""Typed errors of the session journal, so callers can choose what to do (read-only, fork, ask).

Every error says what happened and, where there is one, what the user can do about it.
"""

from __future__ import annotations


class JournalError(Exception):
    """Base class: anything the journal refuses or cannot do."""


class SessionNotFoundError(JournalError):
    def __init__(self, session_id: str) -> None:
        super().__init__(f"no session {session_id!r} in the journal")
        self.session_id = session_id


class AmbiguousSessionIdError(JournalError):
    """A shortened id matched more than one session."""

    def __init__(self, prefix: str, matches: list[str]) -> None:
        listed = ", ".join(matches[:5])
        super().__init__(f"{prefix!r} matches {len(matches)} sessions ({listed}); type more of it")
        self.prefix = prefix
        self.matches = matches


class SessionBusyError(JournalError):
    """Another process (or another Journal in this one) writes this session.

    The caller can open it read-only (just read, do not claim) or fork it.
    """

    def __init__(self, session_id: str, holder_pid: int | None) -> None:
        who = f"process {holder_pid}" if holder_pid is not None else "another process"
        super().__init__(
            f"session {session_id} is open for writing in {who}; open it read-only or fork it"
        )
        self.session_id = session_id
        self.holder_pid = holder_pid


class ReadOnlySessionError(JournalError):
    """A write to a session this journal has not claimed (so someone else may be writing it)."""

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"session {session_id} is read-only here: claim it first (or fork it) to write"
        )
        self.session_id = session_id


class SessionHasForksError(JournalError):
    """Deleting a session that forks point to, without saying what happens to them."""

    def __init__(self, session_id: str, fork_ids: list[str]) -> None:
        super().__init__(
            f"session {session_id} has {len(fork_ids)} fork(s) ({', '.join(fork_ids[:5])}); "
            "pass detach_forks=True to keep them as sessions of their own"
        )
        self.session_id = session_id
        self.fork_ids = fork_ids


class JournalTooNewError(JournalError):
    """The file was written by a newer Conch: this one must not touch it."""

    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"the session journal has schema version {found}, newer than this Conch supports "
            f"({supported}); upgrade Conch. The file was not changed."
        )
        self.found = found
        self.supported = supported


class NotAJournalError(JournalError):
    """The path holds an SQLite database that is not a Conch journal."""


class JournalDamagedError(JournalError):
    """The file cannot be read as a journal any more (cut short, overwritten, not SQLite).

    Conch sets such a file aside untouched and starts a new one (damage.py, salvage.py)."""

    def __init__(self, path: object, detail: str) -> None:
        super().__init__(f"the session journal {path} is damaged ({detail})")
        self.path = path
        self.detail = detail


class JournalUnwritableError(JournalError):
    """The journal cannot be written: a read-only file system, no permission, a full disk."""

    def __init__(self, path: object, detail: str) -> None:
        super().__init__(f"the session journal {path} cannot be written ({detail})")
        self.path = path
        self.detail = detail


class BlobNotFoundError(JournalError):
    def __init__(self, ref: int) -> None:
        super().__init__(f"no stored output {ref} in the journal")
        self.ref = ref
