"""What an agent backend is told of the earlier conversation, for the app and the host alike.

After a restart the agent is new: it resumes its own session if it can (ACP
``session/load``), else the journal's conversation is given to it as text, once per agent
instance (sessions/replay.py decides what and journals that it did).

The journal names each agent instance by the Conch name its recorder gave it
(``conch-…``), from its first turn to its last. The agent's own session id (an ACP agent
says it only after the first prompt) is stored on the session for ``session/load`` and
never renames the instance: renaming it after the first turn made the second turn look
like a new agent's first, and the agent got the whole history again. Must never import
Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol, TypeVar

from conch.agents.backend import AgentBackend
from conch.agents.events import AgentError, TurnContext
from conch.session_recorder import SessionRecorder
from conch.sessions.replay import take_replay
from conch.sessions.restore import plan_agent_restore

T = TypeVar("T")


class Record(Protocol):
    """Runs one journal write, guarded as its caller guards them (None: nothing written)."""

    def __call__(self, write: Callable[[SessionRecorder], T]) -> T | None: ...


Tell = Callable[[str], None]


class AgentReplay:
    """One session's link between its journal and the agent backends that serve it."""

    def __init__(self, recorder: SessionRecorder | None, tell: Tell) -> None:
        self.recorder = recorder
        self.tell = tell
        """Says something to the user (journaled as a notice by the caller)."""
        self._checked = False
        """Whether the agent's earlier session was looked for (once, at the first turn)."""
        self._stored_agent_session: str | None = None

    async def replay_for(
        self,
        backend: AgentBackend,
        turn_index: int | None,
        context: TurnContext,
        record: Record,
    ) -> str:
        """Earlier conversation to prepend to the prompt journaled at ``turn_index`` ("" if
        the agent has it); may first resume the agent's own earlier session."""
        recorder = self.recorder
        if recorder is None or turn_index is None:
            return ""
        if not self._checked:
            self._checked = True
            if await self._resume_agent_session(recorder, backend, context):
                return ""
        prompt_index = turn_index

        def take(recorder: SessionRecorder) -> str:
            return take_replay(
                recorder.journal, recorder.session_id, recorder.agent_session, prompt_index
            )

        return await asyncio.to_thread(record, take) or ""

    async def _resume_agent_session(
        self, recorder: SessionRecorder, backend: AgentBackend, context: TurnContext
    ) -> bool:
        load = getattr(backend, "load", None)
        session = await asyncio.to_thread(recorder.journal.get_session, recorder.session_id)
        wanted = plan_agent_restore(session, context.agent).load_session_id
        if load is None or wanted is None:
            return False
        failed = False
        async for event in load(wanted, context):  # its history is shown already
            failed |= isinstance(event, AgentError)
        if failed:
            self.tell(f"The agent could not resume its session {wanted[:12]}; it gets "
                      "the earlier conversation as text instead.")  # fmt: skip
            return False
        self._stored_agent_session = wanted
        return True

    def turn_finished(self, backend: AgentBackend, record: Record) -> None:
        """Store the agent's own session id, for session/load after a restart."""
        agent_session = getattr(backend, "session_id", None)
        if not isinstance(agent_session, str) or agent_session == self._stored_agent_session:
            return
        self._stored_agent_session = agent_session
        record(lambda r: r.journal.set_agent_session_id(r.session_id, agent_session))

    def new_agent_instance(self) -> None:
        """Another backend takes over (``/agents NAME``): it has seen none of the
        conversation, so its first prompt carries the earlier turns as text."""
        self._stored_agent_session = None
        if self.recorder is not None:
            self.recorder.new_agent_instance()
