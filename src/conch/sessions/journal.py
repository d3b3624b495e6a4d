"""The session journal: every event of every session, appended to one SQLite file.

What "acknowledged" means: ``append`` returns after its transaction committed with
synchronous=FULL, so the event survives kill -9 and power loss; the UI shows a user's input as
accepted only after that. An agent turn's many small updates go through a ``Batch``
(batch.py): committed together, the commit being their acknowledgement.

Writers: a session is written by one Journal at a time (``claim``; locking.py). Appending to a
session this Journal has not claimed raises ReadOnlySessionError: that is the read-only view
a second process gets. Reading needs no claim.

Threads: one SQLite connection guarded by a re-entrant lock, held for one transaction at a
time (never for a whole batch), so the app may append from its UI thread and from workers.
Listeners (``subscribe``) are called in commit order under that lock: they must be quick
(post a message, fold a projection).

Nothing expires. Deleting is explicit and the only way anything leaves the journal; a session
with forks is deleted only with ``detach_forks=True``, and the forks then keep their copied
events and lose only their parent link.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from conch import __version__
from conch.history import HistoryEntry
from conch.sessions import events as ev
from conch.sessions import schema
from conch.sessions.batch import Batch
from conch.sessions.errors import (
    AmbiguousSessionIdError,
    BlobNotFoundError,
    ReadOnlySessionError,
    SessionHasForksError,
    SessionNotFoundError,
)
from conch.sessions.forking import copy_for_fork
from conch.sessions.interruptions import CRASH_NOTE, KINDS_THAT_OPEN_OR_CLOSE, closing_events
from conch.sessions.locations import (
    StorageLoss,
    check_storage,
    locks_dir,
    read_marker,
    remember_root,
)
from conch.sessions.locking import SessionLock, is_locked
from conch.sessions.pending import PendingEvent, prepare
from conch.sessions.records import (
    STATUSES,
    Event,
    JsonObject,
    SessionRecord,
    SessionStatus,
    SessionSummary,
)

PAGE = 2000
"""Events read per query while iterating (the connection lock is not held between pages)."""

Listener = Callable[[Event], None]
EventRow = tuple[str, int, float, str, str, str]
SESSION_COLUMNS = (
    "id, root_id, title, created_at, last_used_at, cwd, mode, agent, agent_session_id, "
    "parent_id, forked_from_event, status"
)


class Journal:
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
        self._conn = conn
        self._lock = threading.RLock()
        self._claims: dict[str, SessionLock] = {}
        self._listeners: list[Listener] = []
        self.path = path
        self.root_id = root_id
        self.locks_dir = locks_dir(path)
        self.backup = backup
        """The copy made before this open upgraded the schema (None: no upgrade)."""
        self.storage_loss = storage_loss
        """Set when this open found that an earlier journal at this path was wiped."""

    # -- opening and closing ------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, root_marker: Path | None = None) -> Journal:
        """Open (or create) the journal at ``path``, upgrading its schema if needed.

        ``root_marker``: the file remembering each journal's root, so that a wiped journal is
        reported (``storage_loss``) instead of silently starting empty.
        """
        path = Path(path).absolute()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # private from the start
        conn = schema.connect(path)
        try:
            backup = schema.migrate(conn, path)
            root_id, created = _ensure_root(conn)
        except BaseException:
            conn.close()
            raise
        loss = None
        if root_marker is not None:
            loss = check_storage(path, root_marker, None if created else root_id)
        journal = cls(conn, path, root_id, backup=backup, storage_loss=loss)
        if loss is not None:
            journal.set_meta("storage_loss", json.dumps(_loss_json(loss)))
        if root_marker is not None:
            known = read_marker(root_marker).get(str(path.resolve()), {})
            if known.get("root_id") != root_id:
                remember_root(path, root_marker, root_id)
        return journal

    def close(self) -> None:
        """Release every claim and close the file."""
        with self._lock:
            for lock in self._claims.values():
                lock.release()
            self._claims.clear()
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- sessions -----------------------------------------------------------------------

    def create_session(
        self, cwd: str, mode: str, agent: str, title: str | None = None
    ) -> SessionRecord:
        """A new, empty session of the root, claimed for writing by this journal."""
        session_id = uuid.uuid4().hex
        lock = SessionLock(self.locks_dir, session_id)
        lock.acquire()
        now = time.time()
        try:
            with self._write() as conn:
                conn.execute(
                    f"INSERT INTO sessions ({SESSION_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, 'idle')",
                    (session_id, self.root_id, title, now, now, _directory(cwd), mode, agent),
                )
        except BaseException:
            lock.release()
            raise
        self._claims[session_id] = lock
        return self.get_session(session_id)

    def get_session(self, session_id: str) -> SessionRecord:
        rows = self._read(f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise SessionNotFoundError(session_id)
        return _record(rows[0])

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full id of the session named by its id or a unique prefix (as listed)."""
        text = id_or_prefix.strip().lower()
        if not text or not all(char in "0123456789abcdef" for char in text):
            raise SessionNotFoundError(id_or_prefix)
        rows = self._read(
            "SELECT id FROM sessions WHERE id >= ? AND id < ? ORDER BY id", (text, text + "g")
        )
        matches = [str(row[0]) for row in rows]
        if text in matches:
            return text
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise SessionNotFoundError(id_or_prefix)
        raise AmbiguousSessionIdError(id_or_prefix, matches)

    def list_sessions(self, search: str | None = None) -> list[SessionSummary]:
        """Every session, most recently used first; ``search`` keeps those whose title, cwd or
        first input contains it (case-insensitive)."""
        summaries = self._summaries("", ())
        if search:
            needle = search.lower()
            summaries = [
                summary
                for summary in summaries
                if needle in (summary.record.title or "").lower()
                or needle in summary.record.cwd.lower()
                or needle in summary.first_input.lower()
            ]
        return summaries

    def summary(self, session_id: str) -> SessionSummary:
        found = self._summaries("WHERE s.id = ?", (session_id,))
        if not found:
            raise SessionNotFoundError(session_id)
        return found[0]

    def _summaries(self, where: str, values: tuple[Any, ...]) -> list[SessionSummary]:
        rows = self._read(
            f"SELECT {SESSION_COLUMNS}, "
            "(SELECT max(idx) FROM events e WHERE e.session_id = s.id), "
            "(SELECT json_extract(payload, '$.text') FROM events e "
            " WHERE e.session_id = s.id AND e.kind = ? ORDER BY idx LIMIT 1) "
            f"FROM sessions s {where} ORDER BY last_used_at DESC, created_at DESC",
            (ev.USER_INPUT, *values),
        )
        # Indexes have no gaps, so the last index + 1 is the count (without scanning events).
        return [
            SessionSummary(
                _record(row[:12]), 0 if row[12] is None else int(row[12]) + 1, str(row[13] or "")
            )
            for row in rows
        ]

    def last_session_for_cwd(self, cwd: str) -> SessionRecord | None:
        """The most recently used session started in ``cwd`` that the user has not closed."""
        rows = self._read(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE cwd = ? AND status != 'closed' "
            "ORDER BY last_used_at DESC, created_at DESC LIMIT 1",
            (_directory(cwd),),
        )
        return _record(rows[0]) if rows else None

    def forks_of(self, session_id: str) -> list[SessionRecord]:
        rows = self._read(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE parent_id = ? ORDER BY created_at",
            (session_id,),
        )
        return [_record(row) for row in rows]

    def ancestors(self, session_id: str) -> list[SessionRecord]:
        """Parent, grandparent, … of a fork (empty for a session that is not a fork)."""
        chain: list[SessionRecord] = []
        parent_id = self.get_session(session_id).parent_id
        while parent_id is not None:
            parent = self.get_session(parent_id)
            chain.append(parent)
            parent_id = parent.parent_id
        return chain

    def rename(self, session_id: str, title: str | None) -> SessionRecord:
        """Set (or with None clear) the title. Needs the session's write lock, taken for the
        moment if this journal does not hold it (SessionBusyError if another process does)."""
        with self._claimed_for_now(session_id):
            self._update(session_id, "title = ?", (title or None,))
        return self.get_session(session_id)

    def delete(self, session_id: str, *, detach_forks: bool = False) -> None:
        """Delete a session, its events and its stored outputs. Explicit and final.

        SessionHasForksError when forks point to it, unless ``detach_forks``: the forks keep
        all their events (they hold copies) and get ``parent_id`` None. SessionBusyError when
        another process has it open.
        """
        self.get_session(session_id)
        with self._claimed_for_now(session_id) as lock:
            forks = self.forks_of(session_id)
            if forks and not detach_forks:
                raise SessionHasForksError(session_id, [fork.id for fork in forks])
            with self._write() as conn:
                conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            # A process waiting on this file gets the lock of a deleted session: its claim
            # then finds no session and gives up.
            lock.remove_file()
        self.release(session_id)

    def set_status(self, session_id: str, status: SessionStatus) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown session status {status!r}")
        self._require_claim(session_id)
        self._update(session_id, "status = ?", (status,))

    def set_agent_session_id(
        self, session_id: str, agent_session_id: str | None, agent: str | None = None
    ) -> None:
        """Remember the agent's own session id (and the agent, when it changed)."""
        self._require_claim(session_id)
        if agent is None:
            self._update(session_id, "agent_session_id = ?", (agent_session_id,))
        else:
            self._update(session_id, "agent_session_id = ?, agent = ?", (agent_session_id, agent))

    def touch(self, session_id: str) -> None:
        """Mark the session used now (committed events do this by themselves)."""
        self._require_claim(session_id)
        self._update(session_id, "last_used_at = max(last_used_at, ?)", (time.time(),))

    # -- claims -------------------------------------------------------------------------

    def claim(self, session_id: str) -> SessionRecord:
        """Become the session's only writer, or raise SessionBusyError (with the holder's pid).

        If the previous writer died mid-turn or mid-command, the open items are closed as
        interrupted and a notice says so (interruptions.py); a stale ``busy`` becomes idle.
        """
        self.get_session(session_id)
        with self._lock:
            if session_id in self._claims:
                return self.get_session(session_id)
            lock = SessionLock(self.locks_dir, session_id)
            lock.acquire()
            self._claims[session_id] = lock
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
        with self._lock:
            lock = self._claims.pop(session_id, None)
        if lock is not None:
            lock.release()

    def is_claimed(self, session_id: str) -> bool:
        return session_id in self._claims

    def is_writer_alive(self, session_id: str) -> bool:
        """Whether some Journal (this one or another process's) has the session open for
        writing; a read-only view shows open items as interrupted when none has."""
        return self.is_claimed(session_id) or is_locked(self.locks_dir, session_id)

    # -- events -------------------------------------------------------------------------

    def append(self, session_id: str, kind: str, sender: str, payload: JsonObject) -> int:
        """Append one event and commit it (durable on return). Returns its index."""
        self._require_claim(session_id)
        return self._commit(session_id, [prepare(kind, sender, payload)])[-1]

    def append_many(
        self, session_id: str, events: Sequence[tuple[str, str, JsonObject]]
    ) -> list[int]:
        """Append (kind, sender, payload) events in one commit: all or none, one fsync
        (e.g. the user's input and the agent prompt it became). Returns their indexes."""
        self._require_claim(session_id)
        return self._commit(session_id, [prepare(*event) for event in events])

    def batch(self, session_id: str, *, max_pending: int = 256, max_delay: float = 0.5) -> Batch:
        """Buffer events and commit them together: ``with journal.batch(id) as batch:``."""
        self._require_claim(session_id)
        commit = functools.partial(self._commit_claimed, session_id)
        return Batch(session_id, commit, max_pending=max_pending, max_delay=max_delay)

    def events(self, session_id: str, after_index: int = -1) -> Iterator[Event]:
        """The session's events with index > ``after_index``, in order."""
        last = after_index
        while True:
            rows = self._read(
                "SELECT idx, time, kind, sender, payload FROM events "
                "WHERE session_id = ? AND idx > ? ORDER BY idx LIMIT ?",
                (session_id, last, PAGE),
            )
            for idx, at, kind, sender, payload in rows:
                yield Event(session_id, idx, at, kind, sender, json.loads(payload))
            if len(rows) < PAGE:
                return
            last = rows[-1][0]

    def input_history(self, limit: int) -> list[HistoryEntry]:
        """The last ``limit`` lines typed in any session, oldest first (Up/Down, Ctrl+R)."""
        rows = self._read(
            "SELECT time, payload FROM events WHERE kind = ? ORDER BY time DESC LIMIT ?",
            (ev.USER_INPUT, limit),
        )
        entries = []
        for at, payload in reversed(rows):
            data = json.loads(payload)
            entries.append(HistoryEntry(str(data.get("text", "")), str(data.get("mode", "")),
                                        str(data.get("cwd", "")), float(at)))  # fmt: skip
        return entries

    def last_index(self, session_id: str) -> int:
        """The index of the session's last event (-1 when it has none)."""
        rows = self._read("SELECT max(idx) FROM events WHERE session_id = ?", (session_id,))
        return -1 if rows[0][0] is None else int(rows[0][0])

    def read_blob(self, ref: int) -> str:
        """The full text of an output stored by reference (``OutputRef.ref``)."""
        rows = self._read("SELECT data FROM blobs WHERE id = ?", (ref,))
        if not rows:
            raise BlobNotFoundError(ref)
        return bytes(rows[0][0]).decode("utf-8", errors="replace")

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event this journal commits; returns the unsubscriber."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
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
        lock = SessionLock(self.locks_dir, fork_id)
        lock.acquire()
        try:
            with self._write() as conn:
                self._insert(conn, fork_id, copy_for_fork(conn, parent, fork_id, at_index, title))
        except BaseException:
            lock.release()
            raise
        self._claims[fork_id] = lock
        return self.get_session(fork_id)

    # -- metadata -----------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM metadata WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO metadata (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def recorded_storage_loss(self) -> StorageLoss | None:
        """The wiped journal this one replaced, if that was detected when it was created."""
        text = self.meta("storage_loss")
        if text is None:
            return None
        data = json.loads(text)
        return StorageLoss(
            self.path,
            str(data["lost_root_id"]),
            float(data["last_seen_at"]),
            bool(data["replaced"]),
        )

    # -- internals ----------------------------------------------------------------------

    def _require_claim(self, session_id: str) -> None:
        if session_id not in self._claims:
            raise ReadOnlySessionError(session_id)

    @contextlib.contextmanager
    def _claimed_for_now(self, session_id: str) -> Iterator[SessionLock]:
        """The session's lock: ours if we hold it (kept), else taken for the block only."""
        held = self._claims.get(session_id)
        lock = held or SessionLock(self.locks_dir, session_id)
        lock.acquire()
        try:
            yield lock
        finally:
            if held is None:
                lock.release()

    def _events_of_kinds(self, session_id: str, kinds: tuple[str, ...]) -> list[Event]:
        marks = ", ".join("?" for _ in kinds)
        rows = self._read(
            "SELECT idx, time, kind, sender, payload FROM events "
            f"WHERE session_id = ? AND kind IN ({marks}) ORDER BY idx",
            (session_id, *kinds),
        )
        return [Event(session_id, i, t, k, s, json.loads(p)) for i, t, k, s, p in rows]

    def _commit_claimed(self, session_id: str, pending: list[PendingEvent]) -> list[int]:
        self._require_claim(session_id)
        return self._commit(session_id, pending)

    def _commit(self, session_id: str, pending: list[PendingEvent]) -> list[int]:
        with self._lock:
            with self._write() as conn:
                rows = self._insert(conn, session_id, pending)
            # Committed, and still under the lock: listeners see events in commit order.
            listeners = list(self._listeners)
            for row in rows if listeners else []:
                event = Event(session_id, row[1], row[2], row[3], row[4], json.loads(row[5]))
                for listener in listeners:
                    listener(event)
        return [row[1] for row in rows]

    def _insert(
        self, conn: sqlite3.Connection, session_id: str, pending: list[PendingEvent]
    ) -> list[EventRow]:
        """Write the events (and their blobs) in the open transaction; returns the rows."""
        if not pending:
            return []
        row = conn.execute(
            "SELECT max(idx) FROM events WHERE session_id = ?", (session_id,)
        ).fetchone()
        first = 0 if row[0] is None else int(row[0]) + 1
        rows: list[EventRow] = []
        mode: str | None = None
        for offset, item in enumerate(pending):
            text = item.text
            if item.blob is not None:
                cursor = conn.execute(
                    "INSERT INTO blobs (session_id, size, sha256, data) VALUES (?, ?, ?, ?)",
                    (session_id, len(item.blob), hashlib.sha256(item.blob).hexdigest(), item.blob),
                )
                text = item.json_with_ref(int(cursor.lastrowid or 0))
            assert text is not None
            rows.append((session_id, first + offset, item.time, item.kind, item.sender, text))
            if item.kind == ev.MODE_CHANGE:
                mode = str(item.payload.get("mode", "")) or mode
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", rows)
        conn.execute(
            "UPDATE sessions SET last_used_at = max(last_used_at, ?), mode = coalesce(?, mode) "
            "WHERE id = ?",
            (pending[-1].time, mode, session_id),
        )
        return rows

    def _update(self, session_id: str, assignments: str, values: tuple[Any, ...]) -> None:
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE sessions SET {assignments} WHERE id = ?", (*values, session_id)
            )
            if cursor.rowcount == 0:
                raise SessionNotFoundError(session_id)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (durably) when the block ends."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _read(self, sql: str, values: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, values).fetchall()


def _ensure_root(conn: sqlite3.Connection) -> tuple[str, bool]:
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


def _loss_json(loss: StorageLoss) -> JsonObject:
    return {
        "lost_root_id": loss.lost_root_id,
        "last_seen_at": loss.last_seen_at,
        "replaced": loss.replaced,
        "detected_at": time.time(),
    }


def _directory(cwd: str) -> str:
    return os.path.abspath(os.path.expanduser(cwd))


def _record(row: Any) -> SessionRecord:
    (sid, root_id, title, created, used, cwd, mode, agent, agent_session, parent, forked_from,
     status) = row  # fmt: skip
    return SessionRecord(
        str(sid), str(root_id), title, float(created), float(used), str(cwd), str(mode),
        str(agent), agent_session, parent, forked_from, status,
    )  # fmt: skip
