"""The requests about sessions: attach, detach, submit, interrupt, send_input, resize, blob.

A connection follows one session at a time. Requests that change a session need the
``controller`` role; an observer gets the ``observer`` error and the session is untouched.
For now every submitted line goes to the session's bash: Auto-mode routing and agents come
to the host later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from conch.host.connection import Connection
from conch.host.follower import Follower
from conch.host.handshake import ROLES, Role
from conch.host.request_errors import RequestFailed
from conch.host.session_engine import SessionEngine
from conch.host.session_host import SessionHost
from conch.sessions.records import Event

AfterReply = Callable[[], None]
Handler = Callable[[Connection, dict[str, Any]], Awaitable[tuple[Any, AfterReply | None]]]


class SessionRequests:
    def __init__(self, sessions: SessionHost) -> None:
        self.sessions = sessions

    def handlers(self) -> dict[str, Handler]:
        return {
            "attach": self.attach,
            "detach": self.detach,
            "submit": self.submit,
            "interrupt": self.interrupt,
            "send_input": self.send_input,
            "resize": self.resize,
            "blob": self.blob,
        }

    async def attach(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        role = params.get("role", connection.role)
        if role not in ROLES:
            raise RequestFailed(
                f"unknown role {role!r}; roles are {', '.join(ROLES)}", "bad-params"
            )
        after_index = params.get("after_index", -1)
        if not isinstance(after_index, int) or after_index < -1:
            raise RequestFailed("after_index must be an event index, or -1 for all", "bad-params")
        session = params.get("session")
        engine = await self.sessions.session_for(
            str(session) if session else None, str(params.get("cwd") or ""), bool(params.get("new"))
        )
        self._leave(connection)
        connection.role = role
        follower, history = await self.sessions.follow(
            engine, after_index, role, connection.client, connection.send, connection.send_sync
        )
        connection.following = follower
        reply = {
            "session": engine.id,
            "cwd": engine.cwd,
            "shell_cwd": engine.shell.shell.cwd,
            "state": engine.state,
            "role": role,
            "last_index": history[-1].idx if history else after_index,
        }

        def send_history(history: list[Event] = history, follower: Follower = follower) -> None:
            follower.catch_up(history)

        return reply, send_history

    async def detach(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Stop following; the session goes on running."""
        left = self._leave(connection)
        return {"detached": left}, None

    def _leave(self, connection: Connection) -> str | None:
        follower, connection.following = connection.following, None
        if follower is None:
            return None
        self.sessions.unfollow(follower)
        return follower.session_id

    def forget(self, connection: Connection) -> None:
        """The connection is gone (closed or dropped): the session goes on."""
        self._leave(connection)

    async def submit(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        engine = self._controlled(connection)
        line = params.get("line")
        if not isinstance(line, str) or not line.strip():
            raise RequestFailed("submit needs a non-empty line", "bad-params")
        index = await asyncio.to_thread(engine.submit, line)
        return {"input_index": index, "to": "shell"}, None

    async def interrupt(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        engine = self._controlled(connection)
        return {"interrupted": await asyncio.to_thread(engine.interrupt)}, None

    async def send_input(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        engine = self._controlled(connection)
        text = params.get("text", "")
        if not isinstance(text, str):
            raise RequestFailed("send_input needs text", "bad-params")
        data = text.encode() + (b"\x04" if params.get("eof") else b"")
        return {"sent": engine.send_input(data)}, None

    async def resize(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        engine = self._controlled(connection)
        rows, cols = params.get("rows"), params.get("cols")
        if not isinstance(rows, int) or not isinstance(cols, int):
            raise RequestFailed("resize needs integer rows and cols", "bad-params")
        await asyncio.to_thread(engine.resize, rows, cols)
        return {"rows": rows, "cols": cols}, None

    async def blob(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """A big output's full text (its event carries ``ref``, ``size`` and a tail)."""
        self._followed(connection)
        ref = params.get("ref")
        journal = self.sessions.journal
        if not isinstance(ref, int) or journal is None:
            raise RequestFailed("blob needs the ref of an output event", "bad-params")
        return {"text": await asyncio.to_thread(journal.read_blob, ref)}, None

    def sync(self, connection: Connection, message: bytes) -> None:
        """A Yjs sync message about the followed session's shared state (shared_state.py)."""
        follower = connection.following
        shared = self.sessions.shared.get(follower.session_id) if follower else None
        reply = shared.answer(message) if shared is not None else None
        if reply is not None:
            connection.send_sync(reply)

    def _followed(self, connection: Connection) -> SessionEngine:
        follower = connection.following
        engine = self.sessions.engines.get(follower.session_id) if follower else None
        if engine is None:
            raise RequestFailed("attach to a session first", "not-attached")
        return engine

    def _controlled(self, connection: Connection) -> SessionEngine:
        engine = self._followed(connection)
        role: Role = connection.role
        if role != "controller":
            raise RequestFailed(
                "this client is attached as an observer: it sees the session but cannot "
                "type in it (attach as a controller to type)",
                "observer",
            )
        return engine
