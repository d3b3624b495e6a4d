"""Running the model's tool calls for Conch's own agent, one call at a time.

For each call: a ToolCall event for the UI, the user's permission for writes
and commands (unless remembered, and always outside the project), the work
(file tools in a thread, commands in the user's bash), then a ToolCallUpdate
and the text the model reads. Must never: write or run anything the user did
not allow, let a tool's failure end the turn (it becomes a failed result the
model can act on), or touch the conversation (the backend records results).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, replace
from typing import Any

from conch.agents import builtin_tools as tools
from conch.agents.builtin_tools import ToolInfo
from conch.agents.events import (
    STANDARD_OPTIONS,
    AgentEvent,
    FileDiff,
    PermissionDecided,
    PermissionRequest,
    ToolCall,
    ToolCallUpdate,
    ToolStatus,
)
from conch.agents.openai_running_command import RunningCommand
from conch.agents.openai_stream import ToolCallDraft
from conch.agents.openai_turn import Turn, TurnCancelled
from conch.agents.read_policy import ReadCheck, ReadMemory, search_root
from conch.agents.sandbox import UNSANDBOXED, Sandbox
from conch.agents.tool_arguments import ToolError, parse_arguments, resolve_path, text_argument
from conch.agents.tool_command import command_result_for_model, command_timeout
from conch.agents.tool_files import (
    apply_diff,
    diff_summary,
    list_dir,
    plan_edit,
    plan_write,
    read_file,
)
from conch.agents.tool_search import glob_files, grep_files
from conch.agents.write_policy import PermissionMemory, is_inside, outside_project_reason
from conch_plugins.shell_mode.agent_shell import AgentShell

READERS = {
    "read_file": read_file,
    "list_dir": list_dir,
    "glob": glob_files,
    "grep": grep_files,
}


class ToolRefused(Exception):
    """The user refused a tool call; the message goes back to the model."""


@dataclass
class ToolOutcome:
    """What a tool call ended with: text for the model, text and status for the UI."""

    for_model: str = ""
    shown: str | None = None
    status: ToolStatus = "completed"
    diffs: tuple[FileDiff, ...] = ()

    def fail(self, message: str) -> None:
        self.for_model = self.shown = message
        self.status = "failed"


class ToolCallRunner:
    """Runs tool calls in the agent's shell and files, asking the user first."""

    def __init__(self, shell: AgentShell, sandbox: Sandbox = UNSANDBOXED) -> None:
        self.shell = shell
        self.sandbox = sandbox
        """Where the shell's commands may write; unsandboxed, every command asks."""
        self.permission_memory = PermissionMemory()
        self.read_memory = ReadMemory()
        self._command: RunningCommand | None = None
        self._background: set[asyncio.Task[None]] = set()

    def interrupt_command(self) -> None:
        """Interrupt the command a tool call is running, if any."""
        if self._command is not None and not self._command.is_done:
            self.shell.interrupt()

    async def run(
        self, call: ToolCallDraft, turn: Turn, outcome: ToolOutcome
    ) -> AsyncGenerator[AgentEvent, None]:
        """Run ``call``, its events for the UI; ``outcome`` gets what the model reads.

        TurnCancelled propagates (after a failed update); a tool's own failure
        does not.
        """
        info = tools.TOOLS.get(call.name)
        problem = ""
        try:
            args = parse_arguments(call.arguments)
        except ToolError as error:
            args, problem = {}, str(error)
        path = args.get("path")
        tool_call = ToolCall(
            call.call_id,
            tools.describe_call(call.name, args),
            info.kind if info else "other",
            "pending" if info and info.asks_permission else "in_progress",
            raw_input=call.arguments,
            locations=(resolve_path(turn.context.cwd, path),) if isinstance(path, str) else (),
        )
        yield tool_call
        try:
            if info is None:
                raise ToolError(
                    f"there is no tool named {call.name!r}; the tools are {', '.join(tools.TOOLS)}"
                )
            if problem:
                raise ToolError(problem)
            async with aclosing(self._execute(info, args, tool_call, turn, outcome)) as events:
                async for event in events:
                    yield event
        except ToolError as error:
            outcome.fail(f"Error: {error}")
        except ToolRefused as refusal:
            outcome.fail(str(refusal))
        except OSError as error:
            outcome.fail(f"Error: {error}")
        except TurnCancelled:
            yield ToolCallUpdate(call.call_id, status="failed")
            raise
        yield ToolCallUpdate(
            call.call_id, status=outcome.status, content=outcome.shown, diffs=outcome.diffs
        )

    async def _execute(
        self,
        info: ToolInfo,
        args: dict[str, Any],
        tool_call: ToolCall,
        turn: Turn,
        outcome: ToolOutcome,
    ) -> AsyncGenerator[AgentEvent, None]:
        cwd = turn.context.cwd
        if info.name == "run_command":
            async with aclosing(self._run_command(args, tool_call, turn, outcome)) as events:
                async for event in events:
                    yield event
        elif info.changes_files:
            plan = plan_write if info.name == "write_file" else plan_edit
            diff = plan(cwd, args)
            asking = replace(tool_call, diffs=(diff,))
            root = turn.context.project_root
            outside = not is_inside(diff.path, root)
            reason = outside_project_reason(root) if outside else ""
            asked = self._ask_permission(asking, turn, reason=reason, always_ask=outside)
            async with aclosing(asked) as events:
                async for event in events:
                    yield event
            apply_diff(diff)
            outcome.for_model = outcome.shown = diff_summary(diff, cwd)
            outcome.diffs = (diff,)
        else:
            check = self.read_memory.check(_read_target(info.name, cwd, args),
                                           turn.context.project_root)  # fmt: skip
            if check.must_ask:
                asked = self._ask_permission(tool_call, turn, reason=check.reason,
                                             always_ask=True, read=check)  # fmt: skip
                async with aclosing(asked) as events:
                    async for event in events:
                        yield event
            reader = READERS[info.name]
            outcome.for_model = await turn.until_cancelled(asyncio.to_thread(reader, cwd, args))
            outcome.shown = outcome.for_model

    async def _ask_permission(
        self,
        tool_call: ToolCall,
        turn: Turn,
        *,
        reason: str = "",
        always_ask: bool = False,
        read: ReadCheck | None = None,
    ) -> AsyncGenerator[AgentEvent, None]:
        """Ask the user unless remembered (``always_ask``: whatever was remembered);
        ToolRefused when they say no. "Always allow" on a ``read`` covers its directory."""
        if always_ask or self.permission_memory.must_ask(tool_call.tool_kind):
            request = PermissionRequest(tool_call, STANDARD_OPTIONS, reason)
            try:
                decision = await turn.until_cancelled(turn.permissions.decide(request))
            except TurnCancelled:
                yield PermissionDecided(tool_call.tool_call_id, None)
                raise
            yield PermissionDecided(
                tool_call.tool_call_id, decision.option_id, decision.option_kind
            )
            if not decision.allowed:
                raise ToolRefused(
                    f"The user refused this {tool_call.title!r} call, so nothing was done. "
                    "Do not retry it; ask the user how to go on."
                )
            if read is None:
                self.permission_memory.remember(tool_call.tool_kind, decision)
            elif decision.option_kind == "allow_always":
                self.read_memory.remember(read)
        yield ToolCallUpdate(tool_call.tool_call_id, status="in_progress")

    async def _run_command(
        self, args: dict[str, Any], tool_call: ToolCall, turn: Turn, outcome: ToolOutcome
    ) -> AsyncGenerator[AgentEvent, None]:
        """Run in the user's bash, streaming its output."""
        command = text_argument(args, "command")
        timeout = command_timeout(args)
        # Unsandboxed, a command's targets cannot be known: it asks every time.
        unsandboxed = not self.sandbox.is_active
        reason = self.sandbox.permission_reason()
        asked = self._ask_permission(tool_call, turn, reason=reason, always_ask=unsandboxed)
        async with aclosing(asked) as events:
            async for event in events:
                yield event
        run = self._command = RunningCommand(self.shell, command, turn.context.cwd, timeout)
        try:
            async for text in run.output(turn):
                yield ToolCallUpdate(tool_call.tool_call_id, content=text)
        except BaseException:  # cancelled, or the reader abandoned the turn
            run.keep_interrupting(self._background)
            raise
        finally:
            self._command = None
        try:
            output, result = run.result()
        except Exception as error:  # bash could not start
            raise ToolError(f"could not run the command: {error}") from None
        outcome.for_model = command_result_for_model(
            output, result.exit_status, timed_out=result.timed_out, timeout=timeout
        )
        if result.timed_out:
            outcome.status, outcome.shown = "failed", f"\n(timed out after {timeout:.0f} s)"
        elif result.exit_status != 0:
            outcome.status, outcome.shown = "failed", f"\n(exit status {result.exit_status})"


def _read_target(tool: str, cwd: str, args: dict[str, Any]) -> str:
    """The file or folder a read tool will read (a glob: where its pattern starts)."""
    if tool == "glob":
        pattern = args.get("pattern")
        return search_root(cwd, pattern if isinstance(pattern, str) else ".")
    path = args.get("path")
    return resolve_path(cwd, path if isinstance(path, str) and path else ".")
