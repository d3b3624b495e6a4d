"""Conch's side of an ACP connection: what the agent may ask the client to do.

The SDK calls these methods when the agent sends a request or a
notification: session updates become Conch events (through the translator)
and go to the backend's ``emit``; permission requests go to the UI's
``PermissionHandler``; files are read and written here; terminals live in
``acp_terminals``. Everything runs on the event loop; file access is moved
to a thread.

It must never write outside the turn's project root without asking the user
first, and never run a command anywhere but the turn's frozen cwd unless the
agent names a directory.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from acp import RequestError
from acp.interfaces import Agent
from acp.schema import (
    AllowedOutcome,
    CreateElicitationResponse,
    CreateTerminalResponse,
    DeniedOutcome,
    ElicitationMode,
    EnvVariable,
    KillTerminalResponse,
    ReadTextFileResponse,
    ReleaseTerminalResponse,
    RequestPermissionResponse,
    TerminalExitStatus,
    TerminalOutputResponse,
    ToolCallProgress,
    ToolCallStart,
    WaitForTerminalExitResponse,
    WriteTextFileResponse,
)
from acp.schema import PermissionOption as AcpPermissionOption
from acp.schema import ToolCallUpdate as AcpToolCallUpdate

from conch.agents.acp_terminals import Terminal, Terminals
from conch.agents.acp_translate import UpdateTranslator, terminal_ids
from conch.agents.backend import PermissionHandler
from conch.agents.events import (
    AgentEvent,
    Decision,
    FileDiff,
    PermissionDecided,
    PermissionOption,
    PermissionRequest,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
)
from conch.agents.write_policy import is_inside, outside_project_reason

log = logging.getLogger(__name__)

PERMISSION_REFUSED = -32001
EARLIER_UPDATES_WAIT = 1.0
"""At most this long (seconds) a question waits for the turn to show the updates before it;
the turn takes each one within a frame or two, so the bound only matters if it is stuck."""
"""JSON-RPC error code (implementation-defined range) for an action the user refused."""

OUTSIDE_PROJECT_OPTIONS = (
    PermissionOption("allow_once", "Allow this write", "allow_once"),
    PermissionOption("reject_once", "Refuse", "reject_once"),
)


def read_lines(path: str, line: int | None, limit: int | None) -> str:
    """The file's text from 1-based ``line``, at most ``limit`` lines (line endings kept)."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    if line is None and limit is None:
        return text
    lines = text.splitlines(keepends=True)
    start = max((line or 1) - 1, 0)
    end = None if limit is None else start + max(limit, 0)
    return "".join(lines[start:end])


