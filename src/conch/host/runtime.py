"""Where the host's socket, lock and log live, made private before anything is put there.

The socket lives in ``$XDG_RUNTIME_DIR/conch/`` (a per-user tmpfs that the
login manager already keeps at 0700), or, without one, in a private directory
under the temp dir named for the uid. Either way the directory is created 0700
and refused if it is someone else's or readable by others: another user who
could put a socket there first would receive the user's keystrokes.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from conch import paths

SOCKET_NAME = "host.sock"
LOCK_NAME = "host.lock"


class RuntimeDirError(RuntimeError):
    """The runtime directory is not private to this user; nothing is started in it."""


@dataclass(frozen=True)
class HostPlaces:
    """Every path the host and its clients agree on."""

    directory: Path
    socket: Path
    lock: Path
    log: Path


def runtime_dir() -> Path:
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    if base and os.path.isabs(base) and os.path.isdir(base):
        return Path(base) / "conch"
    return Path(tempfile.gettempdir()) / f"conch-{os.getuid()}"


def host_places() -> HostPlaces:
    directory = runtime_dir()
    return HostPlaces(
        directory, directory / SOCKET_NAME, directory / LOCK_NAME, paths.state_dir() / "host.log"
    )


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` 0700, or check that the existing one is ours and private."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.lstat()
    except OSError as error:
        raise RuntimeDirError(f"cannot create {directory}: {error.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise RuntimeDirError(f"{directory} is not a directory")
    if info.st_uid != os.getuid():
        raise RuntimeDirError(f"{directory} belongs to uid {info.st_uid}, not to you")
    if info.st_mode & 0o077:
        # Ours, but left open (an old umask, a copy): close it rather than refuse.
        directory.chmod(0o700)
