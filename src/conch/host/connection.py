"""One client's connection, as the host keeps it: its role, what it follows, and its outbox.

Replies and events leave through one queue and one writer task, so a reply and the events
after it reach the client in the order the host decided, and a slow client never blocks the
loop (its frames wait in its own queue).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from conch.host.follower import Follower
from conch.host.handshake import Role
from conch.host.wire import encode_json, encode_raw, encode_sync


class Connection:
    def __init__(self, writer: asyncio.StreamWriter, role: Role, client: str) -> None:
        self.role: Role = role
        """From the hello; an attach may say otherwise for its session."""
        self.client = client
        self.following: Follower | None = None
        self._writer = writer
        self._outbox: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._pump = asyncio.create_task(self._write_out())

    def send(self, message: dict[str, Any]) -> None:
        self._outbox.put_nowait(encode_json(message))

    def send_sync(self, data: bytes) -> None:
        self._outbox.put_nowait(encode_sync(data))

    def send_raw(self, data: bytes) -> None:
        """A full-screen program's screen, for this client only (full_screen_relay.py)."""
        self._outbox.put_nowait(encode_raw(data))

    async def _write_out(self) -> None:
        with contextlib.suppress(ConnectionError):
            while (data := await self._outbox.get()) is not None:
                self._writer.write(data)
                await self._writer.drain()

    async def close(self) -> None:
        """Send what is queued, then stop writing."""
        self._outbox.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._pump, 2.0)
        self._pump.cancel()
