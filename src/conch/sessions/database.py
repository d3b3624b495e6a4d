"""The journal's one SQLite connection, shared by threads under a re-entrant lock.

The lock is held for one query (``read``) or one transaction (``write``), never for longer
(never for a whole batch), so the app may read and append from its UI thread and from workers.
The Journal owns one; the modules that read for it (session_queries, event_reads) go through it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any


class Database:
    """A connection and the lock that guards it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.RLock()
        """Also guards the Journal's claims and listeners (listeners run in commit order)."""

    def read(self, sql: str, values: tuple[Any, ...] = ()) -> list[Any]:
        with self.lock:
            return self.conn.execute(sql, values).fetchall()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (durably) when the block ends."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self.lock:
            self.conn.close()
