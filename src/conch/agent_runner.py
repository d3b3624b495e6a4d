"""Runs agent turns: one at a time, in order, cancellable, each reported to its view.

A prompt sent while a turn runs waits in the queue (its view says so) and is never
interleaved; a queued prompt can be withdrawn before it starts. Each turn gets a frozen
TurnContext when it is sent. The view is anything that implements TurnView (the TUI's
AgentTurn widget, the host's HostTurn): this module imports no Textual.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from conch.agents.backend import AgentBackend, PermissionHandler
from conch.agents.events import (
    AgentError,
    AgentEvent,
    Decision,
    PermissionRequest,
    TurnContext,
    TurnEnded,
)
from conch.agents.turn_view import TurnView
from conch.sessions.events import TurnStatus, turn_status_for

ViewT = TypeVar("ViewT", bound=TurnView)
_prompt_ids = itertools.count(1)


def new_prompt_id() -> str:
    """A name for a queued prompt, unique in this process."""
    return f"p{next(_prompt_ids)}"


@dataclass
class QueuedPrompt(Generic[ViewT]):
    text: str
    """What is sent (may carry recent shell activity before the user's words)."""
    view: ViewT
    context: TurnContext
    """Frozen when the prompt was sent, even if it waited in the queue."""
    turn_index: int | None = None
    """The agent_prompt event's index in the journal (None: the session is not saved)."""
    id: str = field(default_factory=new_prompt_id)
    """Names the prompt to ``withdraw`` it while it waits."""


class TurnRecorder(Protocol):
    """One turn's journal writes; failures are the app's to report, never raised here."""

    def update(self, event: AgentEvent) -> None: ...

    def permission_asked(self, request: PermissionRequest) -> None: ...

    def permission(self, request: PermissionRequest, decision: Decision) -> None: ...

    def end(self, status: TurnStatus, stop_reason: str = "") -> None: ...


class TurnJournal(Protocol[ViewT]):
    """What the runner tells the session journal (the app supplies it)."""

    def turn_started(self, queued: QueuedPrompt[ViewT]) -> TurnRecorder | None: ...

    async def replay_for(self, queued: QueuedPrompt[ViewT], backend: AgentBackend) -> str:
        """Earlier conversation to prepend for an agent that has not seen it ("" if none);
        may first resume the agent's own earlier session (ACP session/load)."""
        ...

    def turn_finished(self, backend: AgentBackend) -> None:
        """Remember the agent's own session id, for session/load after a restart."""


class _RecordedPermissions:
    """Asks the user through the turn, and journals each question when it is asked (so the
    updates the agent streams while the user decides come after it, as on screen) and again
    with its answer."""

    def __init__(self, handler: PermissionHandler, recording: TurnRecorder) -> None:
        self.handler = handler
        self.recording = recording

    async def decide(self, request: PermissionRequest) -> Decision:
        self.recording.permission_asked(request)
        decision = await self.handler.decide(request)
        self.recording.permission(request, decision)
        return decision


class AgentRunner(Generic[ViewT]):
    def __init__(
        self,
        backend_factory: Callable[[], AgentBackend],
        journal: TurnJournal[ViewT] | None = None,
    ) -> None:
        self._factory = backend_factory
        self.journal = journal
        self._backend: AgentBackend | None = None
        self.pending: deque[QueuedPrompt[ViewT]] = deque()
        """Prompts waiting for their turn, oldest first."""
        self._arrived = asyncio.Event()
        self.current: ViewT | None = None
        self.cancelling = False

    @property
    def backend(self) -> AgentBackend:
        if self._backend is None:
            self._backend = self._factory()
        return self._backend

    @property
    def is_busy(self) -> bool:
        return self.current is not None or bool(self.pending)

    def submit(self, queued: QueuedPrompt[ViewT]) -> None:
        """Queue a prompt; it runs after the ones before it."""
        self.pending.append(queued)
        self._arrived.set()

    def withdraw(self, prompt_id: str) -> QueuedPrompt[ViewT] | None:
        """Take a prompt that has not started out of the queue; None when it is not
        waiting (it started, ended, or never was)."""
        for queued in self.pending:
            if queued.id == prompt_id:
                self.pending.remove(queued)
                return queued
        return None

    async def run_forever(self) -> None:
        """Take prompts from the queue and run them, one turn at a time."""
        while True:
            await self.run_next()

    async def run_next(self) -> None:
        """Wait for a prompt, then run its turn to the end."""
        while not self.pending:
            self._arrived.clear()
            await self._arrived.wait()
        await self._run(self.pending.popleft())

    async def _run(self, queued: QueuedPrompt[ViewT]) -> None:
        turn = queued.view
        context = queued.context
        self.current, self.cancelling = turn, False
        turn.start()
        recording = self.journal.turn_started(queued) if self.journal else None
        permissions: PermissionHandler = turn
        if recording is not None:
            permissions = _RecordedPermissions(turn, recording)
        stop_reason = ""
        try:
            backend = self.backend
            replay = await self.journal.replay_for(queued, backend) if self.journal else ""
            async for event in backend.prompt(replay + queued.text, context, permissions):
                if recording is not None:
                    recording.update(event)
                if isinstance(event, TurnEnded):
                    stop_reason = event.stop_reason
                await turn.apply(event)
        except Exception as error:  # a backend bug must not kill the queue
            hint = "The session is kept; try again, or check the agent log."
            failure = AgentError(f"The agent backend failed: {error!r}", hint)
            for event in (failure, TurnEnded("error")):
                if recording is not None:
                    recording.update(event)
                await turn.apply(event)
            stop_reason = "error"
        finally:
            if not turn.ended:
                stop_reason = "cancelled" if self.cancelling else "error"
                await turn.finish(stop_reason)
            turn.cancel_pending_permissions()
            self.current = None
            if recording is not None:
                self._end_recording(recording, stop_reason)
            if self.journal is not None and self._backend is not None:
                self.journal.turn_finished(self._backend)

    def _end_recording(self, recording: TurnRecorder, stop_reason: str) -> None:
        recording.end(turn_status_for(stop_reason or "error"), stop_reason)

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

    async def restart(self) -> None:
        """Close the backend; the next prompt gets a new one from the factory (which reads
        the agent chosen now: ``/agents NAME``)."""
        backend, self._backend = self._backend, None
        if backend is not None:
            await backend.close()
