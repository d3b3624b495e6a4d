"""A journal file that is damaged or cannot be written: telling which, and setting it aside.

SQLite says what went wrong in its error code: CORRUPT and NOTADB mean the file itself is bad
(cut short, bytes overwritten, not a database at all); READONLY, CANTOPEN, PERM and FULL mean
the file may be fine but cannot be written here. The first kind is moved aside untouched
(renamed with the date, its WAL beside it) so a new journal can start and the old one can be
salvaged (salvage.py); the second is only reported. This module never deletes or edits a file.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from conch.sessions.errors import JournalDamagedError, JournalError, JournalUnwritableError

_DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_UNWRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_FULL", "SQLITE_IOERR")
FULL_CHECK_BYTES = 32_000_000
COMPANIONS = ("-wal", "-shm")
"""The files SQLite keeps beside a database in WAL mode; they move with it."""


def is_damage(error: BaseException) -> bool:
    """Whether SQLite refused the file itself (not the directory, not the disk)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return isinstance(error, sqlite3.DatabaseError) and name.startswith(_DAMAGE)


def typed_error(error: sqlite3.Error, path: Path) -> JournalError | None:
    """The journal error ``error`` means for ``path`` (None: not about the file or its disk)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if is_damage(error):
        return JournalDamagedError(path, str(error))
    if name.startswith(_UNWRITABLE):
        return JournalUnwritableError(path, str(error))
    return None


def problems(conn: sqlite3.Connection, size: int) -> list[str]:
    """What ``PRAGMA quick_check`` finds wrong ([] when the file is sound); it catches bytes
    overwritten in the middle, which opening alone does not.

    The whole check follows every stored output's page chain: 135 ms for an 81 MB journal
    here, too slow for every start. So the tables of sessions and events are always checked
    (12 ms for 5,000 events), the stored outputs only in a journal of up to FULL_CHECK_BYTES;
    a damaged output in a bigger one is found when it is read (``read_blob`` says so)."""
    wanted = ["root", "sessions", "events", "metadata"]
    if size <= FULL_CHECK_BYTES:
        wanted.append("blobs")
    found: list[str] = []
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        for table in (name for name in wanted if name in names):  # older schemas have fewer
            rows = conn.execute(f"PRAGMA quick_check({table})").fetchall()
            found += [str(row[0]) for row in rows if row[0] != "ok"]
    except sqlite3.DatabaseError as error:
        if is_damage(error):
            return [str(error)]
        raise
    return found[:5]


def set_aside(path: Path) -> Path:
    """Rename ``path`` (and its WAL files) to ``<name>.damaged-<date>``; returns the new path.

    Renaming keeps every byte as it was, for salvage or for a bug report."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 2
    while target.exists():
        target = path.with_name(f"{path.name}.damaged-{stamp}.{number}")
        number += 1
    os.rename(path, target)
    for suffix in COMPANIONS:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.rename(companion, Path(f"{target}{suffix}"))
    return target
