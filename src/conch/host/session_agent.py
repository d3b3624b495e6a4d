"""A live session's agent in the host: its backend and its turns, on a thread of their own.

The backends are the app's (conch.agents.factory: ACP agents and the OpenAI tool loop), run
by the same AgentRunner, each turn reported to a HostTurn. They get an asyncio loop of their
own on a thread of their own: a slow agent or a tool run never delays the host's loop,
where every client of every session is served. The host's loop talks to this one only
through ``_call`` (run_coroutine_threadsafe, awaited there as a Future).

Prompts are journaled as the app journals them (the user's line, then the prompt with its
frozen context), so clients see them through the journal. ``on_change`` is told, from this
thread, whenever the queue, the questions or the working state changed. Must never import
Textual.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from conch import paths
from conch.agent_replay import AgentReplay
from conch.agent_runner import AgentRunner, QueuedPrompt, new_prompt_id
from conch.agents.backend import AgentBackend, NoAgentBackend
from conch.agents.events import TurnContext
from conch.agents.registry import AgentSpec, agent_named, switched_notice
from conch.agents.sandbox import agent_sandbox_policy, make_sandbox
from conch.config import ConchConfig
from conch.host.host_turn import HostTurn
from conch.host.permission_questions import PermissionQuestions
from conch.host.session_agent_choice import initial_agent
from conch.host.session_engine import HOST_OUTPUT_DELAY, SessionEngine
from conch.host.turn_journal import HostTurnJournal
from conch.session_recorder import SessionRecorder
from conch.sessions import events as ev
from conch_plugins.shell_mode.shell_options import ShellOptions

log = logging.getLogger("conch.host")
T = TypeVar("T")
STOP_GRACE = 3.0
"""Seconds a running turn has to end after its cancel when the host stops."""
STOP_NOTE = "The Conch host was stopped while the agent worked, so its turn was interrupted."
STOP_REASON = "the Conch host was stopped"
"""The stop reason of a turn the host interrupted (its status is ``interrupted``)."""


@dataclass(frozen=True)
class WaitingPrompt:
    """A prompt in the queue, as clients list it (and cancel it by ``id``)."""

    id: str
    text: str
    turn_index: int | None


class SessionAgent:
    def __init__(
        self,
        engine: SessionEngine,
        config: ConchConfig,
        on_change: Callable[[], None],
        flush_delay: float = HOST_OUTPUT_DELAY,
    ) -> None:
        self.engine = engine
        self.config = config
        self.spec: AgentSpec | None = initial_agent(config, engine.agent).spec
        self.questions = PermissionQuestions(on_change)
        self._on_change = on_change
        self._waiting: tuple[WaitingPrompt, ...] = ()
        self._typed: dict[str, str] = {}
        """What the user typed for each queued prompt (the queue shows it, not the shell
        activity sent before it)."""
        self._busy = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"agent-{engine.id[:8]}", daemon=True
        )
        self.replay = AgentReplay(engine.recorder, lambda text: engine.notice(text))
        journal = HostTurnJournal(engine.record, self.replay, self._loop, flush_delay)
        self._journal = journal
        self.runner: AgentRunner[HostTurn] = AgentRunner(self._make_backend, journal)
        self._turns: concurrent.futures.Future[None] | None = None

    @property
    def name(self) -> str:
        return self.spec.name if self.spec is not None else "none"

    # -- life ----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        self._turns = asyncio.run_coroutine_threadsafe(self._run_turns(), self._loop)

    async def _run_turns(self) -> None:
        while True:
            await self.runner.run_next()
            self._changed()

    def _changed(self) -> None:
        """On the agent's loop: the queue or a turn changed. The host's loop reads only this
        snapshot (the runner's deque may change under a reader on another thread)."""
        runner = self.runner
        waiting = [(q.id, self._typed.get(q.id, q.text), q.turn_index) for q in runner.pending]
        self._waiting = tuple(WaitingPrompt(*prompt) for prompt in waiting)
        # Only the prompts still queued are looked up again.
        self._typed = {prompt_id: text for prompt_id, text, _ in waiting}
        self._busy = runner.is_busy
        self._on_change()

    async def stop(self) -> None:
        """Cancel the running turn (journaled as interrupted), drop the queue (journaled as
        cancelled: those never started), end the agent."""
        with contextlib.suppress(Exception):
            await self._call(self._stop_here())
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join, 5)

    async def _stop_here(self) -> None:
        unstarted = list(self.runner.pending)
        self.runner.pending.clear()
        for queued in unstarted:
            self._journal_withdrawn(queued, "the Conch host was stopped first")
        self._journal.stopping = STOP_REASON
        if await self.runner.cancel():
            self.engine.notice(STOP_NOTE, "warning")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(STOP_GRACE):
                    while self.runner.current is not None:
                        await asyncio.sleep(0.02)
        if self._turns is not None:
            self._turns.cancel()
        await self.runner.close()

    # -- what clients ask (called on the host's loop) --------------------------------------

    async def submit(self, text: str) -> WaitingPrompt:
        """Journal the prompt and queue it for the agent's next turn."""
        spec = self.spec
        context = TurnContext(
            cwd=self.engine.shell.shell.cwd,
            mode="agent",
            agent=spec.name if spec else "none",
            model=spec.model if spec else "",
            started_at=time.time(),
            project_root=self.engine.cwd,
        )
        index = await asyncio.to_thread(
            self.engine.record, lambda recorder: recorder.prompt(text, context)
        )
        return await self._call(self._queue(text, context, index))

    async def _queue(self, text: str, context: TurnContext, index: int | None) -> WaitingPrompt:
        prompt_id = new_prompt_id()
        view = HostTurn(
            prompt_id, self.questions, self._changed, queued=self.runner.is_busy, turn_index=index
        )
        self._typed[prompt_id] = text
        # As the app sends it: what the user ran since the last prompt, then their words.
        sent = self.engine.shell_activity() + text if self.spec is not None else text
        self.runner.submit(QueuedPrompt(sent, view, context, index, prompt_id))
        self._changed()
        return WaitingPrompt(prompt_id, text, index)

    async def cancel(self, prompt_id: str) -> bool:
        """Take a prompt that has not started out of the queue (journaled as cancelled)."""
        return await self._call(self._withdraw(prompt_id))

    async def _withdraw(self, prompt_id: str) -> bool:
        queued = self.runner.withdraw(prompt_id)
        if queued is None:
            return False
        self._journal_withdrawn(queued, "cancelled before it started")
        self._changed()
        return True

    def _journal_withdrawn(self, queued: QueuedPrompt[HostTurn], why: str) -> None:
        index = queued.turn_index
        if index is not None:
            payload = ev.turn_end(index, "cancelled", why)
            self.engine.record(
                lambda recorder: recorder.journal.append(
                    recorder.session_id, ev.TURN_END, ev.CONCH, payload
                )
            )

    async def interrupt(self) -> bool:
        """Cancel the running turn; False when none runs."""
        return await self._call(self.runner.cancel())

    async def set_agent(self, name: str) -> AgentSpec:
        """From the next prompt on, ``name`` answers (a fresh agent: it gets the earlier
        turns as text). UnknownAgent when there is no such agent here."""
        spec = agent_named(self.config.agents, name)
        await self._call(self._switch(spec))
        # Stored on the session, so a restarted host or a revive keeps this agent; the
        # agent's own session id is dropped with the agent it belonged to.
        await asyncio.to_thread(self.engine.record, lambda recorder: _store_agent(recorder, spec))
        self.engine.agent = spec.name
        await asyncio.to_thread(self.engine.notice, switched_notice(spec))
        return spec

    async def _switch(self, spec: AgentSpec) -> None:
        self.spec = spec
        await self.runner.restart()
        self.replay.new_agent_instance()
        self._changed()

    async def settle(self) -> None:
        """Let the agent's loop finish what it is doing now: a turn's end is journaled (and
        seen by clients) just before the snapshot ``is_working`` reads is updated."""
        await self._call(asyncio.sleep(0))

    # -- what the host shows ---------------------------------------------------------------

    @property
    def is_working(self) -> bool:
        """A turn runs or waits: the session is ``working`` until the queue is done."""
        return self._busy

    def waiting(self) -> list[WaitingPrompt]:
        """The queue, oldest first."""
        return list(self._waiting)

    # -- plumbing --------------------------------------------------------------------------

    async def _call(self, work: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))

    def _make_backend(self) -> AgentBackend:
        spec = self.spec
        if spec is None:
            return NoAgentBackend()
        from conch.agents.factory import make_backend

        sandbox = make_sandbox(agent_sandbox_policy(self.config.agent, self.engine.cwd))
        if not sandbox.is_active:
            self.engine.notice(sandbox.describe(), "warning")
        options = ShellOptions(source_bashrc=self.config.shell.source_bashrc,
                               bash=self.config.shell.bash)  # fmt: skip
        return make_backend(
            spec,
            log_dir=Path(paths.state_dir()) / "agents",
            shell_options=options,
            sandbox=sandbox,
            user_definitions=self.engine.shell.user_definitions,
        )


def _store_agent(recorder: SessionRecorder, spec: AgentSpec) -> None:
    recorder.journal.set_agent_session_id(recorder.session_id, None, spec.name)
