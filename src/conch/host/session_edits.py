"""The requests that edit stored sessions: rename (any session's title), delete (a stored
session: the picker's) and fork (a new session copied from one up to a chosen event:
session_fork.py). They write the journal the host holds, so a window never needs a claim."""

from __future__ import annotations

import asyncio
from typing import Any

from conch.host.connection import Connection
from conch.host.request_errors import RequestFailed
from conch.host.request_roles import AfterReply, Handler, controlled
from conch.host.session_fork import fork_session
from conch.host.session_host import SessionHost
from conch.sessions.errors import JournalError


class SessionEdits:
    def __init__(self, sessions: SessionHost) -> None:
        self.sessions = sessions

    def handlers(self) -> dict[str, Handler]:
        return {"rename": self.rename, "delete": self.delete, "fork": self.fork}

    async def rename(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """A session's title (the followed one by default; ``title`` null clears it): in the
        journal (``conch ps``, ``conch sessions``, a revive) and, for a live session, in its
        shared state, so every attached client shows the new one."""
        session_id = self._session_to_edit(connection, params, "rename")
        title = params.get("title")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise RequestFailed("rename needs a title, e.g. rename fix the login tests",
                                "bad-params")  # fmt: skip
        title = title.strip() if title is not None else None
        journal = self.sessions.host_journal.require()
        try:
            record = await asyncio.to_thread(journal.rename, session_id, title)
        except JournalError as error:
            raise RequestFailed(f"the journal could not rename it: {error}", "journal") from None
        shared = self.sessions.shared.get(session_id)
        if shared is not None:
            shared.set_title(record.title or "")
        return {"session": session_id, "title": record.title or ""}, None

    async def delete(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Delete a stored session for good (its forks keep their own copies). A live one
        is refused: it has a bash, maybe clients, and its journal writer is in this host."""
        session_id = self._session_to_edit(connection, params, "delete")
        if session_id in self.sessions.engines:
            raise RequestFailed(
                "it is running in the host: attach to it and quit it with Ctrl+Q (or stop "
                "the host with `conch host stop`), then delete it",
                "live",
            )
        journal = self.sessions.host_journal.require()
        try:
            await asyncio.to_thread(journal.delete, session_id, detach_forks=True)
        except JournalError as error:
            raise RequestFailed(f"the journal could not delete it: {error}", "journal") from None
        return {"session": session_id}, None

    def _session_to_edit(self, connection: Connection, params: dict[str, Any], what: str) -> str:
        """The id a rename or delete is about: ``session`` (an exact id) or, with none, the
        session this connection follows. Observers change nothing."""
        if connection.role != "controller":
            raise RequestFailed(f"an observer cannot {what} sessions", "observer")
        session = params.get("session")
        if session is None:
            return controlled(self.sessions, connection).id
        if not isinstance(session, str) or not session:
            raise RequestFailed(f"{what} needs a session id", "bad-params")
        return session

    async def fork(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """A new session copied from ``session`` (the followed one by default) up to event
        ``at_index`` (its end by default): its id, for an ``attach`` to open it."""
        followed = controlled(self.sessions, connection)
        session, at_index = params.get("session") or followed.id, params.get("at_index")
        if not isinstance(session, str) or not isinstance(at_index, int | None):
            raise RequestFailed("fork needs a session id and an event index (or none for "
                                "its end)", "bad-params")  # fmt: skip
        journal = self.sessions.host_journal.require()
        fork = await asyncio.to_thread(fork_session, journal, session, at_index)
        return {"session": fork.id, "parent": fork.parent_id, "title": fork.title or ""}, None
