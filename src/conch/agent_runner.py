"""Runs agent turns for the app: one at a time, in order, cancellable.

A prompt sent while a turn runs waits in the queue (its block says so) and is
never interleaved. Each turn gets a frozen TurnContext when it starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from conch.agents.backend import AgentBackend
from conch.agents.events import AgentError, TurnContext, TurnEnded
from conch.widgets.agent_turn import AgentTurn


@dataclass
class QueuedPrompt:
    text: str
    """What is sent (may carry recent shell activity before the user's words)."""
    turn: AgentTurn
    context: TurnContext
    """Frozen when the prompt was sent, even if it waited in the queue."""


class AgentRunner:
    def __init__(self, backend_factory: Callable[[], AgentBackend]) -> None:
        self._factory = backend_factory
        self._backend: AgentBackend | None = None
        self.queue: asyncio.Queue[QueuedPrompt] = asyncio.Queue()
        self.current: AgentTurn | None = None
        self.cancelling = False

    @property
    def backend(self) -> AgentBackend:
        if self._backend is None:
            self._backend = self._factory()
        return self._backend

    @property
    def is_busy(self) -> bool:
        return self.current is not None or not self.queue.empty()

    async def run_forever(self) -> None:
        """Take prompts from the queue and run them, one turn at a time."""
        while True:
            queued = await self.queue.get()
            await self._run(queued)

    async def _run(self, queued: QueuedPrompt) -> None:
        turn = queued.turn
        context = queued.context
        if turn.queued:
            turn.start()
        self.current, self.cancelling = turn, False
        try:
            backend = self.backend
            async for event in backend.prompt(queued.text, context, turn):
                await turn.apply(event)
        except Exception as error:  # a backend bug must not kill the queue
            hint = "The session is kept; try again, or check the agent log."
            await turn.apply(AgentError(f"The agent backend failed: {error!r}", hint))
            await turn.apply(TurnEnded("error"))
        finally:
            if not turn.ended:
                await turn.finish("cancelled" if self.cancelling else "error")
            turn.cancel_pending_permissions()
            self.current = None

    async def cancel(self) -> bool:
        """Esc: cancel the running turn. False when none runs."""
        if self.current is None or self._backend is None:
            return False
        self.cancelling = True
        self.current.cancel_pending_permissions()
        await self._backend.cancel()
        return True

    async def close(self) -> None:
        if self._backend is not None:
            await self._backend.close()
