"""Who follows each live session, and how what is meant for them gets to the event loop.

Each client that attaches follows one session (follower.py). The journal's listener and the
engine's callbacks are called on the committing thread or the session's threads; clients
are written to from the host's event loop only, so those callbacks hop there
(``from_thread``), in the order they were called. A message meant for one client (help
after its failed line, a full-screen program's screen) goes to it only while it still
follows the session. Lives on the event loop, except ``from_thread``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from conch.host.follower import Follower
from conch.host.full_screen_relay import FullScreenProgram
from conch.sessions.records import Event


class SessionFollowers:
    """The followers of each live session, by session id."""

    def __init__(self) -> None:
        self._by_session: dict[str, set[Follower]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def run_on(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop clients are written to from."""
        self._loop = loop

    def from_thread(self, callback: Callable[..., None], *args: Any) -> None:
        """Call ``callback(*args)`` on the loop, after what was asked before it; from any
        thread. Nothing once the loop has closed: the host is ending."""
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(callback, *args)

    def of(self, session_id: str) -> frozenset[Follower]:
        return frozenset(self._by_session.get(session_id, ()))

    def add(self, follower: Follower) -> None:
        self._by_session.setdefault(follower.session_id, set()).add(follower)

    def remove(self, follower: Follower) -> None:
        self._by_session.get(follower.session_id, set()).discard(follower)

    def forget(self, session_id: str) -> None:
        """The session stopped: nobody follows it any more."""
        self._by_session.pop(session_id, None)

    def offer(self, event: Event) -> None:
        """A committed event (or a private line's) to each follower of its session."""
        for follower in self.of(event.session_id):
            follower.offer(event)

    def send_sync(self, session_id: str, message: bytes) -> None:
        """A shared-state (Yjs) update to each follower of the session."""
        for follower in self.of(session_id):
            follower.send_sync(message)

    def send_to(self, session_id: str, owner: object, message: dict[str, Any]) -> None:
        """``message`` to ``owner`` only, if it still follows the session."""
        if isinstance(owner, Follower) and owner in self._by_session.get(session_id, ()):
            owner.send(message)

    def send_screen(self, session_id: str, owner: object, data: bytes) -> None:
        """A piece of a full-screen program's screen to its owner, if it still follows."""
        if isinstance(owner, Follower) and owner in self._by_session.get(session_id, ()):
            owner.send_raw(data)

    def tell_full_screen(
        self, session_id: str, program: FullScreenProgram | None, only: Follower | None = None
    ) -> None:
        """That a full-screen program took the session's screen (None: gave it back), to
        ``only`` or to every follower; each is told whether it is the one it draws for."""
        followers = [only] if only is not None else list(self.of(session_id))
        for follower in followers:
            follower.send({
                "type": "full_screen",
                "session": session_id,
                "program": program.program if program else "",
                "yours": program is not None and program.owner is follower,
            })  # fmt: skip
