"""An agent turn in the host, as the runner reports it: the TurnView of attached clients.

What the turn streams reaches clients through the journal (turn_journal.py commits it, and
every follower of the session gets each committed event), so this view keeps only what is
not history: whether the turn is queued, running or ended, and its permission questions,
which wait in PermissionQuestions until the first controller answers. Lives on the
session agent's loop. Must never import Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from conch.agents.events import (
    AgentEvent,
    AgentUnavailable,
    Decision,
    PermissionRequest,
    TurnEnded,
)
from conch.host.permission_questions import PermissionQuestions


class HostTurn:
    def __init__(
        self,
        prompt_id: str,
        questions: PermissionQuestions,
        on_change: Callable[[], None],
        queued: bool = False,
        turn_index: int | None = None,
    ) -> None:
        self.prompt_id = prompt_id
        self.turn_index = turn_index
        """The prompt's journal index: its questions carry it, so clients find them."""
        self.questions = questions
        self.queued = queued
        self.ended = False
        self.stop_reason: str | None = None
        self._on_change = on_change

    def start(self) -> None:
        self.queued = False
        self._on_change()

    async def apply(self, event: AgentEvent) -> None:
        if isinstance(event, TurnEnded):
            await self.finish(event.stop_reason)
        elif isinstance(event, AgentUnavailable):
            await self.finish(None)

    async def decide(self, request: PermissionRequest) -> Decision:
        """Ask every controller; the first answer is the turn's."""
        question, answer = self.questions.ask(self.prompt_id, request, self.turn_index)
        try:
            return await asyncio.wrap_future(answer)
        finally:
            self.questions.withdraw(question.id)

    async def finish(self, stop_reason: str | None) -> None:
        self.ended = True
        self.stop_reason = stop_reason

    def cancel_pending_permissions(self) -> None:
        self.questions.cancel(self.prompt_id)
