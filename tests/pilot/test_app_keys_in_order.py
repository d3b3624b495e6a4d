"""Keys typed in a burst in the in-process app go where they were meant: Ctrl+O Down Enter
in one go opens the session below this one in the picker, and no key of the burst lands in
the prompt (Ctrl+O is acted on as it arrives, before the keys after it reach the prompt)."""

from __future__ import annotations

from pathlib import Path

from textual import events

from conch.tui.app import ConchApp
from conch.tui.widgets.command_block import CommandBlock
from tests.peers.fake_openai_server import FakeOpenAIServer
from tests.pilot.conftest import run_command, submit, wait_for, wait_for_shell
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
