"""Files and directories only their owner can read: everything Conch writes for itself.

The journal holds whole conversations and command outputs; spool files, logs, crash reports
and the input history are no less private. So Conch's own files are 0600 and its directories
0700 whatever the umask (the mode is given at creation, and a looser file left by an older
Conch is tightened when it is opened). Files an agent writes into the user's project are not
Conch's and keep the user's umask: they never come through here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_dir(path: Path, *, tighten_existing: bool = True) -> Path:
    """``mkdir -p`` with every directory it creates private. ``path`` itself is Conch's own,
    so it is tightened if it exists already (unless ``tighten_existing`` is False); existing
    parents (``~/.local``) are left alone, and so is a shared directory such as /tmp."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another process
        os.chmod(directory, DIR_MODE)  # mkdir's mode is masked by the umask; 0700 is exact
    if tighten_existing and not is_shared_dir(path):
        restrict(path)
    return path


def is_shared_dir(path: Path) -> bool:
    """A directory others use too (sticky, like /tmp, or not ours): never Conch's to close.
    Tightening /tmp once locked every other user and service out of it."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return bool(info.st_mode & stat.S_ISVTX) or info.st_uid != os.getuid()


def create_file(path: Path) -> None:
    """Create ``path`` empty and private if it does not exist (never truncates)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    restrict(path)


def open_append(path: Path) -> BinaryIO:
    """``path`` opened for appending bytes, created private (its folder is made if missing,
    and never tightened: the file may live in a folder that is not Conch's)."""
    make_dir(path.parent, tighten_existing=False)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    restrict(path)
    return os.fdopen(fd, "ab")


def open_new_text(path: Path) -> int:
    """A descriptor for a new private file at ``path`` (FileExistsError if it exists); its
    folder is made if missing and never tightened."""
    make_dir(path.parent, tighten_existing=False)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)


def restrict(path: Path) -> None:
    """Take group and other permissions off ``path`` if it has any (a file of an older Conch,
    or a umask of 0)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except OSError:
        return  # gone, or on a read-only file system: tightening is best effort
