"""One ACP agent process: spawning it, the handshake, its session, its log and its end.

``AgentProcess.start`` spawns the agent through the ``agent-client-protocol``
SDK, sends ``initialize`` and then ``session/new`` (or ``session/load``), and
hands back the live process with its connection and the queue its events
arrive on. ``shut_down`` terminates, kills if need be, and reaps it.

Two traps of the SDK's spawn are avoided here: the agent's stderr goes
straight to a log file (an unread stderr pipe hung an agent that wrote 2 MB
before answering ``initialize``), and the agent gets Conch's whole
environment plus the spec's ``env`` (the SDK would pass only HOME, PATH,
SHELL, TERM, dropping API keys).

It must never run a turn or decide when to restart (that is the backend's
job), and never import the SDK at module level: importing it costs ~0.65 s,
so nothing here imports it before the first start.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from conch import __version__, private
from conch.agents.acp_failures import (
    StartFailed,
    crash_error,
    install_hint,
    request_error,
    see_log,
)
from conch.agents.events import AgentError, AgentEvent, ModeUpdate, TurnContext
from conch.agents.registry import AgentSpec

if TYPE_CHECKING:
    from acp.client.connection import ClientSideConnection
    from acp.schema import PromptResponse

    from conch.agents.acp_client import ConchClient

T = TypeVar("T")

EXIT_GRACE = 1.0
"""Seconds to wait for the prompt's answer after the agent process exited."""


@dataclass(frozen=True)
class AgentExited:
    """Queue marker: the agent process has exited."""


@dataclass(frozen=True)
class PromptAnswered:
    """Queue marker: this turn's session/prompt request has an answer (or failed)."""

    task: asyncio.Task[PromptResponse]


QueueItem = AgentEvent | AgentExited | PromptAnswered


def drain(queue: asyncio.Queue[QueueItem]) -> list[AgentEvent]:
    """The events waiting in the queue (markers dropped)."""
    events: list[AgentEvent] = []
    while not queue.empty():
        item = queue.get_nowait()
        if not isinstance(item, AgentExited | PromptAnswered):
            events.append(item)
    return events


