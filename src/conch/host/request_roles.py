"""What a session request handler is, which session it is about, and whether its client
may change it: the session a connection follows, and (for a change) that the client
attached as a controller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from conch.host.connection import Connection
from conch.host.request_errors import RequestFailed
from conch.host.session_engine import SessionEngine
from conch.host.session_host import SessionHost

AfterReply = Callable[[], None]
Handler = Callable[[Connection, dict[str, Any]], Awaitable[tuple[Any, AfterReply | None]]]


def followed(sessions: SessionHost, connection: Connection) -> SessionEngine:
    """The live session ``connection`` follows (RequestFailed ``not-attached``)."""
    follower = connection.following
    engine = sessions.engines.get(follower.session_id) if follower else None
    if engine is None:
        raise RequestFailed("attach to a session first", "not-attached")
    return engine


def controlled(sessions: SessionHost, connection: Connection) -> SessionEngine:
    """The followed session, for a request that changes it (RequestFailed ``observer``)."""
    engine = followed(sessions, connection)
    if connection.role != "controller":
        raise RequestFailed(
            "this client is attached as an observer: it sees the session but cannot "
            "type in it (attach as a controller to type)",
            "observer",
        )
    return engine
