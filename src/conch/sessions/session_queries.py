"""Reading sessions: one by id or by prefix, the list and its search, a directory's last one,
forks and ancestors. Part of the Journal (a mixin); reading needs no claim."""

from __future__ import annotations

from typing import Any

from conch.sessions import events as ev
from conch.sessions.database import Database
from conch.sessions.errors import AmbiguousSessionIdError, SessionNotFoundError
from conch.sessions.records import SessionRecord, SessionSummary
from conch.sessions.rows import SESSION_COLUMNS, directory, session_record


class SessionQueries:
    """The Journal's session reads."""

    _db: Database

    def get_session(self, session_id: str) -> SessionRecord:
        rows = self._db.read(f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise SessionNotFoundError(session_id)
        return session_record(rows[0])

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full id of the session named by its id or a unique prefix (as listed)."""
        text = id_or_prefix.strip().lower()
        if not text or not all(char in "0123456789abcdef" for char in text):
            raise SessionNotFoundError(id_or_prefix)
        rows = self._db.read(
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
        rows = self._db.read(
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
                session_record(row[:12]),
                0 if row[12] is None else int(row[12]) + 1,
                str(row[13] or ""),
            )
            for row in rows
        ]

    def last_session_for_cwd(self, cwd: str) -> SessionRecord | None:
        """The most recently used session started in ``cwd`` that the user has not closed."""
        rows = self._db.read(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE cwd = ? AND status != 'closed' "
            "ORDER BY last_used_at DESC, created_at DESC LIMIT 1",
            (directory(cwd),),
        )
        return session_record(rows[0]) if rows else None

    def forks_of(self, session_id: str) -> list[SessionRecord]:
        rows = self._db.read(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE parent_id = ? ORDER BY created_at",
            (session_id,),
        )
        return [session_record(row) for row in rows]

    def ancestors(self, session_id: str) -> list[SessionRecord]:
        """Parent, grandparent, … of a fork (empty for a session that is not a fork)."""
        chain: list[SessionRecord] = []
        parent_id = self.get_session(session_id).parent_id
        while parent_id is not None:
            parent = self.get_session(parent_id)
            chain.append(parent)
            parent_id = parent.parent_id
        return chain
