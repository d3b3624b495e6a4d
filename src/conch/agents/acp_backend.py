"""An ACP agent (opencode, Claude Code's adapter, Gemini CLI, ...) as an AgentBackend.

The agent runs as a child process speaking ACP over stdio, through the
``agent-client-protocol`` SDK. It starts on the first prompt (importing the
SDK costs ~0.65 s, so nothing here imports it before then), keeps one
session for the life of the process, and is started again, with a new
session, on the prompt after it crashed.

This module only keeps that life cycle and the one-turn-at-a-time state;
the process itself is ``acp_process``, a turn's events ``acp_turn`` and the
wording of failures ``acp_failures``.

``prompt`` never raises: whatever goes wrong ends the turn with an
``AgentError`` saying what the user can do, then ``TurnEnded("error")``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from conch.agents.acp_failures import StartFailed, see_log
from conch.agents.acp_process import AgentProcess, drain
from conch.agents.acp_turn import events_until_answered, send_prompt, turn_outcome
from conch.agents.backend import PermissionHandler
from conch.agents.events import AgentError, AgentEvent, TurnContext, TurnEnded
from conch.agents.registry import AgentSpec

if TYPE_CHECKING:
    from acp.schema import PromptResponse


class AcpBackend:
    """Talks to one ACP agent process; one turn at a time."""

    def __init__(
        self,
        spec: AgentSpec,
        *,
        stderr_log: Path,
        start_timeout: float = 60.0,
        terminal_wrapper: tuple[str, ...] = (),
    ) -> None:
        self.name = spec.name
        self.terminal_wrapper = terminal_wrapper
        """argv prefix for the commands the agent runs through Conch (the sandbox)."""
        self.spec = spec
        self.stderr_log = stderr_log
        """Where the agent's stderr goes (appended to; one header line per start)."""
        self.start_timeout = start_timeout
        """Seconds the agent has to answer initialize and session/new."""
        self._running: AgentProcess | None = None
        self._starting: asyncio.Task[AgentProcess] | None = None
        self._prompt: asyncio.Task[PromptResponse] | None = None
        self._cancel_requested = False

    # -- what the app reads ------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        """The agent's session id (None until the first prompt started it)."""
        return self._running.session_id if self._running else None

    @property
    def pid(self) -> int | None:
        """The agent's process id while it runs (for logs and diagnostics)."""
        return self._running.process.pid if self._running else None

    @property
    def supports_load(self) -> bool | None:
        """Whether the agent can resume a session (None: not started yet)."""
        return self._running.supports_load if self._running else None

    # -- AgentBackend ---------------------------------------------------------------

    async def prompt(
        self, text: str, context: TurnContext, permissions: PermissionHandler
    ) -> AsyncIterator[AgentEvent]:
        """Send one prompt; yield the agent's events as they arrive, TurnEnded last."""
        running, failed = await self._start_for_turn(context)
        if running is None:
            for event in failed:
                yield event
            return
        assert running.session_id is not None
        running.client.begin_turn(context, permissions)
        task = send_prompt(running, text)
        self._prompt = task
        try:
            async with contextlib.aclosing(events_until_answered(running, task)) as events:
                async for event in events:
                    yield event
        finally:
            running.client.end_turn()
            self._prompt = None
            if not task.done():
                # The caller stopped listening mid-turn: stop the agent's turn too.
                task.cancel()
                with contextlib.suppress(Exception):
                    await running.conn.cancel(session_id=running.session_id)
        outcome = await turn_outcome(
            running,
            task,
            # close() ended the agent mid-turn: the turn was cancelled, not crashed.
            closed=self._running is not running,
            cancel_requested=self._cancel_requested,
        )
        if outcome.agent_died:
            await self._forget(running)
        for event in outcome.events:
            yield event

    async def cancel(self) -> None:
        """session/cancel; open permission questions are answered "cancelled"."""
        self._cancel_requested = True
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
            return
        running = self._running
        if running is None or self._prompt is None or running.session_id is None:
            return
        with contextlib.suppress(Exception):
            await running.conn.cancel(session_id=running.session_id)
        running.client.cancel_pending_permissions()

    async def close(self) -> None:
        """End the agent process (terminate, then kill) and reap it."""
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
            with contextlib.suppress(BaseException):
                await self._starting
        if self._prompt is not None and not self._prompt.done():
            self._prompt.cancel()
        running, self._running = self._running, None
        if running is not None:
            await running.shut_down()

    # -- session/load ---------------------------------------------------------------

    async def load(self, session_id: str, context: TurnContext) -> AsyncIterator[AgentEvent]:
        """Resume an earlier session; yield its replayed history, TurnEnded last.

        Replayed user messages are not shown (Conch has no event for them).
        Agents without ``loadSession`` get an AgentError.
        """
        running, failed = await self._start_for_turn(context, session_id)
        if running is None:
            for event in failed:
                yield event
            return
        if running.session_id != session_id:
            if not running.supports_load:
                yield AgentError(f"{self.name} cannot resume sessions (no loadSession support)")
                yield TurnEnded("error")
                return
            try:
                await running.load_session(session_id, context)
            except StartFailed as failure:
                for event in drain(running.queue):
                    yield event
                yield AgentError(failure.message, failure.hint)
                yield TurnEnded("error")
                return
        for event in drain(running.queue):
            yield event
        yield TurnEnded("end_turn")

    # -- starting and forgetting ----------------------------------------------------

    async def _start_for_turn(
        self, context: TurnContext, load_session_id: str | None = None
    ) -> tuple[AgentProcess | None, list[AgentEvent]]:
        """The running agent for a new turn, or None and the events that end the turn."""
        self._cancel_requested = False
        try:
            running = await self._ensure_running(context, load_session_id)
        except StartFailed as failure:
            return None, [AgentError(failure.message, failure.hint), TurnEnded("error")]
        if running is None:
            return None, [TurnEnded("cancelled")]
        return running, []

    async def _ensure_running(
        self, context: TurnContext, load_session_id: str | None = None
    ) -> AgentProcess | None:
        """The live agent, started if needed; None if cancel() interrupted the start."""
        if self._running is not None and self._running.is_alive:
            return self._running
        if self._running is not None:
            await self._forget(self._running)
        start = asyncio.create_task(
            AgentProcess.start(
                self.spec,
                context,
                stderr_log=self.stderr_log,
                start_timeout=self.start_timeout,
                load_session_id=load_session_id,
                terminal_wrapper=self.terminal_wrapper,
            )
        )
        self._starting = start
        try:
            self._running = await start
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not start.cancelled() or (current is not None and current.cancelling()):
                raise
            return None
        except StartFailed:
            raise
        except Exception as error:  # prompt() must not raise, whatever the agent did
            raise StartFailed(
                f"{self.name} could not start: {type(error).__name__}: {error}",
                see_log(self.stderr_log),
            ) from error
        finally:
            self._starting = None
        return self._running

    async def _forget(self, running: AgentProcess) -> None:
        """Drop a dead (or failed) agent so the next prompt starts a new one."""
        if self._running is running:
            self._running = None
        await running.shut_down()
