"""Agent turns in the real app: Conch's own agent over HTTP to a scripted server."""

from __future__ import annotations

from pathlib import Path

from conch.config import AgentConfig, ConchConfig, LoadedConfig, ShellConfig
from conch.plugin_host import load_plugins
from conch.session_opening import open_session
from conch.tui.app import ConchApp
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.diff_view import DiffView
from conch.tui.widgets.markdown_segment import MarkdownSegment
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.permission_prompt import PermissionPrompt
from conch.tui.widgets.tool_call_block import ToolCallBlock
from tests.peers.fake_openai_server import FakeOpenAIServer, text, tool_call
from tests.pilot.conftest import (
    AppFactory,
    answer_permission,
    ask,
    run_command,
    submit,
    wait_for,
    wait_for_shell,
)


def shown_markdown(turn: AgentTurn) -> str:
    return "".join(markdown.source for markdown in turn.query(MarkdownSegment))


async def test_streamed_answer_is_rendered_as_markdown(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text("Hello ", "from ", "**the agent**."))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        turn = await ask(pilot, "say hello")
        assert shown_markdown(turn) == "Hello from **the agent**."
        assert turn.has_class("-ok")
        assert turn.context is not None and turn.context.agent == "local"


async def test_tool_call_block_shows_the_read(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer, project_dir: Path
) -> None:
    (project_dir / "notes.txt").write_text("remember the milk\n")
    fake_llm.script(tool_call("read_file", path="notes.txt"), text("It says to remember the milk."))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        turn = await ask(pilot, "what do my notes say?")
        block = turn.query_one(ToolCallBlock)
        assert block.call.status == "completed"
        assert "remember the milk" in block.output
        assert "remember the milk" in shown_markdown(turn)
        assert "remember the milk" in str(fake_llm.requests[-1]["messages"])


async def test_write_asks_first_and_one_key_allows_it(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer, project_dir: Path
) -> None:
    fake_llm.script(tool_call("write_file", path="hello.txt", content="hi\n"), text("Done."))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?create hello.txt")
        await wait_for(pilot, lambda: bool(app.query(PermissionPrompt)))
        prompt = app.query_one(PermissionPrompt)
        assert prompt.query(DiffView), "the permission prompt shows the diff"
        assert not (project_dir / "hello.txt").exists()
        await answer_permission(pilot, "y")
        turn = app.query(AgentTurn).last()
        await wait_for(pilot, lambda: turn.ended)
        assert (project_dir / "hello.txt").read_text() == "hi\n"
        assert turn.query_one(ToolCallBlock).diff_count == 1


async def test_rejected_write_leaves_the_file_alone(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer, project_dir: Path
) -> None:
    fake_llm.script(
        tool_call("write_file", path="hello.txt", content="hi\n"), text("OK, not done.")
    )
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?create hello.txt")
        await answer_permission(pilot, "n")
        turn = app.query(AgentTurn).last()
        await wait_for(pilot, lambda: turn.ended)
        assert not (project_dir / "hello.txt").exists()
        assert "refused" in str(fake_llm.requests[-1]["messages"]).lower()


async def test_escape_cancels_a_slow_turn(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text(*["word "] * 200, delay=0.05))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?talk for a long time")
        await wait_for(pilot, lambda: bool(app.query(AgentTurn)) and
                       "word" in app.query(AgentTurn).last().answer_text)  # fmt: skip
        await pilot.press("escape")
        turn = app.query(AgentTurn).last()
        await wait_for(pilot, lambda: turn.ended, timeout=5)
        assert turn.has_class("-cancelled")
        assert len(turn.answer_text) < len("word ") * 200


async def test_prompt_sent_during_a_turn_waits_its_turn(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text("first ", "answer", delay=0.2), text("second answer"))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?first")
        await wait_for(pilot, lambda: bool(app.query(AgentTurn)))
        await submit(pilot, "?second")
        await wait_for(pilot, lambda: len(app.query(AgentTurn)) == 2)
        first, second = app.query(AgentTurn)
        assert second.queued
        await wait_for(pilot, lambda: second.ended)
        assert first.answer_text == "first answer"
        assert second.answer_text == "second answer"
        assert len(fake_llm.requests) == 2


