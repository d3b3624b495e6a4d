"""Per-session ordering of agent turns: prompts to one session never overlap.

A prompt sent while a turn of the same session runs waits its turn (first come, first
served); turns of different sessions run side by side. Only agent turns go through here: the
user's shell commands have their own bash and are never queued behind an agent.

Plain asyncio, no Textual: the app awaits ``run`` from its agent worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class SessionTurnQueue:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    async def run(self, session_id: str, turn: Callable[[], Awaitable[T]]) -> T:
        """Run ``turn()`` once every earlier turn of ``session_id`` has finished."""
        lock = self._locks.setdefault(session_id, asyncio.Lock())
        self._waiting[session_id] = self._waiting.get(session_id, 0) + 1
        try:
            async with lock:  # asyncio.Lock wakes waiters in FIFO order
                return await turn()
        finally:
            self._waiting[session_id] -= 1
            if not self._waiting[session_id]:
                del self._waiting[session_id]
                del self._locks[session_id]

    def is_busy(self, session_id: str) -> bool:
        """A turn of this session runs (or is about to)."""
        lock = self._locks.get(session_id)
        return lock is not None and lock.locked()

    def queued(self, session_id: str) -> int:
        """Turns of this session waiting behind the running one."""
        waiting = self._waiting.get(session_id, 0)
        return max(0, waiting - 1) if self.is_busy(session_id) else waiting