@dataclass
class AgentProcess:
    """One live agent process, its connection and session."""

    spec: AgentSpec
    stderr_log: Path
    start_timeout: float
    """Seconds the agent has to answer initialize, session/new and session/load."""
    stack: AsyncExitStack
    conn: ClientSideConnection
    process: asyncio.subprocess.Process
    client: ConchClient
    queue: asyncio.Queue[QueueItem]
    watcher: asyncio.Task[int] | None = None
    session_id: str | None = None
    supports_load: bool = False

    @property
    def is_alive(self) -> bool:
        return self.process.returncode is None

    @property
    def name(self) -> str:
        return self.spec.name

    @classmethod
    async def start(
        cls,
        spec: AgentSpec,
        context: TurnContext,
        *,
        stderr_log: Path,
        start_timeout: float,
        load_session_id: str | None = None,
        terminal_wrapper: tuple[str, ...] = (),
    ) -> AgentProcess:
        """Spawn the agent and open a session (resume ``load_session_id`` if it can)."""
        import acp

        from conch.agents.acp_client import ConchClient

        if not spec.command:
            raise StartFailed(f"{spec.name} has no command", f"set command in [agents.{spec.name}]")
        if not os.path.isdir(context.cwd):
            raise StartFailed(f"the directory {context.cwd} does not exist", "cd somewhere else")
        queue: asyncio.Queue[QueueItem] = asyncio.Queue()
        client = ConchClient(queue.put_nowait, queue.qsize, terminal_wrapper)
        stack = AsyncExitStack()
        program, *args = spec.command
        with open_log(spec, stderr_log) as log:
            try:
                conn, process = await stack.enter_async_context(
                    acp.spawn_agent_process(
                        client,
                        program,
                        *args,
                        env={**os.environ, **spec.env},
                        cwd=context.cwd,
                        # The child gets its own copy of the file descriptor.
                        transport_kwargs={"stderr": log},
                    )
                )
            except FileNotFoundError:
                raise StartFailed(
                    f"{spec.name} could not start: {program} was not found",
                    install_hint(spec),
                ) from None
            except OSError as error:
                raise StartFailed(
                    f"{spec.name} could not start: {error}", install_hint(spec)
                ) from None
        agent = cls(spec, stderr_log, start_timeout, stack, conn, process, client, queue)
        agent.watcher = asyncio.create_task(process.wait())
        agent.watcher.add_done_callback(lambda _: queue.put_nowait(AgentExited()))
        try:
            await agent._handshake(context, load_session_id)
        except BaseException:
            await agent.shut_down()
            raise
        return agent

    async def _handshake(self, context: TurnContext, load_session_id: str | None) -> None:
        """initialize, then session/new (or session/load)."""
        import acp
        from acp.schema import ClientCapabilities, FileSystemCapabilities, Implementation

        capabilities = ClientCapabilities(
            fs=FileSystemCapabilities(read_text_file=True, write_text_file=True), terminal=True
        )
        answer = await self._call(
            "initialize",
            lambda: self.conn.initialize(
                protocol_version=acp.PROTOCOL_VERSION,
                client_capabilities=capabilities,
                client_info=Implementation(name="conch", title="Conch", version=__version__),
            ),
        )
        agent_capabilities = answer.agent_capabilities
        self.supports_load = bool(agent_capabilities and agent_capabilities.load_session)
        if load_session_id is not None and self.supports_load:
            await self.load_session(load_session_id, context)
            return
        cwd = os.path.abspath(context.cwd)
        session = await self._call(
            "session/new", lambda: self.conn.new_session(cwd=cwd, mcp_servers=[])
        )
        self.session_id = session.session_id
        self.client.session_id = session.session_id
        if session.modes is not None:
            self.queue.put_nowait(ModeUpdate(session.modes.current_mode_id))

    async def load_session(self, session_id: str, context: TurnContext) -> None:
        """session/load: the replayed history lands in the queue; StartFailed if it fails."""
        # Replayed updates carry the loaded session's id: accept them from now on.
        self.client.session_id = session_id
        cwd = os.path.abspath(context.cwd)
        await self._call(
            "session/load",
            lambda: self.conn.load_session(cwd=cwd, session_id=session_id, mcp_servers=[]),
        )
        # Let the tasks of the last replayed updates run before the caller drains.
        await asyncio.sleep(0)
        self.session_id = session_id

    async def _call(self, step: str, request: Callable[[], Awaitable[T]]) -> T:
        """One start-up request, with its failures turned into StartFailed."""
        from acp import RequestError

        try:
            return await asyncio.wait_for(request(), self.start_timeout)
        except TimeoutError:
            raise StartFailed(
                f"{self.name} did not answer {step} within {self.start_timeout:.0f} s",
                see_log(self.stderr_log),
            ) from None
        except RequestError as error:
            raise StartFailed.from_error(request_error(self.name, error, self.stderr_log)) from None
        except ConnectionError:
            await self.await_exit()
            raise StartFailed.from_error(self.describe_crash(f"during {step}")) from None
        except Exception as error:  # e.g. an answer that does not match the schema
            raise StartFailed(
                f"{self.name} gave an answer Conch could not use during {step}: {error}",
                see_log(self.stderr_log),
            ) from error

    def describe_crash(self, when: str) -> AgentError:
        """The AgentError for this process having stopped ``when``."""
        return crash_error(self.name, self.process.returncode, when, self.stderr_log)

    async def await_exit(self) -> None:
        """Give a process whose pipe just closed a moment to exit, so its status is known."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.process.wait()), EXIT_GRACE)

    async def shut_down(self) -> None:
        """Release terminals, close the connection, terminate and reap the process."""
        with contextlib.suppress(Exception):
            await self.client.terminals.release_all()
        process = self.process
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
            await self.stack.aclose()
        if self.watcher is not None:
            self.watcher.cancel()


@contextlib.contextmanager
def open_log(spec: AgentSpec, stderr_log: Path) -> Iterator[int]:
    """The log file's descriptor for the agent's stderr (/dev/null if it cannot be written)."""
    try:
        handle = private.open_append(stderr_log)
    except OSError:
        yield asyncio.subprocess.DEVNULL
        return
    with handle:
        command = " ".join(spec.command)
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        handle.write(f"--- conch: starting {command} at {started}\n".encode())
        handle.flush()
        yield handle.fileno()
