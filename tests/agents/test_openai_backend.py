"""OpenAIBackend against a real HTTP server (scripted) and a real bash: no mocks.

Each test scripts the model's replies, runs turns through the backend as the
app would, and checks what the user sees (events), what happened on disk or in
bash, and what was sent back to the model.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from conch.agents.events import (
    AgentError,
    AgentEvent,
    Decision,
    MessageChunk,
    PermissionDecided,
    PermissionRequest,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
    TurnEnded,
)
from conch.agents.openai_backend import OpenAIBackend
from conch.agents.registry import AgentSpec
from conch_plugins.shell_mode.agent_shell import AgentShell
from conch_plugins.shell_mode.shell_options import ShellOptions
from tests.peers.fake_openai_server import (
    Dropped,
    FakeOpenAIServer,
    Garbage,
    HttpError,
    Text,
    ToolCalls,
    text,
    tool_call,
)

TURN_TIMEOUT = 15.0


class ScriptedPermissions:
    """Answers permission requests from a list, and remembers what was asked."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.requests: list[PermissionRequest] = []

    async def decide(self, request: PermissionRequest) -> Decision:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected permission request: {request.tool_call.title}")
        answer = self.answers.pop(0)
        return Decision(answer, answer)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=("first-model", "second-model")) as fake:
        yield fake


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    return project


@pytest.fixture
def shell() -> Iterator[AgentShell]:
    agent_shell = AgentShell(ShellOptions(source_bashrc=False))
    yield agent_shell
    agent_shell.close()


@pytest.fixture
async def backend(server: FakeOpenAIServer, shell: AgentShell) -> AsyncIterator[OpenAIBackend]:
    spec = AgentSpec("local", "openai", base_url=server.base_url, model="test-model")
    agent = OpenAIBackend(spec, shell, max_retries=0)
    yield agent
    await agent.close()


def context(cwd: Path, project_root: Path | None = None) -> TurnContext:
    root = project_root or cwd
    return TurnContext(str(cwd), "agent", "local", "test-model", time.time(), str(root))


async def run_turn(
    backend: OpenAIBackend,
    prompt: str,
    turn_context: TurnContext,
    permissions: ScriptedPermissions | None = None,
) -> list[AgentEvent]:
    asked = permissions or ScriptedPermissions()

    async def collect() -> list[AgentEvent]:
        return [event async for event in backend.prompt(prompt, turn_context, asked)]

    return await asyncio.wait_for(collect(), TURN_TIMEOUT)


def of_type(events: list[AgentEvent], kind: type[Any]) -> list[Any]:
    return [event for event in events if isinstance(event, kind)]


def finished(events: list[AgentEvent]) -> list[ToolCallUpdate]:
    """The final update of each tool call (the one with a final status)."""
    return [u for u in of_type(events, ToolCallUpdate) if u.status in ("completed", "failed")]


def tool_results(request: dict[str, Any]) -> list[str]:
    return [m["content"] for m in request["messages"] if m["role"] == "tool"]


# -- text ------------------------------------------------------------------------


