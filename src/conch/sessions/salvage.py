"""Salvage: copy what can still be read from a damaged journal file into a working journal.

The damaged file is never written: it is copied (with its WAL) into a private temporary
directory and read from there. SQLite stops a query at the first bad page, so rows are read
in key order and a read that fails steps over one key and tries again; a run of
``MAX_GAP`` unreadable keys ends the walk. Each readable session comes back under its own id
with the events that could be read, in order (one with none is left out); an output whose
stored body is unreadable keeps its last characters and says it was cut. Sessions the
journal already has (salvaged before) are skipped, so salvaging twice adds nothing.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conch.sessions import events as ev
from conch.sessions.damage import COMPANIONS
from conch.sessions.journal import Journal
from conch.sessions.pending import PendingEvent, prepare
from conch.sessions.records import SessionRecord
from conch.sessions.rows import SESSION_COLUMNS, session_record

MAX_GAP = 5000
"""Unreadable keys in a row after which a walk gives up (a whole damaged tree)."""
PAGE = 500
SQLITE_MAGIC = b"SQLite format 3\0"
PAGE_SIZE = 4096
LOST_OUTPUT = "[the start of this output was in a damaged part of the journal and is lost]\n"


@dataclass(frozen=True)
class SalvageReport:
    source: Path
    sessions: int
    """Sessions copied into the journal."""
    events: int
    """Their events."""
    already_there: int
    """Sessions the journal already had (an earlier salvage): not copied again."""
    unreadable: int
    """Unreadable stretches of rows, events and stored outputs that were skipped."""

    @property
    def summary(self) -> str:
        text = f"{self.sessions} session(s) with {self.events:,} event(s) salvaged"
        if self.already_there:
            text += f", {self.already_there} already there"
        if self.unreadable:
            text += f", {self.unreadable:,} unreadable part(s) skipped"
        return text


def salvage(source: Path, journal: Journal) -> SalvageReport:
    """Copy every readable session of ``source`` into ``journal``; ``source`` is unchanged."""
    with tempfile.TemporaryDirectory(prefix="conch-salvage-") as scratch:
        copy = Path(scratch) / "journal.db"
        shutil.copyfile(source, copy)
        for suffix in COMPANIONS:
            companion = Path(f"{source}{suffix}")
            if companion.exists():
                shutil.copyfile(companion, Path(f"{copy}{suffix}"))
        _restore_header(copy)
        conn = sqlite3.connect(copy, isolation_level=None)
        try:
            # A cut-short file fails to load its schema (a table's root page is past the end)
            # unless schema errors are tolerated; this only reads a scratch copy.
            conn.execute("PRAGMA writable_schema = ON")
            return _salvage(conn, source, journal)
        finally:
            conn.close()


def _restore_header(copy: Path) -> None:
    """Give a copy whose first 100 bytes were overwritten a plausible SQLite header again, so
    its pages (which hold the sessions) can be read. Conch journals use SQLite's defaults:
    4096-byte pages, UTF-8, schema format 4, WAL (read/write version 2)."""
    with copy.open("r+b") as handle:
        if handle.read(16) == SQLITE_MAGIC:
            return
        header = bytearray(100)
        header[0:16] = SQLITE_MAGIC
        header[16:18] = PAGE_SIZE.to_bytes(2, "big")
        header[18:24] = bytes([2, 2, 0, 64, 32, 32])
        header[28:32] = (copy.stat().st_size // PAGE_SIZE).to_bytes(4, "big")
        header[44:48] = (4).to_bytes(4, "big")
        header[56:60] = (1).to_bytes(4, "big")
        handle.seek(0)
        handle.write(header)


def _salvage(conn: sqlite3.Connection, source: Path, journal: Journal) -> SalvageReport:
    reader = _Reader(conn)
    records = sorted(reader.sessions(), key=lambda record: record.created_at)
    copied = events = already = 0
    for record in records:
        pending = [item for item in reader.events(record.id) if item is not None]
        if not pending:
            continue  # nothing of it could be read (or it was empty): nothing to give back
        if journal.import_session(record, pending):
            copied += 1
            events += len(pending)
        else:
            already += 1
    return SalvageReport(source, copied, events, already, reader.unreadable)


class _Reader:
    """Reads rows of a damaged database, counting what it had to skip."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.unreadable = 0

    def sessions(self) -> list[SessionRecord]:
        found = []
        sql = f"SELECT rowid, {SESSION_COLUMNS} FROM sessions WHERE rowid > ? ORDER BY rowid"
        for row in self._walk(sql, ()):
            try:
                found.append(session_record(row[1:]))
            except (TypeError, ValueError):
                self.unreadable += 1
        return found

    def events(self, session_id: str) -> Iterator[PendingEvent | None]:
        sql = (
            "SELECT idx, time, kind, sender, payload FROM events "
            "WHERE session_id = ? AND idx > ? ORDER BY idx"
        )
        for _idx, at, kind, sender, text in self._walk(sql, (session_id,)):
            try:
                payload = json.loads(text)
                if not isinstance(payload, dict):
                    raise ValueError("not an object")
                item = self._pending(str(kind), str(sender), payload)
                item.time = float(at)
            except (TypeError, ValueError):
                self.unreadable += 1
                yield None
                continue
            yield item

    def _pending(self, kind: str, sender: str, payload: dict[str, Any]) -> PendingEvent:
        """The event as it goes into the new journal; a stored output is read back whole."""
        ref = payload.get("ref")
        if kind != ev.SHELL_OUTPUT or not isinstance(ref, int):
            return prepare(kind, sender, payload)
        rest = {key: value for key, value in payload.items() if key not in ("ref", "size", "tail")}
        body = self._blob(ref)
        if body is None:
            self.unreadable += 1
            body = LOST_OUTPUT + str(payload.get("tail", ""))
        return prepare(kind, sender, {**rest, "text": body})

    def _blob(self, ref: int) -> str | None:
        try:
            row = self.conn.execute("SELECT data FROM blobs WHERE id = ?", (ref,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return None if row is None else bytes(row[0]).decode("utf-8", errors="replace")

    def _walk(self, sql: str, keys: tuple[Any, ...]) -> Iterator[Any]:
        """Rows of ``sql`` (which filters ``key > ?`` and orders by that key, the key first),
        stepping over keys whose pages cannot be read."""
        last, gap = -1, 0
        while gap < MAX_GAP:
            rows: list[Any] | None
            try:
                rows = self.conn.execute(f"{sql} LIMIT {PAGE}", (*keys, last)).fetchall()
            except sqlite3.DatabaseError:
                rows = self._one(sql, keys, last)
            if rows is None:  # the next key's page is bad: step over it
                self.unreadable += gap == 0  # one per unreadable stretch
                last += 1
                gap += 1
                continue
            if not rows:
                return
            gap = 0
            yield from rows
            last = int(rows[-1][0])
        return

    def _one(self, sql: str, keys: tuple[Any, ...], last: int) -> list[Any] | None:
        with contextlib.suppress(sqlite3.DatabaseError):
            return self.conn.execute(f"{sql} LIMIT 1", (*keys, last)).fetchall()
        return None
