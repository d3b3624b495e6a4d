"""One prompt's turn in Conch's own agent: its frozen context and its cancel signal.

Everything a turn waits on (the server, the user's permission, a command)
is awaited through Turn, so a cancel wins at once instead of waiting for a
stream or a thread; TurnCancelled and TurnFailed unwind the tool loop to the
turn's end. Must never: touch the conversation or emit events (the backend
decides what a cut turn leaves behind), or leave an abandoned awaitable
running unobserved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from conch.agents.backend import PermissionHandler
from conch.agents.events import AgentError, TurnContext

T = TypeVar("T")


class TurnCancelled(Exception):
    """The user cancelled: unwinds the loop to TurnEnded("cancelled")."""


class TurnFailed(Exception):
    """The turn cannot go on; carries the AgentError the user sees."""

    def __init__(self, error: AgentError) -> None:
        super().__init__(error.message)
        self.error = error


def ignore_result(future: asyncio.Future[Any]) -> None:
    """Mark an abandoned future's exception as seen (no "never retrieved" warnings)."""
    if not future.cancelled():
        future.exception()


class Turn:
    """One prompt's state: its frozen context, its cancel signal, its unfinished text."""

    def __init__(self, context: TurnContext, permissions: PermissionHandler) -> None:
        self.context = context
        self.permissions = permissions
        self.partial_text = ""
        """Text of the reply being streamed (kept in the history if the turn is cut)."""
        self.stop_reason = "end_turn"
        self._cancelled = asyncio.Event()
        self._waiter = asyncio.ensure_future(self._cancelled.wait())

    @property
    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def close(self) -> None:
        self._waiter.cancel()

    async def wait_first(self, *futures: asyncio.Future[Any]) -> set[asyncio.Future[Any]]:
        """Wait for the first of ``futures``; TurnCancelled if the user cancels first."""
        done, _ = await asyncio.wait({*futures, self._waiter}, return_when=asyncio.FIRST_COMPLETED)
        if self.is_cancelled:
            raise TurnCancelled
        return done

    async def until_cancelled(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``, abandoning it (cancelled) when the user cancels."""
        task = asyncio.ensure_future(awaitable)
        try:
            await self.wait_first(task)
        except BaseException as error:
            task.cancel()
            task.add_done_callback(ignore_result)
            if isinstance(error, TurnCancelled):
                # Let it unwind (an HTTP read, say) before its stream is closed.
                await asyncio.wait({task}, timeout=1.0)
            raise
        return task.result()