async def test_agent_sees_recent_shell_commands_but_not_private_ones(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text("I see."))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo visible-output; false")
        await run_command(pilot, " echo secret-output")
        await ask(pilot, "what happened?")
        sent = str(fake_llm.requests[-1]["messages"])
        assert "visible-output" in sent and "exit 1" in sent
        assert "secret-output" not in sent


async def test_turn_context_is_frozen_when_sent(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer, project_dir: Path
) -> None:
    (project_dir / "elsewhere").mkdir()
    slow_first = text(*["slow "] * 10, delay=0.2)
    fake_llm.script(slow_first, tool_call("run_command", command="pwd"), text("done"))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?first")
        await wait_for(pilot, lambda: bool(app.query(AgentTurn)))
        await submit(pilot, "?where am I")
        await run_command(pilot, "cd elsewhere")
        first, second = app.query(AgentTurn)
        assert not first.ended, "the cd happened while the first turn still ran"
        await answer_permission(pilot, "y")
        await wait_for(pilot, lambda: second.ended)
        assert second.context is not None and second.context.cwd == str(project_dir)
        block = second.query_one(ToolCallBlock)
        assert block.output.strip().endswith(str(project_dir))


async def test_permission_request_never_takes_keys_typed_for_the_prompt(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer, project_dir: Path
) -> None:
    fake_llm.script(tool_call("write_file", path="x.txt", content="x\n"), text("ok"))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        app.prompt_bar.input.value = "git st"
        app.prompt_bar.input.cursor_position = len("git st")
        app.agent.ask("write x.txt")  # sent while the user is mid-way through a line
        await wait_for(pilot, lambda: bool(app.query(PermissionPrompt)))
        await pilot.press("a", "y")
        assert app.prompt_bar.input.value == "git stay"
        assert not app.query_one(PermissionPrompt).answer.done()
        assert not (project_dir / "x.txt").exists()
        await answer_permission(pilot, "n")  # Tab, then the key
        await wait_for(pilot, lambda: app.query(AgentTurn).last().ended)
        assert not (project_dir / "x.txt").exists()


def journaled_agent_app(project: Path, tmp_path: Path, fake_llm: FakeOpenAIServer) -> ConchApp:
    """The app with Conch's own agent on a saved session (``/new`` needs a journal)."""
    local = {"kind": "openai", "base_url": fake_llm.base_url, "model": "fake-model"}
    config = ConchConfig(shell=ShellConfig(source_bashrc=False),
                         agent=AgentConfig(default="local"), agents={"local": local})  # fmt: skip
    loaded = LoadedConfig(config, tmp_path / "config.toml")
    link = open_session(str(project), loaded, None, new=True, resume=None)
    assert link.journal is not None, link.problem
    return ConchApp(project, loaded, load_plugins(), session=link)


async def test_switching_agent_or_session_mid_turn_is_refused_and_says_why(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text(*["word "] * 200, delay=0.05))
    app = journaled_agent_app(project_dir, tmp_path, fake_llm)
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?talk for a long time")
        await wait_for(pilot, lambda: bool(app.query(AgentTurn)) and
                       "word" in app.query(AgentTurn).last().answer_text)  # fmt: skip
        assert app.binding.recorder is not None
        session_before = app.binding.recorder.session_id
        await submit(pilot, "/agents local")
        await submit(pilot, "/new")
        busy = "The agent is still working: wait, or cancel its turn (Esc) first."
        shown = [str(notice.render()) for notice in app.query(Notice)]
        assert sum(busy in notice for notice in shown) == 2, shown
        turn = app.query(AgentTurn).last()
        assert not turn.ended, "the turn was not cut off"
        assert app.binding.recorder.session_id == session_before, "still the same session"
        await pilot.press("escape")
        await wait_for(pilot, lambda: turn.ended, timeout=5)
