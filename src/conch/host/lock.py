"""One host per user per machine: an flock that dies with its process.

A second ``conch host`` finds the lock taken and says which pid holds it. A
host killed with -9 leaves its socket file behind but not its lock, so the
next host knows the socket is stale and may replace it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class HostAlreadyRunning(RuntimeError):
    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        super().__init__(f"a Conch host is already running (pid {pid or 'unknown'})")


class HostLock:
    """Held for the host's whole life; its file holds the host's pid."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_pid(self.path)
            os.close(fd)
            raise HostAlreadyRunning(holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)


def read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def is_held(path: Path) -> bool:
    """Whether a live host holds the lock (without taking it for long)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
