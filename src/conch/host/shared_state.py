"""A live session's shared mutable state, as a Yjs document (pycrdt) every client mirrors.

What every client must show alike and that is not history: the title, the agent, the
session's state, and who is attached with which role. History stays in the journal, a
client's draft and mode stay in that client. Synced with the Yjs sync protocol over the
connection's ``Y`` frames: a client sends SYNC_STEP1, the host answers SYNC_STEP2, and every
change after that reaches each follower as a SYNC_UPDATE.

The host is the document's only writer for now: updates a client sends are ignored
(an observer must not write, and a controller has nothing to write yet), so a client that
reconnects merges cleanly by construction. Used on the host's event loop only.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from pycrdt import (
    Doc,
    Map,
    TransactionEvent,
    YMessageType,
    YSyncMessageType,
    create_update_message,
    handle_sync_message,
)

from conch.host.handshake import Role
from conch.host.live_sessions import SessionState

log = logging.getLogger("conch.host")
Broadcast = Callable[[bytes], None]
_client_keys = itertools.count(1)


class SharedState:
    def __init__(self, title: str, agent: str, state: SessionState, broadcast: Broadcast) -> None:
        self.doc: Doc[Any] = Doc()
        self.session: Map[str] = self.doc.get("session", type=Map)
        self.clients: Map[Map[str]] = self.doc.get("clients", type=Map)
        with self.doc.transaction():
            self.session["title"] = title
            self.session["agent"] = agent
            self.session["state"] = state
        self._broadcast = broadcast
        self.doc.observe(self._changed)

    def _changed(self, event: TransactionEvent) -> None:
        self._broadcast(create_update_message(event.update))

    def set_state(self, state: SessionState) -> None:
        if self.session.get("state") != state:
            self.session["state"] = state

    def add_client(self, role: Role, client: str) -> str:
        """A client attached; the key to remove it with."""
        key = f"c{next(_client_keys)}"
        self.clients[key] = Map({"role": role, "client": client})
        return key

    def remove_client(self, key: str) -> None:
        if key in self.clients:
            del self.clients[key]

    def answer(self, message: bytes) -> bytes | None:
        """The reply to a client's sync message: SYNC_STEP2 for its SYNC_STEP1; None for
        anything else (a client's own updates are not taken)."""
        if len(message) < 2 or message[0] != YMessageType.SYNC:
            return None
        if message[1] != YSyncMessageType.SYNC_STEP1:
            log.info("ignored a client's update to the shared state (the host writes it)")
            return None
        try:
            return handle_sync_message(message[1:], self.doc)
        except Exception as error:  # a malformed message is the client's problem, not ours
            log.warning("a bad sync message from a client: %s", error)
            return None
