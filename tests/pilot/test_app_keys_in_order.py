"""Keys typed in a burst in the in-process app go where they were meant: Ctrl+O Down Enter
in one go opens the session below this one in the picker, and no key of the burst lands in
the prompt (Ctrl+O is acted on as it arrives, before the keys after it reach the prompt); a
Tab typed before a permission box appeared does not give it the keys."""

from __future__ import annotations

import time
from pathlib import Path

from textual import events

from conch.tui.app import ConchApp
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.permission_prompt import PermissionPrompt
from tests.peers.fake_openai_server import FakeOpenAIServer, text, tool_call
from tests.pilot.conftest import (
    AppFactory,
    answer_permission,
    run_command,
    submit,
    wait_for,
    wait_for_shell,
)
from tests.pilot.test_session_restore import loaded_config, start


def burst(app: ConchApp, *keys: str) -> None:
    """All keys queued at once, as a fast typist's or a terminal's burst arrives."""
    for key in keys:
        character = " " if key == "space" else key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


async def test_ctrl_o_down_enter_in_one_burst_opens_the_next_session(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    app = start(project_dir, loaded_config(fake_llm, tmp_path))
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo in-the-first")
        await submit(pilot, "/new")
        await wait_for(pilot, lambda: app.sessions.switches == 1)
        await wait_for_shell(pilot)
        await run_command(pilot, "echo in-the-second")

        burst(app, "ctrl+o", "x", "down", "enter")

        await wait_for(pilot, lambda: app.sessions.switches == 2)
        await wait_for_shell(pilot)
        commands = [block.command for block in app.query(CommandBlock)]
        assert commands == ["echo in-the-first"], "the first session, and no `x` was run"
        assert app.prompt_bar.input.value == ""


async def test_a_tab_typed_before_the_permission_box_appeared_does_not_give_it_the_keys(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer, project_dir: Path
) -> None:
    """A Tab typed just before the box appeared, handled just after (the app was busy): the
    `y` after it is typed in the prompt and allows nothing; Tab and a key given once the
    box is there answer it."""
    fake_llm.script(tool_call("write_file", path="hello.txt", content="hi\n"), text("Done."))
    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        typed_before = time.monotonic()
        await submit(pilot, "?create hello.txt")
        await wait_for(pilot, lambda: bool(app.query(PermissionPrompt)))
        box = app.query_one(PermissionPrompt)

        late_tab = events.Key("tab", None)
        late_tab.time = typed_before  # typed before the box was there
        app.post_message(late_tab)
        app.post_message(events.Key("y", "y"))

        prompt = app.prompt_bar.input
        await wait_for(pilot, lambda: prompt.value.endswith("y"))
        assert app.focused is prompt and box.is_open
        assert box.answer is not None and not box.answer.done()
        await answer_permission(pilot, "n")
        turn = app.query(AgentTurn).last()
        await wait_for(pilot, lambda: turn.ended)
        assert not (project_dir / "hello.txt").exists()
