"""AcpBackend against a real ACP agent process: the scripted fake in tests/peers.

Each test starts ``python tests/peers/fake_acp_agent.py SCRIPT`` through the
backend, as the app would, and checks the events the UI would render.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import pytest

from conch.agents.acp_backend import AcpBackend
from conch.agents.events import (
    AgentError,
    AgentEvent,
    AvailableCommands,
    Decision,
    FileDiff,
    MessageChunk,
    ModeUpdate,
    PermissionDecided,
    PermissionRequest,
    PlanEntry,
    PlanUpdate,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
    TurnEnded,
)
from conch.agents.registry import AgentSpec

FAKE_AGENT = Path(__file__).resolve().parents[1] / "peers" / "fake_acp_agent.py"
TURN_TIMEOUT = 15.0


def fake_spec(script: str, env: dict[str, str] | None = None) -> AgentSpec:
    return AgentSpec(
        "fake", "acp", command=(sys.executable, str(FAKE_AGENT), script), env=env or {}
    )


class Permissions:
    """Answers every question with the first option of ``kind`` (None: cancelled)."""

    def __init__(self, kind: str | None = "allow_once", *, never_answer: bool = False) -> None:
        self.kind = kind
        self.never_answer = never_answer
        self.requests: list[PermissionRequest] = []
        self.asked = asyncio.Event()
        self.was_cancelled = False

    async def decide(self, request: PermissionRequest) -> Decision:
        self.requests.append(request)
        self.asked.set()
        if self.never_answer:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.was_cancelled = True
                raise
        for option in request.options:
            if option.option_kind == self.kind:
                return Decision(option.option_id, option.option_kind)
        return Decision(None)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    path.mkdir()
    return path


@pytest.fixture
def context(project: Path) -> TurnContext:
    return TurnContext(
        cwd=str(project),
        mode="agent",
        agent="fake",
        model="",
        started_at=time.time(),
        project_root=str(project),
    )


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "logs" / "fake.log"


@pytest.fixture
async def backends(log_path: Path) -> AsyncIterator[list[AcpBackend]]:
    """Backends made by a test; all closed at the end."""
    made: list[AcpBackend] = []
    yield made
    for backend in made:
        await backend.close()


class MakeBackend(Protocol):
    def __call__(self, script: str, env: dict[str, str] | None = None) -> AcpBackend: ...


@pytest.fixture
def make(backends: list[AcpBackend], log_path: Path) -> MakeBackend:
    def make_backend(script: str, env: dict[str, str] | None = None) -> AcpBackend:
        backend = AcpBackend(fake_spec(script, env), stderr_log=log_path)
        backends.append(backend)
        return backend

    return make_backend


async def turn(
    backend: AcpBackend,
    text: str,
    context: TurnContext,
    permissions: Permissions | None = None,
) -> list[AgentEvent]:
    async with asyncio.timeout(TURN_TIMEOUT):
        return [e async for e in backend.prompt(text, context, permissions or Permissions())]


def messages(events: list[AgentEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, MessageChunk))


def reported(events: list[AgentEvent]) -> dict[str, object]:
    result: dict[str, object] = json.loads(messages(events))
    return result


# -- streaming ---------------------------------------------------------------------


async def test_streamed_text_and_thought_arrive_in_order_and_the_turn_ends(
    make: MakeBackend, context: TurnContext
) -> None:
    backend = make("chat")
    events = await turn(backend, "hi", context)
    assert events == [
        ThoughtChunk("thinking it over"),
        MessageChunk("Hello"),
        MessageChunk(", "),
        MessageChunk("world"),
        TurnEnded("end_turn"),
    ]
    assert backend.session_id is not None and backend.session_id.startswith("fake-")


async def test_the_agent_gets_conchs_environment_the_specs_env_and_the_turns_cwd(
    make: MakeBackend, context: TurnContext, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCH_FROM_PARENT", "inherited")
    backend = make("report", env={"CONCH_FAKE_SECRET": "sk-test-123"})
    report = reported(await turn(backend, "report", context))
    assert report["secret"] == "sk-test-123"
    assert report["from_parent"] == "inherited"
    assert report["session_cwd"] == str(project)
    assert report["process_cwd"] == os.path.realpath(project)
    assert report["fs_read"] and report["fs_write"] and report["terminal"]


async def test_plan_commands_and_mode_changes_become_events(
    make: MakeBackend, context: TurnContext
) -> None:
    events = await turn(make("plan"), "plan it", context)
    assert events == [
        PlanUpdate(
            (
                PlanEntry("Read the code", "completed", "high"),
                PlanEntry("Fix the bug", "in_progress", "medium"),
            )
        ),
        AvailableCommands((("review", "Review the changes"),)),
        ModeUpdate("plan"),
        MessageChunk("planned"),
        TurnEnded("end_turn"),
    ]


# -- permissions ---------------------------------------------------------------------


async def test_an_allowed_tool_call_shows_its_diff_and_the_users_choice(
    make: MakeBackend, context: TurnContext, project: Path
) -> None:
    permissions = Permissions("allow_once")
    events = await turn(make("permission"), "edit", context, permissions)
    path = str(project / "notes.txt")
    diff = FileDiff(path, "old line\n", "new line\n")
    assert events[0] == ToolCall(
        "edit-1",
        "Edit notes.txt",
        tool_kind="edit",
        status="pending",
        raw_input=json.dumps({"path": path}),
        diffs=(diff,),
        locations=(f"{path}:1",),
    )
    [request] = permissions.requests
    # The agent named the tool call by id only; the user still sees its title and diff.
    assert request.tool_call.title == "Edit notes.txt"
    assert request.tool_call.diffs == (diff,)
    assert [option.option_id for option in request.options] == ["allow", "reject"]
    assert PermissionDecided("edit-1", "allow", "allow_once") in events
    assert ToolCallUpdate("edit-1", status="completed", content="applied") in events
    assert messages(events) == "outcome=allow"
    assert events[-1] == TurnEnded("end_turn")


async def test_a_rejected_tool_call_is_reported_to_the_agent(
    make: MakeBackend, context: TurnContext
) -> None:
    events = await turn(make("permission"), "edit", context, Permissions("reject_once"))
    assert PermissionDecided("edit-1", "reject", "reject_once") in events
    assert ToolCallUpdate("edit-1", status="failed", content="refused") in events
    assert messages(events) == "outcome=reject"


# -- files ---------------------------------------------------------------------------


async def test_the_agent_reads_lines_and_writes_files_inside_the_project_without_asking(
    make: MakeBackend, context: TurnContext, project: Path
) -> None:
    (project / "input.txt").write_text("one\ntwo\nthree\nfour\n")
    permissions = Permissions()
    report = reported(await turn(make("fs"), str(project), context, permissions))
    assert report["read"] == "two\nthree\n"
    assert report["whole"] == "one\ntwo\nthree\nfour\n"
    assert report["write"] == "ok"
    assert (project / "out" / "output.txt").read_text() == "written by the agent\n"
    assert report["missing"] == -32002
    assert report["relative"] == -32602
    assert permissions.requests == []


async def test_a_write_outside_the_project_is_refused_when_the_user_says_no(
    make: MakeBackend, context: TurnContext, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere" / "secret.txt"
    permissions = Permissions("reject_once")
    events = await turn(make("write_outside"), str(outside), context, permissions)
    assert messages(events) == "write=refused -32001"
    assert not outside.exists()
    [request] = permissions.requests
    assert request.reason.startswith("writes outside the project")
    assert request.tool_call.diffs == (FileDiff(str(outside), None, "outside\n"),)
    assert any(isinstance(e, PermissionDecided) and e.option_kind == "reject_once" for e in events)


async def test_a_write_outside_the_project_happens_when_the_user_allows_it(
    make: MakeBackend, context: TurnContext, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere" / "allowed.txt"
    events = await turn(make("write_outside"), str(outside), context, Permissions("allow_once"))
    assert messages(events) == "write=ok"
    assert outside.read_text() == "outside\n"


# -- terminals -----------------------------------------------------------------------


async def test_terminal_commands_run_in_the_turns_cwd_and_their_output_reaches_the_tool_call(
    make: MakeBackend, context: TurnContext, project: Path
) -> None:
    events = await turn(make("terminal"), "run", context)
    report = reported(events)
    expected_output = f"hi\n{project}\n"
    assert report["first"] == {
        "exit_code": 0,
        "output": expected_output,
        "truncated": False,
        "status_code": 0,
    }
    assert report["limited"] == {"output": "6789abcdef", "truncated": True}
    assert report["running_status"] is True
    assert report["killed"] == {"exit_code": None, "signal": "SIGKILL"}
    assert report["released"] == -32602
    assert any(isinstance(e, ToolCall) and e.tool_call_id == "run-1" for e in events)
    shown = "".join(
        e.content or ""
        for e in events
        if isinstance(e, ToolCallUpdate) and e.tool_call_id == "run-1"
    )
    assert shown == expected_output


# -- cancel --------------------------------------------------------------------------


async def test_cancel_ends_the_turn_with_the_agents_cancelled_stop_reason(
    make: MakeBackend, context: TurnContext
) -> None:
    backend = make("slow")
    events: list[AgentEvent] = []
    started = time.monotonic()
    async with asyncio.timeout(TURN_TIMEOUT):
        async for event in backend.prompt("take your time", context, Permissions()):
            events.append(event)
            if event == MessageChunk("working"):
                await backend.cancel()
    assert events == [MessageChunk("working"), TurnEnded("cancelled")]
    assert time.monotonic() - started < 10


async def test_cancel_answers_an_open_permission_question_as_cancelled(
    make: MakeBackend, context: TurnContext
) -> None:
    backend = make("slow_permission")
    permissions = Permissions(never_answer=True)

    async def cancel_once_asked() -> None:
        await permissions.asked.wait()
        await backend.cancel()

    canceller = asyncio.create_task(cancel_once_asked())
    events = await turn(backend, "edit", context, permissions)
    await canceller
    assert permissions.was_cancelled
    assert PermissionDecided("edit-1", None, "") in events
    assert messages(events) == "outcome=cancelled"
    assert events[-1] == TurnEnded("cancelled")


async def test_closing_the_backend_mid_turn_ends_the_turn_and_the_agent(
    make: MakeBackend, context: TurnContext
) -> None:
    backend = make("slow")
    events: list[AgentEvent] = []
    async with asyncio.timeout(TURN_TIMEOUT):
        async for event in backend.prompt("take your time", context, Permissions()):
            events.append(event)
            if event == MessageChunk("working"):
                pid = backend.pid
                await backend.close()
    assert events == [MessageChunk("working"), TurnEnded("cancelled")]
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# -- session/load --------------------------------------------------------------------


async def test_load_replays_the_history_and_later_prompts_continue_that_session(
    make: MakeBackend, context: TurnContext
) -> None:
    backend = make("load")
    async with asyncio.timeout(TURN_TIMEOUT):
        replayed = [e async for e in backend.load("old-session", context)]
    # The user's own replayed words have no Conch event; the agent's answer does.
    assert replayed == [MessageChunk("earlier answer"), TurnEnded("end_turn")]
    assert backend.session_id == "old-session"
    assert backend.supports_load is True
    assert messages(await turn(backend, "and now?", context)) == "session=old-session"


async def test_load_is_refused_clearly_by_an_agent_without_load_support(
    make: MakeBackend, context: TurnContext
) -> None:
    backend = make("chat")
    async with asyncio.timeout(TURN_TIMEOUT):
        events = [e async for e in backend.load("old-session", context)]
    assert isinstance(events[0], AgentError)
    assert "cannot resume sessions" in events[0].message
    assert events[-1] == TurnEnded("error")


# -- failures ------------------------------------------------------------------------


async def test_a_crash_mid_turn_is_a_clear_error_and_the_next_prompt_restarts_the_agent(
    make: MakeBackend, context: TurnContext, log_path: Path
) -> None:
    backend = make("crash")
    await turn(backend, "hello", context)
    first_session = backend.session_id
    events = await turn(backend, "crash please", context)
    assert events[0] == MessageChunk("about to crash")
    error = events[1]
    assert isinstance(error, AgentError)
    assert "stopped during the turn (exit status 3)" in error.message
    assert str(log_path) in error.hint
    assert events[-1] == TurnEnded("error")
    assert backend.pid is None

    again = await turn(backend, "hello", context)
    assert messages(again).startswith("alive in fake-")
    assert backend.session_id != first_session
    assert again[-1] == TurnEnded("end_turn")


async def test_an_agent_dying_at_start_up_shows_the_end_of_its_log(
    make: MakeBackend, context: TurnContext
) -> None:
    events = await turn(make("crash_on_start"), "hi", context)
    error = events[0]
    assert isinstance(error, AgentError)
    assert "stopped during initialize (exit status 2)" in error.message
    assert "fatal: the fake agent's config is broken" in error.message
    assert events[-1] == TurnEnded("error")


async def test_an_agent_that_never_answers_initialize_times_out_with_a_clear_error(
    context: TurnContext, log_path: Path
) -> None:
    backend = AcpBackend(fake_spec("slow_start"), stderr_log=log_path, start_timeout=0.5)
    try:
        events = await turn(backend, "hi", context)
    finally:
        await backend.close()
    assert isinstance(events[0], AgentError)
    assert "did not answer initialize within" in events[0].message
    assert events[-1] == TurnEnded("error")
    assert backend.pid is None


async def test_cancel_while_the_agent_is_starting_ends_the_turn_at_once(
    make: MakeBackend, context: TurnContext
) -> None:
    backend = make("slow_start")
    started = time.monotonic()

    async def cancel_soon() -> None:
        await asyncio.sleep(0.3)
        await backend.cancel()

    canceller = asyncio.create_task(cancel_soon())
    events = await turn(backend, "hi", context)
    await canceller
    assert events == [TurnEnded("cancelled")]
    assert time.monotonic() - started < 5
    assert backend.pid is None


async def test_two_megabytes_of_agent_stderr_do_not_hang_initialize(
    make: MakeBackend, context: TurnContext, log_path: Path
) -> None:
    events = await turn(make("noisy"), "hi", context)
    assert events == [MessageChunk("still talking"), TurnEnded("end_turn")]
    assert log_path.stat().st_size > 2 * 1024 * 1024


async def test_a_missing_agent_command_gives_an_install_hint(
    tmp_path: Path, context: TurnContext, log_path: Path
) -> None:
    spec = AgentSpec("opencode", "acp", command=(str(tmp_path / "bin" / "opencode"), "acp"))
    backend = AcpBackend(spec, stderr_log=log_path)
    events = await turn(backend, "hi", context)
    error = events[0]
    assert isinstance(error, AgentError)
    assert "opencode was not found" in error.message
    assert error.hint == "opencode is not installed: npm install -g opencode-ai"
    assert events[-1] == TurnEnded("error")

    unknown = AgentSpec("mine", "acp", command=("conch-no-such-agent",))
    events = await turn(AcpBackend(unknown, stderr_log=log_path), "hi", context)
    assert isinstance(events[0], AgentError)
    assert "[agents.mine]" in events[0].hint


async def test_close_ends_and_reaps_the_agent_process(
    make: MakeBackend, context: TurnContext
) -> None:
    backend = make("chat")
    await turn(backend, "hi", context)
    pid = backend.pid
    assert pid is not None
    await backend.close()
    assert backend.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# -- translation and terminal helpers (pure, no agent process) -------------------------


def test_tool_call_updates_append_only_the_new_tail_of_streamed_content() -> None:
    from acp import text_block
    from acp.helpers import start_tool_call, tool_content, update_tool_call

    from conch.agents.acp_translate import UpdateTranslator

    translator = UpdateTranslator()
    translator.translate(start_tool_call("t1", "Run", kind="execute"))
    first = translator.translate(update_tool_call("t1", content=[tool_content(text_block("ab"))]))
    second = translator.translate(
        update_tool_call("t1", content=[tool_content(text_block("abcd"))])
    )
    same = translator.translate(
        update_tool_call("t1", status="completed", content=[tool_content(text_block("abcd"))])
    )
    replaced = translator.translate(update_tool_call("t1", content=[tool_content(text_block("x"))]))
    assert first == ToolCallUpdate("t1", content="ab")
    assert second == ToolCallUpdate("t1", content="cd")
    assert same == ToolCallUpdate("t1", status="completed")
    # ACP replaced the content; Conch cannot take text back, so the new text follows.
    assert replaced == ToolCallUpdate("t1", content="\nx")


def test_unknown_tool_kinds_become_other_and_unannounced_updates_show_whole() -> None:
    from acp.helpers import update_tool_call

    from conch.agents.acp_translate import UpdateTranslator

    event = UpdateTranslator().translate(
        update_tool_call("t9", kind="switch_mode", status="failed")
    )
    assert event == ToolCall("t9", "t9", tool_kind="other", status="failed")


def test_the_users_own_words_echoed_by_the_agent_are_not_shown() -> None:
    from acp import update_user_message_text

    from conch.agents.acp_translate import UpdateTranslator

    assert UpdateTranslator().translate(update_user_message_text("hi")) is None


def test_output_is_trimmed_from_the_front_on_a_character_boundary() -> None:
    from conch.agents.acp_terminals import trim_to_bytes

    assert trim_to_bytes("abcdef", 10) == ("abcdef", False)
    assert trim_to_bytes("abcdef", 3) == ("def", True)
    # "é" is two bytes: the last three bytes start mid-character, so one is dropped.
    assert trim_to_bytes("ééé", 3) == ("é", True)


def test_importing_the_backend_does_not_load_the_slow_sdk() -> None:
    code = "import sys, conch.agents.acp_backend; print('acp' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert result.stdout.strip() == "False"
