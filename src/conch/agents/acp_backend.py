"""An ACP agent (opencode, Claude Code's adapter, Gemini CLI, ...) as an AgentBackend.

The agent runs as a child process speaking ACP over stdio, through the
``agent-client-protocol`` SDK. It starts on the first prompt (importing the
SDK costs ~0.65 s, so nothing here imports it before then), keeps one
session for the life of the process, and is started again, with a new
session, on the prompt after it crashed.

Two traps of the SDK's spawn are avoided here: the agent's stderr goes
straight to a log file (an unread stderr pipe hung an agent that wrote 2 MB
before answering ``initialize``), and the agent gets Conch's whole
environment plus the spec's ``env`` (the SDK would pass only HOME, PATH,
SHELL, TERM, dropping API keys).

``prompt`` never raises: whatever goes wrong ends the turn with an
``AgentError`` saying what the user can do, then ``TurnEnded("error")``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from conch import __version__
from conch.agents.backend import PermissionHandler
from conch.agents.events import (
    AgentError,
    AgentEvent,
    ModeUpdate,
    TurnContext,
    TurnEnded,
)
from conch.agents.registry import AgentSpec

if TYPE_CHECKING:
    from acp.client.connection import ClientSideConnection
    from acp.schema import PromptResponse

    from conch.agents.acp_client import ConchClient

INSTALL_HINTS: dict[str, str] = {
    "opencode": "npm install -g opencode-ai",
    "claude-agent-acp": "npm install -g @zed-industries/claude-agent-acp",
    "codex-acp": "npm install -g @zed-industries/codex-acp",
    "gemini": "npm install -g @google/gemini-cli",
    "vibe-acp": "pip install mistral-vibe (needs Python 3.12 or newer)",
    "fast-agent-acp": "pip install fast-agent-acp",
}
"""How to install the programs of the ACP presets (registry.ACP_PRESETS)."""

T = TypeVar("T")

AUTH_REQUIRED = -32000
LOG_TAIL_LINES = 8
EXIT_GRACE = 1.0
"""Seconds to wait for the prompt's answer after the agent process exited."""


class _StartFailed(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class _AgentExited:
    """Queue marker: the agent process has exited."""


@dataclass(frozen=True)
class _PromptAnswered:
    """Queue marker: this turn's session/prompt request has an answer (or failed)."""

    task: asyncio.Task[PromptResponse]


_Item = AgentEvent | _AgentExited | _PromptAnswered


@dataclass
class _Running:
    """One live agent process, its connection and session."""

    stack: AsyncExitStack
    conn: ClientSideConnection
    process: asyncio.subprocess.Process
    client: ConchClient
    queue: asyncio.Queue[_Item]
    watcher: asyncio.Task[int] | None = None
    session_id: str | None = None
    supports_load: bool = False

    @property
    def is_alive(self) -> bool:
        return self.process.returncode is None


def install_hint(spec: AgentSpec) -> str:
    program = Path(spec.command[0]).name if spec.command else ""
    if program in INSTALL_HINTS:
        return f"{program} is not installed: {INSTALL_HINTS[program]}"
    return f"install {program or 'the agent'} or fix the command in [agents.{spec.name}]"


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of the agent's log, for an error message ("" if none)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(size - 4096, 0))
            data = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line for line in data.splitlines() if line.strip() and not line.startswith("--- conch")]
    return "\n".join(kept[-lines:])