async def test_streamed_text_arrives_as_several_chunks_and_ends_the_turn(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(text("Hello", ", ", "world", "!"))
    events = await run_turn(backend, "say hello", context(project))
    chunks = of_type(events, MessageChunk)
    assert [c.text for c in chunks] == ["Hello", ", ", "world", "!"]
    assert events[-1] == TurnEnded("end_turn")
    assert server.requests[0]["stream"] is True
    assert server.requests[0]["model"] == "test-model"
    assert {t["function"]["name"] for t in server.requests[0]["tools"]} >= {"read_file", "grep"}


async def test_system_prompt_names_the_turn_cwd(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(text("ok"))
    await run_turn(backend, "hi", context(project))
    system = server.requests[0]["messages"][0]
    assert system["role"] == "system"
    assert str(project) in system["content"]


async def test_reasoning_is_shown_as_thought_chunks(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(Text(("Four.",), reasoning=("2+2 ", "is 4")))
    events = await run_turn(backend, "2+2?", context(project))
    assert "".join(t.text for t in of_type(events, ThoughtChunk)) == "2+2 is 4"
    assert "".join(c.text for c in of_type(events, MessageChunk)) == "Four."


async def test_later_turns_send_the_whole_conversation(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(text("Nice to meet you, Ann."), text("Your name is Ann."))
    await run_turn(backend, "My name is Ann.", context(project))
    await run_turn(backend, "What is my name?", context(project))
    roles = [(m["role"], m["content"]) for m in server.requests[1]["messages"]]
    assert roles[1:] == [
        ("user", "My name is Ann."),
        ("assistant", "Nice to meet you, Ann."),
        ("user", "What is my name?"),
    ]


async def test_an_empty_model_means_the_servers_first_model(
    server: FakeOpenAIServer, shell: AgentShell, project: Path
) -> None:
    backend = OpenAIBackend(AgentSpec("local", "openai", base_url=server.base_url), shell)
    server.script(text("a"), text("b"))
    await run_turn(backend, "one", context(project))
    await run_turn(backend, "two", context(project))
    await backend.close()
    assert [r["model"] for r in server.requests] == ["first-model", "first-model"]
    assert server.model_list_requests == 1


# -- reading tools ----------------------------------------------------------------


async def test_read_file_result_goes_back_to_the_model(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    (project / "src").mkdir()
    (project / "src" / "app.py").write_text("print('hi')\n")
    server.script(tool_call("read_file", path="src/app.py"), text("It prints hi."))
    events = await run_turn(backend, "what does app.py do?", context(project))
    (call,) = of_type(events, ToolCall)
    assert call.title == "Read src/app.py"
    assert call.tool_kind == "read"
    assert call.status == "in_progress"
    assert json.loads(call.raw_input) == {"path": "src/app.py"}
    assert finished(events)[0].status == "completed"
    assert tool_results(server.requests[1]) == ["print('hi')\n"]
    assert events[-1] == TurnEnded("end_turn")


async def test_several_tool_calls_in_one_reply_all_run_in_order(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    (project / "a.txt").write_text("alpha\n")
    (project / "b.txt").write_text("beta\n")
    calls = (("read_file", '{"path": "a.txt"}'), ("grep", '{"pattern": "be+ta"}'))
    server.script(ToolCalls(calls), text("done"))
    events = await run_turn(backend, "look", context(project))
    assert [c.title for c in of_type(events, ToolCall)] == ["Read a.txt", "Search `be+ta` in ."]
    assert tool_results(server.requests[1]) == ["alpha\n", "b.txt:1: beta"]


async def test_an_unknown_tool_gets_an_error_result_and_the_loop_goes_on(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(tool_call("launch_rockets", count=3), text("Sorry, I cannot."))
    events = await run_turn(backend, "launch", context(project))
    assert finished(events)[0].status == "failed"
    (result,) = tool_results(server.requests[1])
    assert "no tool named 'launch_rockets'" in result
    assert events[-1] == TurnEnded("end_turn")


async def test_invalid_tool_arguments_get_an_error_result_the_model_can_fix(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    (project / "a.txt").write_text("alpha\n")
    server.script(
        ToolCalls((("read_file", '{"path": "a.t'),)), tool_call("read_file", path="a.txt")
    )
    server.script(text("ok"))
    events = await run_turn(backend, "read a", context(project))
    assert [u.status for u in finished(events)] == ["failed", "completed"]
    assert "not valid JSON" in tool_results(server.requests[1])[0]
    # The broken arguments are not echoed back: some servers reject the whole request.
    echoed = server.requests[1]["messages"][2]["tool_calls"][0]["function"]["arguments"]
    assert echoed == "{}"
    assert events[-1] == TurnEnded("end_turn")


async def test_max_steps_ends_a_model_that_keeps_calling_tools(
    server: FakeOpenAIServer, shell: AgentShell, project: Path
) -> None:
    spec = AgentSpec("local", "openai", base_url=server.base_url, model="m")
    backend = OpenAIBackend(spec, shell, max_steps=3, max_retries=0)
    server.script(*[tool_call("list_dir", path=".") for _ in range(5)])
    events = await run_turn(backend, "loop", context(project))
    await backend.close()
    assert events[-1] == TurnEnded("max_turn_requests")
    assert len(server.requests) == 3


# -- writes and permissions -----------------------------------------------------------


async def test_write_file_asks_then_writes_and_shows_the_diff(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(tool_call("write_file", path="notes.md", content="# Notes\n"), text("Written."))
    permissions = ScriptedPermissions("allow_once")
    events = await run_turn(backend, "write notes", context(project), permissions)
    (request,) = permissions.requests
    assert request.tool_call.title == "Write notes.md"
    assert request.reason == ""
    assert request.tool_call.diffs[0].new_text == "# Notes\n"
    assert of_type(events, PermissionDecided) == [
        PermissionDecided(request.tool_call.tool_call_id, "allow_once", "allow_once")
    ]
    assert (project / "notes.md").read_text() == "# Notes\n"
    (done,) = finished(events)
    assert done.status == "completed"
    assert [(d.path, d.old_text, d.new_text) for d in done.diffs] == [
        (str(project / "notes.md"), None, "# Notes\n")
    ]


async def test_a_refused_write_leaves_the_file_alone_and_tells_the_model(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    (project / "keep.txt").write_text("original\n")
    server.script(tool_call("write_file", path="keep.txt", content="changed\n"), text("OK."))
    events = await run_turn(
        backend, "change it", context(project), ScriptedPermissions("reject_once")
    )
    assert (project / "keep.txt").read_text() == "original\n"
    assert finished(events)[0].status == "failed"
    (result,) = tool_results(server.requests[1])
    assert "user refused" in result
    assert events[-1] == TurnEnded("end_turn")


async def test_always_allow_stops_asking_for_that_kind_of_tool(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(
        tool_call("write_file", path="one.txt", content="1\n"),
        tool_call("write_file", path="two.txt", content="2\n"),
        text("Both written."),
        tool_call("edit_file", path="one.txt", old_text="1", new_text="one"),
        text("Edited."),
    )
    permissions = ScriptedPermissions("allow_always")
    await run_turn(backend, "write two files", context(project), permissions)
    await run_turn(backend, "edit one", context(project), permissions)
    assert len(permissions.requests) == 1
    assert (project / "two.txt").read_text() == "2\n"
    assert (project / "one.txt").read_text() == "one\n"


async def test_a_write_outside_the_project_asks_even_after_always_allow(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.txt"
    server.script(
        tool_call("write_file", path="inside.txt", content="in\n"),
        tool_call("write_file", path="../elsewhere.txt", content="out\n"),
        text("Done."),
    )
    permissions = ScriptedPermissions("allow_always", "reject_once")
    events = await run_turn(backend, "write both", context(project), permissions)
    assert len(permissions.requests) == 2
    assert permissions.requests[1].reason == f"writes outside the project {project}"
    assert (project / "inside.txt").read_text() == "in\n"
    assert not outside.exists()
    assert [u.status for u in finished(events)] == ["completed", "failed"]


async def test_edit_with_text_that_occurs_twice_fails_without_asking_or_writing(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    (project / "dup.py").write_text("x = 1\nx = 1\n")
    server.script(tool_call("edit_file", path="dup.py", old_text="x = 1", new_text="y"), text("."))
    events = await run_turn(backend, "edit", context(project))
    assert (project / "dup.py").read_text() == "x = 1\nx = 1\n"
    assert finished(events)[0].status == "failed"
    assert "occurs 2 times" in tool_results(server.requests[1])[0]


# -- commands ----------------------------------------------------------------------


async def test_run_command_runs_in_the_real_bash_in_the_turn_cwd_and_streams_output(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    command = "pwd; echo first; sleep 0.3; echo second"
    server.script(tool_call("run_command", command=command), text("Done."))
    events = await run_turn(
        backend, "where am I?", context(project), ScriptedPermissions("allow_once")
    )
    (call,) = of_type(events, ToolCall)
    assert call.title == f"Run `{command}`"
    assert call.tool_kind == "execute"
    streamed = [
        u.content for u in of_type(events, ToolCallUpdate) if u.content and u.status is None
    ]
    assert len(streamed) >= 2, "output should arrive while the command runs"
    assert "".join(streamed).replace("\r\n", "\n") == f"{project}\nfirst\nsecond\n"
    (result,) = tool_results(server.requests[1])
    assert result == f"Exit status 0.\n{project}\nfirst\nsecond\n"


async def test_a_failing_command_is_a_failed_tool_call_with_its_status(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(tool_call("run_command", command="echo oops >&2; (exit 3)"), text("It failed."))
    events = await run_turn(backend, "fail", context(project), ScriptedPermissions("allow_once"))
    assert finished(events)[0].status == "failed"
    assert tool_results(server.requests[1])[0].startswith("Exit status 3.\noops")


async def test_each_turn_runs_in_the_cwd_frozen_when_it_was_sent(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    other = project / "sub"
    other.mkdir()
    server.script(
        tool_call("run_command", command="pwd"),
        text("first"),
        tool_call("run_command", command="pwd"),
        text("second"),
    )
    permissions = ScriptedPermissions("allow_always", "allow_always")
    await run_turn(backend, "where?", context(project), permissions)
    await run_turn(backend, "and now?", context(other, project), permissions)
    assert tool_results(server.requests[1]) == [f"Exit status 0.\n{project}\n"]
    assert tool_results(server.requests[3])[-1] == f"Exit status 0.\n{other}\n"
    second_prompt = server.requests[2]["messages"][-1]["content"]
    assert f"The working directory is now {other}" in second_prompt


# -- failures ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_server_that_is_down_gives_an_error_with_a_hint(
    shell: AgentShell, project: Path
) -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"
    backend = OpenAIBackend(
        AgentSpec("local", "openai", base_url=url, model="m"), shell, max_retries=0
    )
    events = await run_turn(backend, "hi", context(project))
    await backend.close()
    (error,) = of_type(events, AgentError)
    assert f"Is the server at {url} running?" in error.hint
    assert "[agents.local]" in error.hint
    assert events[-1] == TurnEnded("error")


async def test_http_500_gives_an_error_with_the_servers_message(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(HttpError(500, "model crashed"))
    events = await run_turn(backend, "hi", context(project))
    (error,) = of_type(events, AgentError)
    assert "HTTP 500" in error.message and "model crashed" in error.message
    assert error.hint
    assert events[-1] == TurnEnded("error")


@pytest.mark.parametrize(
    "garbage",
    [Garbage(), Garbage(b"data: {this is not json\n\n", "text/event-stream")],
    ids=["html page", "invalid json in sse"],
)
async def test_garbage_from_the_server_gives_an_error(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path, garbage: Garbage
) -> None:
    server.script(garbage)
    events = await run_turn(backend, "hi", context(project))
    (error,) = of_type(events, AgentError)
    assert "/v1 endpoint of an OpenAI-compatible server" in error.hint
    assert events[-1] == TurnEnded("error")


async def test_a_stream_dropped_midway_gives_an_error_after_the_text_so_far(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(Dropped(("The answer ", "is")))
    events = await run_turn(backend, "hi", context(project))
    assert "".join(c.text for c in of_type(events, MessageChunk)) == "The answer is"
    (error,) = of_type(events, AgentError)
    assert "dropped" in error.message
    assert events[-1] == TurnEnded("error")


async def test_a_failed_turn_with_no_answer_is_not_left_in_the_conversation(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(HttpError(503), text("Hello again."))
    await run_turn(backend, "hello?", context(project))
    await run_turn(backend, "hello?", context(project))
    assert [m["role"] for m in server.requests[1]["messages"]] == ["system", "user"]


# -- cancelling ---------------------------------------------------------------------------


async def _cancel_once(
    backend: OpenAIBackend, turn_context: TurnContext, ready: type[Any], **kwargs: Any
) -> tuple[list[AgentEvent], float]:
    """Run a turn, cancel it when an event of type ``ready`` arrives; events and delay."""
    events: list[AgentEvent] = []
    permissions = ScriptedPermissions(*kwargs.get("answers", ()))

    async def consume() -> None:
        async for event in backend.prompt("go", turn_context, permissions):
            events.append(event)

    task = asyncio.create_task(consume())
    while not any(isinstance(e, ready) for e in events):
        assert not task.done(), events
        await asyncio.sleep(0.01)
    await asyncio.sleep(kwargs.get("settle", 0.0))
    started = time.monotonic()
    await backend.cancel()
    await asyncio.wait_for(task, 5)
    return events, time.monotonic() - started


async def test_cancel_during_a_slow_stream_ends_the_turn_quickly(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(Text(tuple(f"word{i} " for i in range(50)), delay=0.2), text("next answer"))
    events, delay = await _cancel_once(backend, context(project), MessageChunk)
    assert events[-1] == TurnEnded("cancelled")
    assert delay < 4.0, "cancel waited for the stream or the command to end"
    # The partial answer stays in the conversation; the next turn works.
    next_events = await run_turn(backend, "again", context(project))
    assert next_events[-1] == TurnEnded("end_turn")
    assert server.requests[1]["messages"][2]["content"].startswith("word0")


async def test_cancel_interrupts_a_running_command(
    server: FakeOpenAIServer, backend: OpenAIBackend, shell: AgentShell, project: Path
) -> None:
    server.script(tool_call("run_command", command="echo started; sleep 30"), text("next"))
    events, delay = await _cancel_once(
        backend, context(project), ToolCallUpdate, answers=["allow_once"], settle=0.3
    )
    assert events[-1] == TurnEnded("cancelled")
    assert delay < 4.0, "cancel waited for the stream or the command to end"
    assert finished(events)[-1].status == "failed"
    output, result = await asyncio.to_thread(shell.run, "echo free", str(project), 5)
    assert result.exit_status == 0 and "free" in output
    next_events = await run_turn(backend, "again", context(project))
    assert next_events[-1] == TurnEnded("end_turn")
    assert "cancelled" in tool_results(server.requests[1])[0]


class NeverAnswers:
    """A user who never answers the permission dialog; records that it was dismissed."""

    def __init__(self) -> None:
        self.dismissed = False

    async def decide(self, request: PermissionRequest) -> Decision:
        try:
            await asyncio.Event().wait()
        finally:
            self.dismissed = True
        raise AssertionError("unreachable")


async def test_cancel_while_the_user_is_asked_dismisses_the_question(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(tool_call("write_file", path="a.txt", content="x"))
    permissions = NeverAnswers()
    events: list[AgentEvent] = []

    async def consume() -> None:
        async for event in backend.prompt("write", context(project), permissions):
            events.append(event)

    task = asyncio.create_task(consume())
    while not of_type(events, ToolCall):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    await backend.cancel()
    await asyncio.wait_for(task, 5)
    assert permissions.dismissed
    (call,) = of_type(events, ToolCall)
    assert PermissionDecided(call.tool_call_id, None) in events
    assert events[-1] == TurnEnded("cancelled")
    assert not (project / "a.txt").exists()


async def test_a_turn_abandoned_by_its_reader_does_not_block_the_next_one(
    server: FakeOpenAIServer, backend: OpenAIBackend, project: Path
) -> None:
    server.script(Text(tuple(f"w{i} " for i in range(20)), delay=0.05), text("fresh"))
    events = backend.prompt("long", context(project), ScriptedPermissions())
    async for event in events:
        assert isinstance(event, MessageChunk)
        break
    await events.aclose()  # type: ignore[attr-defined]
    next_events = await run_turn(backend, "again", context(project))
    assert next_events[-1] == TurnEnded("end_turn")
    roles = [m["role"] for m in server.requests[1]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
