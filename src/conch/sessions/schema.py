"""The journal's SQL schema as an ordered list of migrations, and how a file is brought up to date.

``PRAGMA user_version`` holds the applied version. Each migration runs in one transaction
together with its version bump, so a failed upgrade leaves the file as it was. Before
upgrading a file that already holds a journal, a copy is made beside it with SQLite's backup
API (``journal.db.v1.bak``). Migrations only ever add: they must never DROP or DELETE
(a test checks the SQL), because users lose sessions to migrations more than to anything else.

Connection settings, and why:

- WAL: readers (``conch sessions``, a read-only second process) never block the writer.
- synchronous=FULL: a commit is on disk when it returns; that is what "acknowledged" means.
- foreign_keys=ON: sessions cannot exist outside the root, events outside their session.
- busy_timeout: two processes sharing the file wait for each other instead of failing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from conch import private
from conch.sessions.errors import JournalTooNewError, NotAJournalError

BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "core tables: root, sessions, events, metadata",
        """
        CREATE TABLE root (
            only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
            id TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL
        );
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            root_id TEXT NOT NULL REFERENCES root(id),
            parent_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
            forked_from_event INTEGER,
            title TEXT,
            created_at REAL NOT NULL,
            last_used_at REAL NOT NULL,
            cwd TEXT NOT NULL,
            mode TEXT NOT NULL,
            agent TEXT NOT NULL,
            agent_session_id TEXT,
            status TEXT NOT NULL DEFAULT 'idle'
                CHECK (status IN ('idle', 'busy', 'error', 'closed'))
        );
        CREATE INDEX sessions_by_cwd ON sessions(cwd, last_used_at);
        CREATE INDEX sessions_by_parent ON sessions(parent_id);
        CREATE TABLE events (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL CHECK (idx >= 0),
            time REAL NOT NULL,
            kind TEXT NOT NULL,
            sender TEXT NOT NULL,
            payload TEXT NOT NULL CHECK (json_valid(payload)),
            PRIMARY KEY (session_id, idx)
        ) WITHOUT ROWID;
        CREATE TABLE metadata (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
    Migration(
        2,
        "blobs: shell outputs over 64 KiB stored once, referenced from their event",
        # Version 1 kept every output inline in its event's JSON: a 7 MB `seq` made one 7 MB
        # row that every rebuild parsed. Old inline outputs stay as they are (never rewritten).
        """
        CREATE TABLE blobs (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX blobs_by_session ON blobs(session_id);
        """,
    ),
    Migration(
        3,
        "an index of events by kind and time: Up/Down history across all sessions",
        # Version 2 could only find every session's typed lines by reading all events.
        """
        CREATE INDEX events_by_kind_time ON events(kind, time);
        """,
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the journal's settings; transactions are explicit (BEGIN/COMMIT)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def backup_path(path: Path, version: int) -> Path:
    """``journal.db.v1.bak``; an existing backup is never overwritten (``.v1.2.bak`` next)."""
    candidate = path.with_name(f"{path.name}.v{version}.bak")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.v{version}.{number}.bak")
        number += 1
    return candidate


def make_backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the whole database (WAL content included) beside it, before it is changed."""
    target = backup_path(path, version)
    private.create_file(target)  # a full copy of every session: as private as the journal
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    return target


def migrate(conn: sqlite3.Connection, path: Path, target: int | None = None) -> Path | None:
    """Bring the database to ``target`` (default: the latest); return the backup made first.

    A brand-new file gets no backup. A file from a newer Conch raises JournalTooNewError, an
    SQLite file of some other program NotAJournalError; neither is changed. Older versions
    are built with ``target`` by the tests that upgrade every past schema.
    """
    target = LATEST_VERSION if target is None else target
    found = user_version(conn)
    if found > LATEST_VERSION:
        raise JournalTooNewError(found, LATEST_VERSION)
    if found == 0 and _has_tables(conn):
        raise NotAJournalError(f"{path} is an SQLite database, but not a Conch session journal")
    if found >= target:
        return None
    backup = make_backup(conn, path, found) if found > 0 else None
    for migration in MIGRATIONS:
        if found < migration.version <= target:
            _apply(conn, migration)
    return backup


def _apply(conn: sqlite3.Connection, migration: Migration) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have upgraded the file while this one waited for the lock.
        if user_version(conn) >= migration.version:
            conn.execute("ROLLBACK")
            return
        for statement in split_statements(migration.sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {migration.version}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def split_statements(sql: str) -> list[str]:
    """Complete statements one by one (``executescript`` would commit the open transaction)."""
    statements: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:60]}")
    return statements


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return int(row[0]) > 0
