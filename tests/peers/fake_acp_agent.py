"""A scripted ACP agent for tests, built on the SDK's agent side (``acp.run_agent``).

Run as ``python tests/peers/fake_acp_agent.py SCRIPT``; SCRIPT picks a behaviour,
and the prompt's text carries its parameters (a path, a word). Results the
test must check come back as agent message text, often JSON. It never talks
to a model and never touches files other than the ones a test names.

Scripts: chat, report, permission, permission_streaming, fs, write_outside, terminal, plan,
slow, slow_permission, crash, crash_on_start, slow_start, noisy, load, echo (by the
prompt's last line: ``gate`` asks permission, ``wait`` runs until cancelled, anything else
is said back whole as ``received: …``, replay included).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from typing import Any, Literal

import acp
from acp import RequestError, run_agent, text_block, update_agent_message_text
from acp.helpers import (
    plan_entry,
    start_tool_call,
    tool_content,
    tool_diff_content,
    tool_terminal_ref,
    update_agent_thought_text,
    update_available_commands,
    update_current_mode,
    update_plan,
    update_tool_call,
    update_user_message_text,
)
from acp.schema import (
    AgentCapabilities,
    AllowedOutcome,
    AvailableCommand,
    ClientCapabilities,
    Implementation,
    InitializeResponse,
    LoadSessionResponse,
    NewSessionResponse,
    PermissionOption,
    PromptResponse,
    ToolCallLocation,
    ToolCallUpdate,
)

NOISE_BYTES = 2 * 1024 * 1024


class FakeAgent:
    def __init__(self, script: str) -> None:
        self.script = script
        self.client: Any = None
        self.capabilities: ClientCapabilities | None = None
        self.session_cwd = ""
        self.cancelled = asyncio.Event()

    def on_connect(self, conn: Any) -> None:
        self.client = conn

    async def initialize(
        self,
        protocol_version: int,
        client_capabilities: ClientCapabilities | None = None,
        client_info: Implementation | None = None,
        **kwargs: Any,
    ) -> InitializeResponse:
        if self.script == "crash_on_start":
            sys.stderr.write("fatal: the fake agent's config is broken\n")
            sys.stderr.flush()
            os._exit(2)
        if self.script == "slow_start":
            await asyncio.sleep(30)
        if self.script == "noisy":
            sys.stderr.write("x" * (NOISE_BYTES - 1) + "\n")
            sys.stderr.flush()
        self.capabilities = client_capabilities
        return InitializeResponse(
            protocol_version=acp.PROTOCOL_VERSION,
            agent_capabilities=AgentCapabilities(load_session=self.script == "load"),
            agent_info=Implementation(name="fake-acp-agent", version="1"),
        )

    async def new_session(
        self, cwd: str, mcp_servers: Any = None, **kwargs: Any
    ) -> NewSessionResponse:
        self.session_cwd = cwd
        return NewSessionResponse(session_id=f"fake-{uuid.uuid4().hex[:8]}")

    async def load_session(
        self, cwd: str, session_id: str, mcp_servers: Any = None, **kwargs: Any
    ) -> LoadSessionResponse:
        self.session_cwd = cwd
        await self.client.session_update(session_id, update_user_message_text("earlier question"))
        await self.client.session_update(session_id, update_agent_message_text("earlier answer"))
        return LoadSessionResponse()

    async def cancel(self, session_id: str, **kwargs: Any) -> None:
        self.cancelled.set()

    async def prompt(self, session_id: str, prompt: list[Any], **kwargs: Any) -> PromptResponse:
        text = "".join(getattr(block, "text", "") for block in prompt)
        self.cancelled.clear()
        handler = getattr(self, f"run_{self.script}", None)
        if handler is None:
            await self.say(session_id, f"unknown script {self.script}")
            return PromptResponse(stop_reason="end_turn")
        stop_reason: str = await handler(session_id, text)
        return PromptResponse(stop_reason=stop_reason)  # type: ignore[arg-type]

    async def say(self, session_id: str, text: str) -> None:
        await self.client.session_update(session_id, update_agent_message_text(text))

    # -- scripts ------------------------------------------------------------------

    async def run_chat(self, session_id: str, text: str) -> str:
        await self.client.session_update(session_id, update_user_message_text(text))
        await self.client.session_update(session_id, update_agent_thought_text("thinking it over"))
        for chunk in ("Hello", ", ", "world"):
            await self.say(session_id, chunk)
        return "end_turn"

    async def run_report(self, session_id: str, text: str) -> str:
        caps = self.capabilities
        report = {
            "secret": os.environ.get("CONCH_FAKE_SECRET"),
            "from_parent": os.environ.get("CONCH_FROM_PARENT"),
            "home": os.environ.get("HOME"),
            "session_cwd": self.session_cwd,
            "process_cwd": os.getcwd(),
            "fs_read": bool(caps and caps.fs and caps.fs.read_text_file),
            "fs_write": bool(caps and caps.fs and caps.fs.write_text_file),
            "terminal": bool(caps and caps.terminal),
        }
        await self.say(session_id, json.dumps(report))
        return "end_turn"

    async def run_permission(self, session_id: str, text: str) -> str:
        path = os.path.join(self.session_cwd, "notes.txt")
        await self.client.session_update(
            session_id,
            start_tool_call(
                "edit-1",
                "Edit notes.txt",
                kind="edit",
                status="pending",
                content=[tool_diff_content(path, "new line\n", "old line\n")],
                locations=[ToolCallLocation(path=path, line=1)],
                raw_input={"path": path},
            ),
        )
        answer = await self.client.request_permission(
            session_id=session_id,
            tool_call=ToolCallUpdate(tool_call_id="edit-1"),
            options=[
                PermissionOption(option_id="allow", name="Allow", kind="allow_once"),
                PermissionOption(option_id="reject", name="Reject", kind="reject_once"),
            ],
        )
        outcome = answer.outcome
        if isinstance(outcome, AllowedOutcome):
            chosen = outcome.option_id
            status: Literal["completed", "failed"] = "completed" if chosen == "allow" else "failed"
            result = "applied" if chosen == "allow" else "refused"
            await self.client.session_update(
                session_id,
                update_tool_call(
                    "edit-1", status=status, content=[tool_content(text_block(result))]
                ),
            )
            await self.say(session_id, f"outcome={chosen}")
            return "end_turn"
        await self.say(session_id, "outcome=cancelled")
        return "cancelled"

    async def run_permission_streaming(self, session_id: str, text: str) -> str:
        """Asks, then keeps talking while the user decides (ACP allows updates meanwhile)."""
        await self.say(session_id, "I will edit notes.txt.")
        await self.client.session_update(
            session_id, start_tool_call("edit-1", "Edit notes.txt", kind="edit", status="pending")
        )
        asking = asyncio.ensure_future(
            self.client.request_permission(
                session_id=session_id,
                tool_call=ToolCallUpdate(tool_call_id="edit-1"),
                options=[
                    PermissionOption(option_id="allow", name="Allow", kind="allow_once"),
                    PermissionOption(option_id="reject", name="Reject", kind="reject_once"),
                ],
            )
        )
        await asyncio.sleep(0.3)  # the request is on its way before the words below
        await self.say(session_id, "Meanwhile I read the rest of the file.")
        await self.client.session_update(
            session_id, start_tool_call("read-1", "Read notes.txt", kind="read", status="completed")
        )
        answer = await asking
        chosen = answer.outcome.option_id if isinstance(answer.outcome, AllowedOutcome) else "none"
        await self.say(session_id, f"outcome={chosen}")
        return "end_turn"

    async def run_fs(self, session_id: str, text: str) -> str:
        project = text.strip()
        results: dict[str, Any] = {}
        read = await self.client.read_text_file(
            session_id=session_id, path=os.path.join(project, "input.txt"), line=2, limit=2
        )
        results["read"] = read.content
        whole = await self.client.read_text_file(
            session_id=session_id, path=os.path.join(project, "input.txt")
        )
        results["whole"] = whole.content
        await self.client.write_text_file(
            session_id=session_id,
            path=os.path.join(project, "out", "output.txt"),
            content="written by the agent\n",
        )
        results["write"] = "ok"
        for name, path in (("missing", os.path.join(project, "nope.txt")), ("relative", "x.txt")):
            try:
                await self.client.read_text_file(session_id=session_id, path=path)
                results[name] = "no error"
            except RequestError as error:
                results[name] = error.code
        await self.say(session_id, json.dumps(results))
        return "end_turn"

    async def run_write_outside(self, session_id: str, text: str) -> str:
        try:
            await self.client.write_text_file(
                session_id=session_id, path=text.strip(), content="outside\n"
            )
            await self.say(session_id, "write=ok")
        except RequestError as error:
            await self.say(session_id, f"write=refused {error.code}")
        return "end_turn"

    async def run_terminal(self, session_id: str, text: str) -> str:
        client = self.client
        results: dict[str, Any] = {}
        created = await client.create_terminal(session_id=session_id, command="echo hi; pwd")
        terminal_id = created.terminal_id
        await client.session_update(
            session_id,
            start_tool_call(
                "run-1",
                "echo hi; pwd",
                kind="execute",
                status="in_progress",
                content=[tool_terminal_ref(terminal_id)],
            ),
        )
        exited = await client.wait_for_terminal_exit(session_id=session_id, terminal_id=terminal_id)
        output = await client.terminal_output(session_id=session_id, terminal_id=terminal_id)
        results["first"] = {
            "exit_code": exited.exit_code,
            "output": output.output,
            "truncated": output.truncated,
            "status_code": output.exit_status.exit_code if output.exit_status else "running",
        }
        await client.release_terminal(session_id=session_id, terminal_id=terminal_id)
        await client.session_update(session_id, update_tool_call("run-1", status="completed"))

        limited = await client.create_terminal(
            session_id=session_id,
            command="printf",
            args=["%s", "0123456789abcdef"],
            output_byte_limit=10,
        )
        await client.wait_for_terminal_exit(session_id=session_id, terminal_id=limited.terminal_id)
        output = await client.terminal_output(
            session_id=session_id, terminal_id=limited.terminal_id
        )
        results["limited"] = {"output": output.output, "truncated": output.truncated}
        await client.release_terminal(session_id=session_id, terminal_id=limited.terminal_id)

        sleeper = await client.create_terminal(session_id=session_id, command="sleep 30")
        running = await client.terminal_output(
            session_id=session_id, terminal_id=sleeper.terminal_id
        )
        results["running_status"] = running.exit_status is None
        await client.kill_terminal(session_id=session_id, terminal_id=sleeper.terminal_id)
        killed = await client.wait_for_terminal_exit(
            session_id=session_id, terminal_id=sleeper.terminal_id
        )
        results["killed"] = {"exit_code": killed.exit_code, "signal": killed.signal}
        await client.release_terminal(session_id=session_id, terminal_id=sleeper.terminal_id)
        try:
            await client.terminal_output(session_id=session_id, terminal_id=sleeper.terminal_id)
            results["released"] = "still there"
        except RequestError as error:
            results["released"] = error.code
        await self.say(session_id, json.dumps(results))
        return "end_turn"

    async def run_plan(self, session_id: str, text: str) -> str:
        await self.client.session_update(
            session_id,
            update_plan(
                [
                    plan_entry("Read the code", priority="high", status="completed"),
                    plan_entry("Fix the bug", priority="medium", status="in_progress"),
                ]
            ),
        )
        await self.client.session_update(
            session_id,
            update_available_commands(
                [AvailableCommand(name="review", description="Review the changes")]
            ),
        )
        await self.client.session_update(session_id, update_current_mode("plan"))
        await self.say(session_id, "planned")
        return "end_turn"

    async def run_slow(self, session_id: str, text: str) -> str:
        await self.say(session_id, "working")
        try:
            await asyncio.wait_for(self.cancelled.wait(), 20)
        except TimeoutError:
            return "end_turn"
        return "cancelled"

    async def run_slow_permission(self, session_id: str, text: str) -> str:
        return await self.run_permission(session_id, text)

    async def run_crash(self, session_id: str, text: str) -> str:
        if text.strip() == "crash please":
            await self.say(session_id, "about to crash")
            await asyncio.sleep(0.1)
            os._exit(3)
        await self.say(session_id, f"alive in {session_id}")
        return "end_turn"

    async def run_noisy(self, session_id: str, text: str) -> str:
        await self.say(session_id, "still talking")
        return "end_turn"

    async def run_echo(self, session_id: str, text: str) -> str:
        last = text.strip().splitlines()[-1] if text.strip() else ""
        if last == "gate":
            return await self.run_permission(session_id, text)
        if last == "wait":
            return await self.run_slow(session_id, text)
        await self.say(session_id, "received: ")
        await self.say(session_id, text)
        return "end_turn"

    async def run_load(self, session_id: str, text: str) -> str:
        await self.say(session_id, f"session={session_id}")
        return "end_turn"


def main() -> None:
    script = sys.argv[1] if len(sys.argv) > 1 else "chat"
    asyncio.run(run_agent(FakeAgent(script)))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