def write_text(path: str, content: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(content, encoding="utf-8")


def old_text(path: str) -> str | None:
    """The file's current text for a diff; None when it does not exist (or is unreadable)."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


class ConchClient:
    """Answers one agent connection's requests; one turn at a time."""

    def __init__(
        self,
        emit: Callable[[AgentEvent], None],
        unshown: Callable[[], int] = lambda: 0,
        terminal_wrapper: tuple[str, ...] = (),
    ) -> None:
        self.emit = emit
        """Where translated events go (the backend's queue)."""
        self.unshown = unshown
        """How many emitted events the turn has not taken yet (the queue's size)."""
        self.session_id: str | None = None
        """Updates for any other session are ignored."""
        self.context: TurnContext | None = None
        self.permissions: PermissionHandler | None = None
        self.translator = UpdateTranslator()
        self.terminals = Terminals(self._terminal_output, terminal_wrapper)
        self._terminal_owners: dict[str, set[str]] = {}
        """terminal id -> tool calls that embed it."""
        self._decisions: set[asyncio.Task[Decision]] = set()
        self._write_ids = itertools.count(1)

    # -- turn state, driven by the backend ---------------------------------------

    def begin_turn(self, context: TurnContext, permissions: PermissionHandler) -> None:
        self.context = context
        self.permissions = permissions

    def end_turn(self) -> None:
        """The turn is over: questions still open are answered "cancelled"."""
        self.permissions = None
        self.cancel_pending_permissions()

    def cancel_pending_permissions(self) -> None:
        for task in list(self._decisions):
            task.cancel()

    # -- session/update ---------------------------------------------------------------

    async def session_update(self, session_id: str, update: Any, **kwargs: Any) -> None:
        # No await before emit: the SDK runs each notification in its own task,
        # and only an emit in the task's first step keeps the agent's order.
        if session_id != self.session_id:
            return
        event = self.translator.translate(update)
        if event is not None:
            self.emit(event)
        if isinstance(update, ToolCallStart | ToolCallProgress):
            for terminal_id in terminal_ids(update.content):
                self._embed_terminal(terminal_id, update.tool_call_id)

    # -- permissions ------------------------------------------------------------------

    async def request_permission(
        self,
        session_id: str,
        tool_call: AcpToolCallUpdate,
        options: list[AcpPermissionOption],
        **kwargs: Any,
    ) -> RequestPermissionResponse:
        request = self.translator.permission_request(tool_call, options)
        decision = await self.ask(request)
        if decision.option_id is None:
            return RequestPermissionResponse(outcome=DeniedOutcome(outcome="cancelled"))
        return RequestPermissionResponse(
            outcome=AllowedOutcome(option_id=decision.option_id, outcome="selected")
        )

    async def ask(self, request: PermissionRequest) -> Decision:
        """Ask the user; "cancelled" when no turn is running or the turn is cancelled."""
        decision = Decision(None)
        if self.permissions is not None:
            await self._after_earlier_updates()
        if self.permissions is not None:
            task = asyncio.ensure_future(self.permissions.decide(request))
            self._decisions.add(task)
            try:
                decision = await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if not task.cancelled() or (current is not None and current.cancelling()):
                    raise
            except Exception:
                log.exception("permission handler failed; answering cancelled")
            finally:
                self._decisions.discard(task)
        self.emit(
            PermissionDecided(
                request.tool_call.tool_call_id, decision.option_id, decision.option_kind
            )
        )
        return decision

    async def _after_earlier_updates(self) -> None:
        """Updates the agent sent just before asking may still wait on the queue (the SDK
        handles the request in a task of its own): let the turn take them first, so the
        question comes after them on screen and in the journal, as the agent sent them."""
        deadline = asyncio.get_running_loop().time() + EARLIER_UPDATES_WAIT
        while self.unshown() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.002)

    # -- files --------------------------------------------------------------------

    async def read_text_file(
        self,
        session_id: str,
        path: str,
        line: int | None = None,
        limit: int | None = None,
        **kwargs: Any,
    ) -> ReadTextFileResponse:
        _require_absolute(path)
        try:
            content = await asyncio.to_thread(read_lines, path, line, limit)
        except FileNotFoundError:
            raise RequestError.resource_not_found(path) from None
        except OSError as error:
            raise RequestError.internal_error({"path": path, "details": str(error)}) from None
        return ReadTextFileResponse(content=content)

    async def write_text_file(
        self, session_id: str, path: str, content: str, **kwargs: Any
    ) -> WriteTextFileResponse | None:
        _require_absolute(path)
        root = self.context.project_root if self.context else ""
        if not is_inside(path, root):
            await self._allow_outside_write(path, content, root)
        try:
            await asyncio.to_thread(write_text, path, content)
        except OSError as error:
            raise RequestError.internal_error({"path": path, "details": str(error)}) from None
        return WriteTextFileResponse()

    async def _allow_outside_write(self, path: str, content: str, root: str) -> None:
        """Ask the user before a write outside the project; RequestError if refused."""
        diff = FileDiff(path, await asyncio.to_thread(old_text, path), content)
        request = PermissionRequest(
            ToolCall(
                tool_call_id=f"conch-write-{next(self._write_ids)}",
                title=f"Write {path}",
                tool_kind="edit",
                diffs=(diff,),
                locations=(path,),
            ),
            OUTSIDE_PROJECT_OPTIONS,
            reason=outside_project_reason(root),
        )
        decision = await self.ask(request)
        if not decision.allowed:
            raise RequestError(
                PERMISSION_REFUSED,
                "The user did not allow this write outside the project",
                {"path": path, "project_root": root},
            )

    # -- terminals ----------------------------------------------------------------

    async def create_terminal(
        self,
        session_id: str,
        command: str,
        args: list[str] | None = None,
        env: list[EnvVariable] | None = None,
        cwd: str | None = None,
        output_byte_limit: int | None = None,
        **kwargs: Any,
    ) -> CreateTerminalResponse:
        if cwd is not None:
            _require_absolute(cwd)
        where = cwd or (self.context.cwd if self.context else os.getcwd())
        try:
            terminal_id = await self.terminals.create(
                command,
                args or (),
                cwd=where,
                env={variable.name: variable.value for variable in env or ()},
                output_byte_limit=output_byte_limit,
            )
        except OSError as error:
            raise RequestError.internal_error({"cwd": where, "details": str(error)}) from None
        return CreateTerminalResponse(terminal_id=terminal_id)

    async def terminal_output(
        self, session_id: str, terminal_id: str, **kwargs: Any
    ) -> TerminalOutputResponse:
        snapshot = self._terminal(terminal_id).snapshot()
        status = snapshot.exit_status
        return TerminalOutputResponse(
            output=snapshot.output,
            truncated=snapshot.truncated,
            exit_status=(
                TerminalExitStatus(exit_code=status.exit_code, signal=status.signal)
                if status
                else None
            ),
        )

    async def wait_for_terminal_exit(
        self, session_id: str, terminal_id: str, **kwargs: Any
    ) -> WaitForTerminalExitResponse:
        status = await self._terminal(terminal_id).wait()
        return WaitForTerminalExitResponse(exit_code=status.exit_code, signal=status.signal)

    async def kill_terminal(
        self, session_id: str, terminal_id: str, **kwargs: Any
    ) -> KillTerminalResponse | None:
        self._terminal(terminal_id)
        await self.terminals.kill(terminal_id)
        return KillTerminalResponse()

    async def release_terminal(
        self, session_id: str, terminal_id: str, **kwargs: Any
    ) -> ReleaseTerminalResponse | None:
        self._terminal(terminal_id)
        self._terminal_owners.pop(terminal_id, None)
        await self.terminals.release(terminal_id)
        return ReleaseTerminalResponse()

    def _terminal(self, terminal_id: str) -> Terminal:
        try:
            return self.terminals.get(terminal_id)
        except KeyError:
            raise RequestError.invalid_params(
                {"terminalId": terminal_id, "details": "unknown or released terminal"}
            ) from None

    def _embed_terminal(self, terminal_id: str, tool_call_id: str) -> None:
        """Show a terminal's output inside the tool call that embeds it (once per pair)."""
        owners = self._terminal_owners.setdefault(terminal_id, set())
        if tool_call_id in owners:
            return
        owners.add(tool_call_id)
        try:
            so_far = self.terminals.output(terminal_id).output
        except KeyError:
            return
        if so_far:
            self.emit(ToolCallUpdate(tool_call_id, content=so_far))

    def _terminal_output(self, terminal_id: str, text: str) -> None:
        for tool_call_id in sorted(self._terminal_owners.get(terminal_id, ())):
            self.emit(ToolCallUpdate(tool_call_id, content=text))

    # -- the rest of the Client interface -------------------------------------------

    async def create_elicitation(
        self, message: str, mode: ElicitationMode, **kwargs: Any
    ) -> CreateElicitationResponse:
        raise RequestError.method_not_found("elicitation/create")

    async def complete_elicitation(self, elicitation_id: str, **kwargs: Any) -> None:
        return None

    async def ext_method(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        raise RequestError.method_not_found(f"_{method}")

    async def ext_notification(self, method: str, params: dict[str, Any]) -> None:
        return None

    def on_connect(self, conn: Agent) -> None:
        return None


def _require_absolute(path: str) -> None:
    if not os.path.isabs(path):
        raise RequestError.invalid_params({"path": path, "details": "paths must be absolute"})
