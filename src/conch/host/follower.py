"""One client following one session: stored events first, then live ones, never a gap or a
duplicate. A private line's events (private_command.py) are in no journal: they go out
as they come, and only to those following then.

The follower is registered (and buffers live events) before the history is read, so an event
committed while the history is being read is either in it or in the buffer, or both; sending
only the next index dedupes. Lives on the host's event loop: ``offer`` and ``catch_up`` are
called there only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from conch.host.handshake import Role
from conch.host.private_command import UNSTORED
from conch.sessions.records import Event

log = logging.getLogger("conch.host")
Send = Callable[[dict[str, Any]], None]
SendSync = Callable[[bytes], None]
SendRaw = Callable[[bytes], None]


def _nowhere(data: bytes) -> None:
    """A follower with no terminal to draw a full-screen program on (tests' followers)."""


def event_message(event: Event) -> dict[str, Any]:
    """The journal's own record on the wire: the same fields it stores, nothing more, except
    that an event just committed carries what was typed or printed before its secrets were
    masked (``Event.shown``): clients are the user's own screens, which show everything, as
    the app's do. A client that attaches later gets the stored, masked record, as a restart
    shows it."""
    payload = event.shown if event.shown is not None else event.payload
    return {
        "type": "event",
        "session": event.session_id,
        "event": {
            "idx": event.idx,
            "kind": event.kind,
            "sender": event.sender,
            "time": event.time,
            "payload": dict(payload),
        },
    }


class Follower:
    def __init__(
        self,
        session_id: str,
        after_index: int,
        role: Role,
        send: Send,
        send_sync: SendSync,
        send_raw: SendRaw = _nowhere,
    ) -> None:
        self.session_id = session_id
        self.role = role
        self.send_sync = send_sync
        """Where the shared state's Yjs messages for this client go."""
        self.client = ""
        """The name the client gave in its hello (``user@machine pts/3``)."""
        self.send = send
        """Where this client's messages that are not events go (``full_screen``)."""
        self.send_raw = send_raw
        """Where the screen of a full-screen program this client started goes."""
        self.state_key = ""
        """This client's entry in the shared state's ``clients`` map."""
        self.last_sent = after_index
        """The index of the last event this client got (or had before attaching)."""
        self._send = send
        self._buffer: list[Event] | None = []
        """Live events that came while the history was read; None once live."""

    def offer(self, event: Event) -> None:
        if self._buffer is not None:
            self._buffer.append(event)
        else:
            self._send_if_next(event)

    def catch_up(self, history: Iterable[Event]) -> None:
        """Send the stored events, then what came meanwhile; live from now on."""
        for event in history:
            self._send_if_next(event)
        buffered, self._buffer = self._buffer or [], None
        for event in buffered:
            self._send_if_next(event)

    def _send_if_next(self, event: Event) -> None:
        if event.idx == UNSTORED:  # a private line's: in no journal, so in no history
            self._send(event_message(event))
            return
        if event.idx <= self.last_sent:
            return  # in the history and in the buffer: sent once
        if event.idx != self.last_sent + 1:
            log.error("session %s: event %d after %d", self.session_id, event.idx, self.last_sent)
        self.last_sent = event.idx
        self._send(event_message(event))
