"""What ``Journal.open`` does around the file: create it private, check it is sound, upgrade
its schema, find or make its root, and note that root in the marker that notices a wiped
journal (locations.py). SQLite's errors about the file come out typed (damage.py)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path

from conch import __version__, private
from conch.sessions import schema
from conch.sessions.damage import COMPANIONS, problems, typed_error
from conch.sessions.errors import JournalDamagedError
from conch.sessions.locations import read_marker, remember_root


def connect(path: Path) -> tuple[sqlite3.Connection, Path | None, str, bool]:
    """The open, upgraded journal at ``path`` (created if missing), the backup made before
    upgrading (None: no upgrade), the root's id and whether this call created the root.

    JournalDamagedError when the file is not a sound database, JournalUnwritableError when it
    cannot be written here (read-only file system, full disk)."""
    private.make_dir(path.parent)
    if not path.exists():
        private.create_file(path)
    try:
        conn = schema.connect(path)
    except sqlite3.Error as error:
        raise typed_error(error, path) or error from error
    try:
        found = problems(conn, path.stat().st_size)
        if found:
            raise JournalDamagedError(path, "; ".join(found).replace("\n", " ")[:300])
        backup = schema.migrate(conn, path)
        root_id, created = ensure_root(conn)
    except sqlite3.Error as error:
        conn.close()
        raise typed_error(error, path) or error from error
    except BaseException:
        conn.close()
        raise
    for file in (path, *(Path(f"{path}{suffix}") for suffix in COMPANIONS)):
        private.restrict(file)  # an older Conch's 0644 (SQLite gives WAL files the db's mode)
    return conn, backup, root_id, created


def ensure_root(conn: sqlite3.Connection) -> tuple[str, bool]:
    """The root's id (and whether this call created it, with the journal's metadata)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT id FROM root").fetchone()
        if row is not None:
            conn.execute("COMMIT")
            return str(row[0]), False
        root_id = uuid.uuid4().hex
        conn.execute(
            "INSERT INTO root (only_row, id, created_at) VALUES (1, ?, ?)", (root_id, time.time())
        )
        conn.execute(
            "INSERT OR REPLACE INTO metadata (key, value) VALUES ('created_by', ?)",
            (f"conch {__version__}",),
        )
        conn.execute("COMMIT")
        return root_id, True
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def remember_root_once(path: Path, root_marker: Path, root_id: str) -> None:
    """Note ``root_id`` in the marker, unless it already names it for ``path``."""
    known = read_marker(root_marker).get(str(path.resolve()), {})
    if known.get("root_id") != root_id:
        remember_root(path, root_marker, root_id)
