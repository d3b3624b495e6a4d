"""A private line (leading space) in the real app: runs, shows, and leaves no trace in the
journal or the history, also when Auto mode asks first where it goes."""

from __future__ import annotations

from pathlib import Path

from conch.config import AgentConfig, ConchConfig, LoadedConfig, ShellConfig
from conch.plugin_host import load_plugins
from conch.session_opening import open_session
from conch.sessions import events as ev
from conch.sessions.records import Event
from conch.tui.app import ConchApp
from conch.tui.widgets.ask_choice import AskChoice
from conch.tui.widgets.command_block import CommandBlock
from tests.pilot.conftest import submit, wait_for, wait_for_shell
from tests.pilot.test_app_behaviour import block_text


def journaled_app(project: Path, tmp_path: Path) -> ConchApp:
    # An agent is configured (never reached here): without one, Auto mode never asks.
    agents = {"spare": {"kind": "openai", "base_url": "http://127.0.0.1:9/v1"}}
    config = ConchConfig(shell=ShellConfig(source_bashrc=False),
                         agent=AgentConfig(default="spare"), agents=agents)  # fmt: skip
    loaded = LoadedConfig(config, tmp_path / "config.toml")
    link = open_session(str(project), loaded, None, new=True, resume=None)
    assert link.journal is not None, link.problem
    return ConchApp(project, loaded, load_plugins(), session=link)


def journaled(app: ConchApp) -> list[Event]:
    assert app.binding.link.journal is not None and app.binding.recorder is not None
    return list(app.binding.link.journal.events(app.binding.recorder.session_id))


async def test_a_private_line_the_user_sends_to_the_shell_from_the_question_stays_private(
    project_dir: Path, tmp_path: Path
) -> None:
    app = journaled_app(project_dir, tmp_path)
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, " true")
        await wait_for(pilot, lambda: bool(app.query(AskChoice)))
        assert app.query_one(AskChoice).recommended == "shell"
        await pilot.press("enter")  # Enter again on the unchanged line: the recommendation
        await wait_for(
            pilot, lambda: bool(app.query(CommandBlock)) and app.shell.running_block is None
        )
        await submit(pilot, "!echo public-after")
        await wait_for(pilot, lambda: "public-after" in block_text(app.query(CommandBlock).last()))
        events = journaled(app)
        starts = [event.payload["command"] for event in events if event.kind == ev.SHELL_START]
        typed = [event.payload["text"] for event in events if event.kind == ev.USER_INPUT]
        assert starts == ["echo public-after"] and typed == ["!echo public-after"]
        assert [entry.text for entry in app.history.entries] == ["!echo public-after"]


async def test_a_private_commands_long_output_leaves_no_file_on_disk(
    project_dir: Path, tmp_path: Path
) -> None:
    from conch import paths

    app = journaled_app(project_dir, tmp_path)
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, " !seq 1 300000")  # private: the space comes first
        await wait_for(
            pilot, lambda: bool(app.query(CommandBlock)) and app.shell.running_block is None
        )
        assert not any(paths.output_dir().glob("*")), "no spool file for a private line"
        await submit(pilot, "!seq 1 300000")
        await wait_for(
            pilot, lambda: len(app.query(CommandBlock)) == 2 and not app.shell.running_block
        )
        # A public line's full output is kept, once: in the journal, not in a second file.
        assert app.binding.link.journal is not None and app.binding.recorder is not None
        assert app.binding.link.journal.session_sizes()[app.binding.recorder.session_id] > 2_000_000
        # The block shows as finished first; the file goes once the end is journaled.
        await wait_for(pilot, lambda: not any(paths.output_dir().glob("*")))
        status = app.query(CommandBlock).last().footer_lines()[0].plain
        assert "all: conch sessions export" in status and "full output" not in status
