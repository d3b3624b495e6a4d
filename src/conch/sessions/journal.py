"""The session journal: every event of every session, appended to one SQLite file.

What "acknowledged" means: ``append`` returns after its transaction committed with
synchronous=FULL, so the event survives kill -9 and power loss; the UI shows a user's input as
accepted only after that. An agent turn's many small updates go through a ``Batch``
(batch.py): committed together, the commit being their acknowledgement.

Writers: a session is written by one Journal at a time (``claim``; claims.py, locking.py).
Appending to a session this Journal has not claimed raises ReadOnlySessionError: that is the
read-only view a second process gets. Reading needs no claim.

Threads: one SQLite connection guarded by a re-entrant lock (database.py), held for one
transaction at a time (never for a whole batch), so the app may append from its UI thread and
from workers. Listeners (``subscribe``) are called in commit order under that lock: they must
be quick (post a message, fold a projection).

Nothing expires. Deleting is explicit and the only way anything leaves the journal; a session
with forks is deleted only with ``detach_forks=True``, and the forks then keep their copied
events and lose only their parent link.

The Journal is the facade over its parts: opening.py (the file and its root), session_queries.py
and event_reads.py (reading), event_writes.py (inserting events), metadata.py, rows.py,
pruning.py (sizes, dropping old outputs).
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from conch.sessions import opening
from conch.sessions.batch import Batch
from conch.sessions.claims import Claims
from conch.sessions.database import Database
from conch.sessions.errors import SessionHasForksError, SessionNotFoundError
from conch.sessions.event_reads import EventReads
from conch.sessions.event_writes import insert_events
from conch.sessions.forking import copy_for_fork
from conch.sessions.interruptions import CRASH_NOTE, KINDS_THAT_OPEN_OR_CLOSE, closing_events
from conch.sessions.locations import StorageLoss, check_storage, locks_dir
from conch.sessions.metadata import Metadata
from conch.sessions.pending import PendingEvent, prepare
from conch.sessions.pruning import Pruning
from conch.sessions.records import STATUSES, Event, JsonObject, SessionRecord, SessionStatus
from conch.sessions.rows import EVENT_COLUMNS, SESSION_COLUMNS, directory, event_record
from conch.sessions.session_queries import SessionQueries
from conch.sessions.unsaved import UnsavedSessions

PAGE = 2000
"""Events read per query while iterating (the connection lock is not held between pages)."""

Listener = Callable[[Event], None]


class Journal(SessionQueries, EventReads, Metadata, Pruning):
    """The journal file, open. Use ``Journal.open``; close it (or use ``with``) when done."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        root_id: str,
        *,
        backup: Path | None = None,
        storage_loss: StorageLoss | None = None,
    ) -> None:
        self._db = Database(conn)
        self._listeners: list[Listener] = []
        self.path = path
        self.root_id = root_id
        self.locks_dir = locks_dir(path)
        self._claims = Claims(self.locks_dir, self._db.lock)
        self.backup = backup
        """The copy made before this open upgraded the schema (None: no upgrade)."""
        self.storage_loss = storage_loss
        """Set when this open found that an earlier journal at this path was wiped."""
        self.unsaved: UnsavedSessions | None = None
        """Set (the host sets it) to go on when a session's write fails: its events are
        then kept in memory and told to the listeners, not saved (unsaved.py). None: a
        failed write raises, and the writer stops (the app)."""

    # -- opening and closing ------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, root_marker: Path | None = None) -> Journal:
        """Open (or create) the journal at ``path``, upgrading its schema if needed.

        ``root_marker``: the file remembering each journal's root, so that a wiped journal is
        reported (``storage_loss``) instead of silently starting empty.
        """
        path = Path(path).absolute()
        conn, backup, root_id, created = opening.connect(path)
        loss = None
        if root_marker is not None:
            loss = check_storage(path, root_marker, None if created else root_id)
        journal = cls(conn, path, root_id, backup=backup, storage_loss=loss)
        if loss is not None:
            journal._record_storage_loss(loss)
        if root_marker is not None:
            opening.remember_root_once(path, root_marker, root_id)
        return journal

    def close(self) -> None:
        """Release every claim and close the file."""
        with self._db.lock:
            self._claims.release_all()
            self._db.close()

    def checkpoint(self) -> None:
        """Move the write-ahead log into the file and cut it to nothing, as closing does. A
        long-lived writer (the host) calls it when a session stops: otherwise the log keeps
        its largest size (4.6 MB after an 8 MB flood) beside the file that holds the same."""
        with self._db.lock, contextlib.suppress(sqlite3.Error):
            self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- sessions (reading them: session_queries.py) --------------------------------------

    def create_session(
        self, cwd: str, mode: str, agent: str, title: str | None = None
    ) -> SessionRecord:
        """A new, empty session of the root, claimed for writing by this journal."""
        session_id = uuid.uuid4().hex
        with self._claims.new(session_id):
            now = time.time()
            with self._db.write() as conn:
                conn.execute(
                    f"INSERT INTO sessions ({SESSION_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, 'idle')",
                    (session_id, self.root_id, title, now, now, directory(cwd), mode, agent),
                )
        return self.get_session(session_id)

    def rename(self, session_id: str, title: str | None) -> SessionRecord:
        """Set (or with None clear) the title. Needs the session's write lock, taken for the
        moment if this journal does not hold it (SessionBusyError if another process does)."""
        with self._claims.for_now(session_id):
            self._update(session_id, "title = ?", (title or None,))
        return self.get_session(session_id)

    def delete(self, session_id: str, *, detach_forks: bool = False) -> None:
        """Delete a session, its events and its stored outputs. Explicit and final.

        SessionHasForksError when forks point to it, unless ``detach_forks``: the forks keep
        all their events (they hold copies) and get ``parent_id`` None. SessionBusyError when
        another process has it open.
        """
        self.get_session(session_id)
        with self._claims.for_now(session_id) as lock:
            forks = self.forks_of(session_id)
            if forks and not detach_forks:
                raise SessionHasForksError(session_id, [fork.id for fork in forks])
            with self._db.write() as conn:
                conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            # A process waiting on this file gets the lock of a deleted session: its claim
            # then finds no session and gives up.
            lock.remove_file()
        self.release(session_id)

    def set_status(self, session_id: str, status: SessionStatus) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown session status {status!r}")
        self._claims.require(session_id)
        self._update(session_id, "status = ?", (status,))

    def set_agent_session_id(
        self, session_id: str, agent_session_id: str | None, agent: str | None = None
    ) -> None:
        """Remember the agent's own session id (and the agent, when it changed)."""
        self._claims.require(session_id)
        if agent is None:
            self._update(session_id, "agent_session_id = ?", (agent_session_id,))
        else:
            self._update(session_id, "agent_session_id = ?, agent = ?", (agent_session_id, agent))

    def touch(self, session_id: str) -> None:
        """Mark the session used now (committed events do this by themselves)."""
        self._claims.require(session_id)
        self._update(session_id, "last_used_at = max(last_used_at, ?)", (time.time(),))

    # -- claims -------------------------------------------------------------------------

    def claim(self, session_id: str) -> SessionRecord:
        """Become the session's only writer, or raise SessionBusyError (with the holder's pid).

        If the previous writer died mid-turn or mid-command, the open items are closed as
        interrupted and a notice says so (interruptions.py); a stale ``busy`` becomes idle.
        """
        self.get_session(session_id)
        if not self._claims.take(session_id):
            return self.get_session(session_id)
        try:
            record = self.get_session(session_id)  # deleted while we took the lock?
            kinds = KINDS_THAT_OPEN_OR_CLOSE
            closing = closing_events(self._events_of_kinds(session_id, kinds), "crash", CRASH_NOTE)
            if closing:
                self._commit(session_id, closing)
            if record.status == "busy":
                self._update(session_id, "status = 'idle'", ())
        except BaseException:
            self.release(session_id)
            raise
        return self.get_session(session_id)

    def release(self, session_id: str) -> None:
        """Stop writing the session (another process may claim it then)."""
        self._claims.release(session_id)
        if self.unsaved is not None:
            self.unsaved.forget(session_id)

    def is_claimed(self, session_id: str) -> bool:
        return session_id in self._claims

    def is_writer_alive(self, session_id: str) -> bool:
        """Whether some Journal (this one or another process's) has the session open for
        writing; a read-only view shows open items as interrupted when none has."""
        return self._claims.writer_alive(session_id)

    # -- events (other reads: event_reads.py) ---------------------------------------------

    def append(
        self, session_id: str, kind: str, sender: str, payload: JsonObject,
        shown: JsonObject | None = None,
    ) -> int:  # fmt: skip
        """Append one event and commit it (durable on return). Returns its index.
        ``shown``: the payload before masking, for listeners only (records.Event.shown)."""
        self._claims.require(session_id)
        return self._commit(session_id, [prepare(kind, sender, payload, shown)])[-1]

    def append_many(
        self, session_id: str, events: Sequence[tuple[str, str, JsonObject]]
    ) -> list[int]:
        """Append (kind, sender, payload) events in one commit: all or none, one fsync
        (e.g. the user's input and the agent prompt it became). Returns their indexes."""
        self._claims.require(session_id)
        return self._commit(session_id, [prepare(*event) for event in events])

    def batch(self, session_id: str, *, max_pending: int = 256, max_delay: float = 0.5) -> Batch:
        """Buffer events and commit them together: ``with journal.batch(id) as batch:``."""
        self._claims.require(session_id)
        commit = functools.partial(self._commit_claimed, session_id)
        return Batch(session_id, commit, max_pending=max_pending, max_delay=max_delay)

    def events(self, session_id: str, after_index: int = -1) -> Iterator[Event]:
        """The session's events with index > ``after_index``, in order."""
        last = after_index
        while True:
            rows = self._db.read(
                f"SELECT {EVENT_COLUMNS} FROM events "
                "WHERE session_id = ? AND idx > ? ORDER BY idx LIMIT ?",
                (session_id, last, PAGE),
            )
            for row in rows:
                yield event_record(session_id, row)
            if len(rows) < PAGE:
                break
            last = rows[-1][0]
        if self.unsaved is not None:  # what came after the journal stopped saving it
            yield from self.unsaved.events(session_id, last if not rows else rows[-1][0])

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event this journal commits; returns the unsubscriber."""
        with self._db.lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._db.lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    # -- forks --------------------------------------------------------------------------

    def fork(
        self, session_id: str, at_index: int | None = None, *, title: str | None = None
    ) -> SessionRecord:
        """A new session whose parent is ``session_id``, with copies of its events
        0..``at_index`` (all when None), claimed by this journal (forking.py).

        Works on any session: a fork, or one another process is writing.
        """
        parent = self.get_session(session_id)
        fork_id = uuid.uuid4().hex
        with self._claims.new(fork_id), self._db.write() as conn:
            insert_events(conn, fork_id, copy_for_fork(conn, parent, fork_id, at_index, title))
        return self.get_session(fork_id)

    def import_session(self, record: SessionRecord, pending: list[PendingEvent]) -> bool:
        """Add a session read from another journal file (salvage.py) with its events, under
        its own id, unclaimed; False (nothing added) when this journal has that id already."""
        with self._db.write() as conn:
            if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (record.id,)).fetchone():
                return False
            parent = conn.execute("SELECT id FROM sessions WHERE id = ?", (record.parent_id,))
            parent_id = record.parent_id if parent.fetchone() else None
            conn.execute(
                f"INSERT INTO sessions ({SESSION_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'idle')",
                (record.id, self.root_id, record.title, record.created_at, record.last_used_at,
                 record.cwd, record.mode, record.agent, record.agent_session_id, parent_id,
                 record.forked_from_event if parent_id else None),
            )  # fmt: skip
            insert_events(conn, record.id, pending)
        return True

    # -- internals ----------------------------------------------------------------------

    def _commit_claimed(self, session_id: str, pending: list[PendingEvent]) -> list[int]:
        self._claims.require(session_id)
        return self._commit(session_id, pending)

    def is_saving(self, session_id: str) -> bool:
        """False once a write of the session failed and it went on unsaved (unsaved.py)."""
        return self.unsaved is None or not self.unsaved.has(session_id)

    def _commit(self, session_id: str, pending: list[PendingEvent]) -> list[int]:
        with self._db.lock:
            unsaved = self.unsaved
            if unsaved is not None and unsaved.has(session_id):
                rows = unsaved.keep(session_id, pending)
            else:
                try:
                    with self._db.write() as conn:
                        rows = insert_events(conn, session_id, pending)
                except (sqlite3.Error, OSError) as error:
                    if unsaved is None:
                        raise
                    first = self._last_index(session_id) + 1
                    rows = unsaved.stop_saving(session_id, first, error, pending)
            # Committed, and still under the lock: listeners see events in commit order.
            listeners = list(self._listeners)
            for row, item in zip(rows if listeners else [], pending, strict=False):
                event = event_record(session_id, row[1:])
                if item.shown is not None and item.blob is None:
                    event = replace(event, shown=item.shown)
                for listener in listeners:
                    listener(event)
        return [row[1] for row in rows]

    def _last_index(self, session_id: str) -> int:
        rows = self._db.read("SELECT max(idx) FROM events WHERE session_id = ?", (session_id,))
        return -1 if rows[0][0] is None else int(rows[0][0])

    def _update(self, session_id: str, assignments: str, values: tuple[Any, ...]) -> None:
        if not self.is_saving(session_id):
            return  # it goes on unsaved: its row stays as it was last saved
        with self._db.write() as conn:
            cursor = conn.execute(
                f"UPDATE sessions SET {assignments} WHERE id = ?", (*values, session_id)
            )
            if cursor.rowcount == 0:
                raise SessionNotFoundError(session_id)
