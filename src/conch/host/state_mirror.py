"""A client's copy of the followed session's shared state (the host's shared_state.py).

Asks once with SYNC_STEP1 and merges whatever the host sends: its SYNC_STEP2, then every
SYNC_UPDATE. Merging is a CRDT's: order and repeats do not matter, so frames that came
before the mirror asked are covered by the host's answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from pycrdt import Array, Doc, Map, YMessageType, create_sync_message, handle_sync_message

from conch.host.client import HostConnection


class StateMirror:
    def __init__(self, connection: HostConnection) -> None:
        self.doc: Doc[Any] = Doc()
        self._session: Map[Any] = self.doc.get("session", type=Map)
        self._clients: Map[Any] = self.doc.get("clients", type=Map)
        self._queue: Array[Any] = self.doc.get("queue", type=Array)
        self._questions: Map[Any] = self.doc.get("questions", type=Map)
        self._connection = connection
        self._changed = asyncio.Event()
        self.on_change: Callable[[], None] | None = None
        """Told after each merged message from the host (on the connection's loop)."""
        connection.on_sync = self._received

    def start(self) -> None:
        """Ask the host for the state (after ``attach``)."""
        self._connection.send_sync(create_sync_message(self.doc))

    @property
    def session(self) -> dict[str, Any]:
        """title, agent and state."""
        return dict(self._session.to_py() or {})

    @property
    def clients(self) -> list[dict[str, Any]]:
        """Who is attached: each with ``role`` and ``client``."""
        return list((self._clients.to_py() or {}).values())

    @property
    def queue(self) -> list[dict[str, Any]]:
        """The prompts waiting for the agent, oldest first: each with ``id`` and ``text``."""
        return list(self._queue.to_py() or [])

    @property
    def questions(self) -> dict[str, dict[str, Any]]:
        """Permission questions waiting for an answer, by id: ``tool``, ``tool_call_id``,
        ``options`` (each with ``id``, ``name``, ``kind``), ``reason``, the asking ``prompt``
        and its ``turn`` (the journal index of its agent_prompt event; -1: not journaled)."""
        return dict(self._questions.to_py() or {})

    def _received(self, message: bytes) -> None:
        if len(message) < 2 or message[0] != YMessageType.SYNC:
            return
        reply = handle_sync_message(message[1:], self.doc)
        if reply is not None:
            self._connection.send_sync(reply)
        self._changed.set()
        if self.on_change is not None:
            self.on_change()

    async def wait_until(self, holds: Callable[[StateMirror], bool], timeout: float) -> None:
        """Return once ``holds(self)``; TimeoutError when it does not within ``timeout``."""
        async with asyncio.timeout(timeout):
            while not holds(self):
                self._changed.clear()
                await self._changed.wait()