class AcpBackend:
    """Talks to one ACP agent process; one turn at a time."""

    def __init__(self, spec: AgentSpec, *, stderr_log: Path, start_timeout: float = 60.0) -> None:
        self.name = spec.name
        self.spec = spec
        self.stderr_log = stderr_log
        """Where the agent's stderr goes (appended to; one header line per start)."""
        self.start_timeout = start_timeout
        """Seconds the agent has to answer initialize and session/new."""
        self._running: _Running | None = None
        self._starting: asyncio.Task[_Running] | None = None
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
        from acp import text_block

        self._cancel_requested = False
        try:
            running = await self._ensure_running(context)
        except _StartFailed as failure:
            yield AgentError(failure.message, failure.hint)
            yield TurnEnded("error")
            return
        if running is None:
            yield TurnEnded("cancelled")
            return
        assert running.session_id is not None
        running.client.begin_turn(context, permissions)
        task = asyncio.create_task(
            running.conn.prompt(session_id=running.session_id, prompt=[text_block(text)])
        )
        task.add_done_callback(lambda done: running.queue.put_nowait(_PromptAnswered(done)))
        self._prompt = task
        try:
            async with contextlib.aclosing(self._events_until_answered(running, task)) as events:
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
        for event in await self._turn_outcome(running, task):
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
            await _shut_down(running)

    # -- session/load ---------------------------------------------------------------

    async def load(self, session_id: str, context: TurnContext) -> AsyncIterator[AgentEvent]:
        """Resume an earlier session; yield its replayed history, TurnEnded last.

        Replayed user messages are not shown (Conch has no event for them).
        Agents without ``loadSession`` get an AgentError.
        """
        self._cancel_requested = False
        try:
            running = await self._ensure_running(context, load_session_id=session_id)
        except _StartFailed as failure:
            yield AgentError(failure.message, failure.hint)
            yield TurnEnded("error")
            return
        if running is None:
            yield TurnEnded("cancelled")
            return
        if running.session_id != session_id:
            if not running.supports_load:
                yield AgentError(f"{self.name} cannot resume sessions (no loadSession support)")
                yield TurnEnded("error")
                return
            try:
                await self._load_session(running, session_id, context)
            except _StartFailed as failure:
                for event in _drain(running.queue):
                    yield event
                yield AgentError(failure.message, failure.hint)
                yield TurnEnded("error")
                return
        for event in _drain(running.queue):
            yield event
        yield TurnEnded("end_turn")

    # -- the turn -----------------------------------------------------------------

    async def _events_until_answered(
        self, running: _Running, task: asyncio.Task[PromptResponse]
    ) -> AsyncGenerator[AgentEvent, None]:
        """The queue's events until the prompt is answered or the agent has died."""
        while True:
            item = await running.queue.get()
            if isinstance(item, _PromptAnswered):
                if item.task is task:
                    return
                continue  # an abandoned earlier turn's answer
            if isinstance(item, _AgentExited):
                # Its last answer may still be in the pipe: give the reader a moment.
                with contextlib.suppress(asyncio.TimeoutError, Exception):
                    await asyncio.wait_for(asyncio.shield(task), EXIT_GRACE)
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task
                for event in _drain(running.queue):
                    yield event
                return
            yield item

    async def _turn_outcome(
        self, running: _Running, task: asyncio.Task[PromptResponse]
    ) -> list[AgentEvent]:
        """The events that close the turn: TurnEnded, after an AgentError if it failed."""
        events: list[AgentEvent] = list(_drain(running.queue))
        if task.cancelled() and self._running is not running:
            events.append(TurnEnded("cancelled"))  # close() ended the agent mid-turn
            return events
        if task.cancelled():
            error: BaseException | None = ConnectionError("the agent process exited")
        else:
            error = task.exception()
        if error is None:
            events.append(TurnEnded(task.result().stop_reason))
        elif not running.is_alive or isinstance(error, ConnectionError):
            await _await_exit(running)
            crash = self._crash_error(running, "during the turn")
            await self._forget(running)
            events += [crash, TurnEnded("error")]
        elif self._cancel_requested:
            # Some agents answer a cancelled turn with an error, not stopReason "cancelled".
            events.append(TurnEnded("cancelled"))
        else:
            events += [self._request_error(error), TurnEnded("error")]
        return events

    def _crash_error(self, running: _Running, when: str) -> AgentError:
        status = running.process.returncode
        message = f"{self.name} stopped {when}" + (
            f" (exit status {status})" if status is not None else ""
        )
        tail = log_tail(self.stderr_log)
        if tail:
            message += f"\nLast lines of its log:\n{tail}"
        return AgentError(
            message,
            f"see the agent log at {self.stderr_log}; the next prompt starts it again",
        )

    def _request_error(self, error: BaseException) -> AgentError:
        from acp import RequestError

        if isinstance(error, RequestError):
            detail = f": {error.data}" if error.data else ""
            hint = f"see the agent log at {self.stderr_log}"
            if error.code == AUTH_REQUIRED:
                hint = f"{self.name} needs you to log in with its own command first"
            return AgentError(f"{self.name} answered with an error: {error}{detail}", hint)
        return AgentError(
            f"{self.name}: {type(error).__name__}: {error}",
            f"see the agent log at {self.stderr_log}",
        )

    # -- starting and stopping ------------------------------------------------------

    async def _ensure_running(
        self, context: TurnContext, load_session_id: str | None = None
    ) -> _Running | None:
        """The live agent, started if needed; None if cancel() interrupted the start."""
        if self._running is not None and self._running.is_alive:
            return self._running
        if self._running is not None:
            await self._forget(self._running)
        start = asyncio.create_task(self._start(context, load_session_id))
        self._starting = start
        try:
            self._running = await start
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not start.cancelled() or (current is not None and current.cancelling()):
                raise
            return None
        except _StartFailed:
            raise
        except Exception as error:  # prompt() must not raise, whatever the agent did
            raise _StartFailed(
                f"{self.name} could not start: {type(error).__name__}: {error}",
                f"see the agent log at {self.stderr_log}",
            ) from error
        finally:
            self._starting = None
        return self._running

    async def _start(self, context: TurnContext, load_session_id: str | None) -> _Running:
        import acp

        from conch.agents.acp_client import ConchClient

        if not self.spec.command:
            raise _StartFailed(
                f"{self.name} has no command", f"set command in [agents.{self.name}]"
            )
        if not os.path.isdir(context.cwd):
            raise _StartFailed(f"the directory {context.cwd} does not exist", "cd somewhere else")
        queue: asyncio.Queue[_Item] = asyncio.Queue()
        client = ConchClient(queue.put_nowait)
        stack = AsyncExitStack()
        program, *args = self.spec.command
        with self._open_log() as log:
            try:
                conn, process = await stack.enter_async_context(
                    acp.spawn_agent_process(
                        client,
                        program,
                        *args,
                        env={**os.environ, **self.spec.env},
                        cwd=context.cwd,
                        # The child gets its own copy of the file descriptor.
                        transport_kwargs={"stderr": log},
                    )
                )
            except FileNotFoundError:
                raise _StartFailed(
                    f"{self.name} could not start: {program} was not found",
                    install_hint(self.spec),
                ) from None
            except OSError as error:
                raise _StartFailed(
                    f"{self.name} could not start: {error}", install_hint(self.spec)
                ) from None
        running = _Running(stack, conn, process, client, queue)
        running.watcher = asyncio.create_task(process.wait())
        running.watcher.add_done_callback(lambda _: queue.put_nowait(_AgentExited()))
        try:
            await self._handshake(running, context, load_session_id)
        except BaseException:
            await _shut_down(running)
            raise
        return running

    @contextlib.contextmanager
    def _open_log(self) -> Iterator[int]:
        """The log file's descriptor for the agent's stderr (/dev/null if it cannot be written)."""
        try:
            self.stderr_log.parent.mkdir(parents=True, exist_ok=True)
            handle = self.stderr_log.open("ab")
        except OSError:
            yield asyncio.subprocess.DEVNULL
            return
        with handle:
            command = " ".join(self.spec.command)
            started = time.strftime("%Y-%m-%d %H:%M:%S")
            handle.write(f"--- conch: starting {command} at {started}\n".encode())
            handle.flush()
            yield handle.fileno()

    async def _handshake(
        self, running: _Running, context: TurnContext, load_session_id: str | None
    ) -> None:
        """initialize, then session/new (or session/load)."""
        import acp
        from acp.schema import ClientCapabilities, FileSystemCapabilities, Implementation

        capabilities = ClientCapabilities(
            fs=FileSystemCapabilities(read_text_file=True, write_text_file=True), terminal=True
        )
        answer = await self._call(
            "initialize",
            running,
            lambda: running.conn.initialize(
                protocol_version=acp.PROTOCOL_VERSION,
                client_capabilities=capabilities,
                client_info=Implementation(name="conch", title="Conch", version=__version__),
            ),
        )
        agent_capabilities = answer.agent_capabilities
        running.supports_load = bool(agent_capabilities and agent_capabilities.load_session)
        if load_session_id is not None and running.supports_load:
            await self._load_session(running, load_session_id, context)
            return
        cwd = os.path.abspath(context.cwd)
        session = await self._call(
            "session/new", running, lambda: running.conn.new_session(cwd=cwd, mcp_servers=[])
        )
        running.session_id = session.session_id
        running.client.session_id = session.session_id
        if session.modes is not None:
            running.queue.put_nowait(ModeUpdate(session.modes.current_mode_id))

    async def _load_session(self, running: _Running, session_id: str, context: TurnContext) -> None:
        # Replayed updates carry the loaded session's id: accept them from now on.
        running.client.session_id = session_id
        cwd = os.path.abspath(context.cwd)
        await self._call(
            "session/load",
            running,
            lambda: running.conn.load_session(cwd=cwd, session_id=session_id, mcp_servers=[]),
        )
        # Let the tasks of the last replayed updates run before the caller drains.
        await asyncio.sleep(0)
        running.session_id = session_id

    async def _call(self, step: str, running: _Running, request: Callable[[], Awaitable[T]]) -> T:
        """One start-up request, with its failures turned into _StartFailed."""
        from acp import RequestError

        try:
            return await asyncio.wait_for(request(), self.start_timeout)
        except TimeoutError:
            raise _StartFailed(
                f"{self.name} did not answer {step} within {self.start_timeout:.0f} s",
                f"see the agent log at {self.stderr_log}",
            ) from None
        except RequestError as error:
            failure = self._request_error(error)
            raise _StartFailed(failure.message, failure.hint) from None
        except ConnectionError:
            await _await_exit(running)
            failure = self._crash_error(running, f"during {step}")
            raise _StartFailed(failure.message, failure.hint) from None
        except Exception as error:  # e.g. an answer that does not match the schema
            raise _StartFailed(
                f"{self.name} gave an answer Conch could not use during {step}: {error}",
                f"see the agent log at {self.stderr_log}",
            ) from error

    async def _forget(self, running: _Running) -> None:
        """Drop a dead (or failed) agent so the next prompt starts a new one."""
        if self._running is running:
            self._running = None
        await _shut_down(running)


def _drain(queue: asyncio.Queue[_Item]) -> list[AgentEvent]:
    """The events waiting in the queue (markers dropped)."""
    events: list[AgentEvent] = []
    while not queue.empty():
        item = queue.get_nowait()
        if not isinstance(item, _AgentExited | _PromptAnswered):
            events.append(item)
    return events


async def _await_exit(running: _Running) -> None:
    """Give a process whose pipe just closed a moment to exit, so its status is known."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(running.process.wait()), EXIT_GRACE)


async def _shut_down(running: _Running) -> None:
    """Release terminals, close the connection, terminate and reap the process."""
    with contextlib.suppress(Exception):
        await running.client.terminals.release_all()
    process = running.process
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 2.0)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    with contextlib.suppress(Exception):
        await running.stack.aclose()
    if running.watcher is not None:
        running.watcher.cancel()
