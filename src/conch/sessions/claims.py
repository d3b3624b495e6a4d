"""The sessions one Journal writes: the write lock (locking.py) of each, held while claimed.

Appending needs the claim (``require``: ReadOnlySessionError otherwise). Renaming and deleting
take the lock for the moment when it is not held (``for_now``). A new session, created or
forked, is locked before its row exists (``new``), so no other process can claim it first.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from conch.sessions.errors import ReadOnlySessionError
from conch.sessions.locking import SessionLock, is_locked


class Claims:
    """Session id -> its held lock. ``lock`` is the journal's (the one guarding its database)."""

    def __init__(self, locks_dir: Path, lock: threading.RLock) -> None:
        self.locks_dir = locks_dir
        self._lock = lock
        self._held: dict[str, SessionLock] = {}

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._held

    @contextlib.contextmanager
    def new(self, session_id: str) -> Iterator[None]:
        """Lock a session the block creates; claimed if the block succeeds, released if not."""
        lock = SessionLock(self.locks_dir, session_id)
        lock.acquire()
        try:
            yield
        except BaseException:
            lock.release()
            raise
        self._held[session_id] = lock

    def take(self, session_id: str) -> bool:
        """Claim an existing session; False when it already is. SessionBusyError when another
        process (or another Journal) holds it."""
        with self._lock:
            if session_id in self._held:
                return False
            lock = SessionLock(self.locks_dir, session_id)
            lock.acquire()
            self._held[session_id] = lock
            return True

    def release(self, session_id: str) -> None:
        with self._lock:
            lock = self._held.pop(session_id, None)
        if lock is not None:
            lock.release()

    def release_all(self) -> None:
        with self._lock:
            for lock in self._held.values():
                lock.release()
            self._held.clear()

    def require(self, session_id: str) -> None:
        if session_id not in self._held:
            raise ReadOnlySessionError(session_id)

    @contextlib.contextmanager
    def for_now(self, session_id: str) -> Iterator[SessionLock]:
        """The session's lock: ours if we hold it (kept), else taken for the block only."""
        held = self._held.get(session_id)
        lock = held or SessionLock(self.locks_dir, session_id)
        lock.acquire()
        try:
            yield lock
        finally:
            if held is None:
                lock.release()

    def writer_alive(self, session_id: str) -> bool:
        """Whether some Journal (this one or another process's) holds the session's lock."""
        return session_id in self._held or is_locked(self.locks_dir, session_id)
