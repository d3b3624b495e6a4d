"""One writer per session, across processes: an ``flock`` on ``locks/<session id>.lock``.

Two Conch processes appending to one session would interleave their event indexes and
their turns; users of other tools lost sessions that way. The lock is taken when a process
claims a session for writing and held until it lets go. The operating system drops it when the
process dies, kill -9 included, so a crash never leaves a session locked.

``flock`` locks belong to an open file description: a second ``open`` of the same file, even in
the same process, conflicts with the first. That is deliberate: two Journal objects in one
process are two writers too.

The holder writes its pid into the file, so the refusal can say who holds the session. Lock
files are kept (deleting one while another process waits on it would let two processes each
lock a different file of the same name); the journal removes a session's file when it deletes
the session, while holding its lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from conch import private
from conch.sessions.errors import SessionBusyError


class SessionLock:
    """The write lock of one session; ``acquire`` raises SessionBusyError if it is held."""

    def __init__(self, locks_dir: Path, session_id: str) -> None:
        self.path = locks_dir / f"{session_id}.lock"
        self.session_id = session_id
        self._fd: int | None = None

    @property
    def is_held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock now or raise SessionBusyError (never waits)."""
        if self._fd is not None:
            return
        private.make_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SessionBusyError(self.session_id, read_holder_pid(self.path)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the last descriptor drops the flock

    def remove_file(self) -> None:
        """Delete the lock file (only while holding it: the session is being deleted)."""
        if self._fd is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def read_holder_pid(path: Path) -> int | None:
    """The pid the holder wrote, or None (not written yet, or unreadable)."""
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def is_locked(locks_dir: Path, session_id: str) -> bool:
    """Whether some process (this one included) holds the session's write lock right now."""
    probe = SessionLock(locks_dir, session_id)
    try:
        probe.acquire()
    except SessionBusyError:
        return True
    probe.release()
    return False
