"""The controllers are plain objects: each runs in a bare Textual app that composes only the
screen parts it needs, with no ConchApp and nothing inherited from it."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widget import Widget

from conch.agents.shell_context import ShellContextLog
from conch.config import ConchConfig, LoadedConfig, ShellConfig
from conch.history import HistoryStore
from conch.plugin_host import load_plugins
from conch.session_link import SessionLink
from conch.tui.question_controller import QuestionController
from conch.tui.screen_parts import ScreenParts
from conch.tui.session_binding import SessionBinding
from conch.tui.shell_controller import ShellCommandFinished, ShellController, ShellStarted
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.conversation_pane import ConversationPane
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.prompt_bar import PromptBar
from tests.pilot.conftest import shown_text, wait_for


class ShellOnlyApp(App[None]):
    """The conversation and the prompt, and a shell controller: nothing else of Conch."""

    def __init__(self, cwd: Path, tmp_path: Path) -> None:
        super().__init__()
        self.plugins = load_plugins()
        self.history = HistoryStore(tmp_path / "history.jsonl", 100)
        loaded = LoadedConfig(ConchConfig(shell=ShellConfig(source_bashrc=False)), tmp_path)
        parts = ScreenParts(self)
        self.binding = SessionBinding(self, parts, SessionLink(None, None))
        self.questions = QuestionController(self, parts, running_turn=lambda: None)
        self.shell = ShellController(self, parts, self.binding, self.questions,
                                     ShellContextLog(), loaded, self.plugins, str(cwd))  # fmt: skip
        self.ready = False

    def compose(self) -> ComposeResult:
        yield ConversationPane()
        prompt: Widget = PromptBar(self.history)
        for batch in reversed(self.plugins.hook.conch_prompt_providers()):
            for factory in reversed(batch):
                prompt = factory(prompt)
        yield prompt

    def on_mount(self) -> None:
        self.shell.start()

    def on_shell_started(self, message: ShellStarted) -> None:
        self.ready = self.shell.started(message)

    def on_shell_command_finished(self, message: ShellCommandFinished) -> None:
        self.shell.finished(message)

    async def on_unmount(self) -> None:
        self.shell.close()


async def test_a_shell_controller_runs_commands_in_a_bare_app(
    isolated_home: Path, tmp_path: Path
) -> None:
    project = isolated_home / "project"
    (project / "sub").mkdir(parents=True)
    app = ShellOnlyApp(project, tmp_path)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.ready)
        app.shell.run("cd sub && echo hello from bash")
        await wait_for(
            pilot, lambda: app.shell.running_block is None and bool(app.query(CommandBlock))
        )
        await pilot.pause()
        block = app.query_one(CommandBlock)
        assert "hello from bash" in shown_text(block)
        assert block.result is not None and block.result.exit_status == 0
        # The prompt bar's directory follows the bash, as it does in Conch.
        assert app.query_one(PromptBar).cwd_provider.cwd == str(project / "sub")


async def test_a_bash_that_exits_is_replaced_and_the_controller_says_so(
    isolated_home: Path, tmp_path: Path
) -> None:
    app = ShellOnlyApp(isolated_home, tmp_path)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.ready)
        app.shell.run("exit 3")  # bash itself exits: the controller starts a new one and says so
        await wait_for(pilot, lambda: app.shell.running_block is None and bool(app.query(Notice)))
        await pilot.pause()
        said = "\n".join(shown_text(notice) for notice in app.query(Notice))
        assert "started a new bash" in said
        assert app.shell.bash.shell.is_alive
