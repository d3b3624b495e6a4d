"""The Conch Textual app: wires the plugins' providers, shell and router together.

Feature logic lives in conch_plugins; this module only composes the screen,
routes submitted lines to the shell or the agent, and turns results into
blocks. Shell work runs in a worker thread; results come back as messages.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import pluggy
from textual import work
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input

from conch import paths
from conch.agent_runner import AgentRunner, QueuedPrompt
from conch.agents.backend import AgentBackend, NoAgentBackend
from conch.agents.events import TurnContext
from conch.agents.registry import choose_agent
from conch.agents.shell_context import ShellActivity, ShellContextLog, is_private
from conch.config import LoadedConfig
from conch.history import HistoryEntry, HistoryStore
from conch.output_buffer import BoundedOutput
from conch.widgets.agent_turn import AgentTurn
from conch.widgets.command_block import CommandBlock
from conch.widgets.conversation import Conversation
from conch.widgets.history_search import HistorySearch
from conch.widgets.notice import Notice
from conch.widgets.prompt_bar import PromptBar
from conch_plugins.shell_mode.bash_process import ShellStartError
from conch_plugins.shell_mode.command_result import HandoverResult, Passthrough
from conch_plugins.shell_mode.cwd import shorten_home
from conch_plugins.shell_mode.modes import ExecutionMode, next_mode, parse_mode
from conch_plugins.shell_mode.routing import Target
from conch_plugins.shell_mode.session_shell import ShellOptions
from conch_plugins.shell_mode.shell_session import RunOutcome, ShellSession
from conch_plugins.tui_integration.providers import ExecutionModeProvider, WorkingDirProvider

_MODE_HELP = {
    ExecutionMode.AUTO: "Send each line where it belongs",
    ExecutionMode.SHELL: "Send every line to the shell",
    ExecutionMode.AGENT: "Send every line to the agent",
}
QUIT_WORDS = frozenset({"exit", "quit", "/exit", "/quit"})
# Columns the block's border and padding take from the conversation width.
_BLOCK_CHROME = 6


class ShellCommandFinished(Message):
    def __init__(self, block: CommandBlock, outcome: RunOutcome) -> None:
        super().__init__()
        self.block = block
        self.outcome = outcome


class ShellStarted(Message):
    def __init__(self, error: str | None) -> None:
        super().__init__()
        self.error = error


class ConchApp(App[None]):
    TITLE = "Conch"
    CSS = """
    Screen { layout: vertical; }
    """
    BINDINGS = [
        Binding("ctrl+c", "interrupt_or_clear", "Interrupt/Clear", priority=True),
        Binding("ctrl+d", "end_of_input", "EOF", show=False, priority=True),
        Binding("ctrl+r", "search_history", "History"),
        Binding("escape", "cancel_turn", "Cancel turn", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]
    AUTO_FOCUS = "#prompt-input"

    def __init__(
        self,
        cwd: str | Path,
        loaded: LoadedConfig,
        plugins: pluggy.PluginManager,
        history: HistoryStore | None = None,
        agent_name: str | None = None,
    ) -> None:
        super().__init__()
        self.loaded = loaded
        self.config = loaded.config
        self.plugins = plugins
        self.start_cwd = str(Path(cwd).absolute())
        self.history = history or HistoryStore(
            paths.history_file(), self.config.history.max_entries
        )
        options = ShellOptions(
            source_bashrc=self.config.shell.source_bashrc, bash=self.config.shell.bash
        )
        shell = plugins.hook.conch_session_shell(cwd=self.start_cwd, options=options)
        self.session = ShellSession(shell)
        agent = self.config.agent
        self.agent_choice = choose_agent(self.config.agents, agent.default or None, agent_name)
        self.agents = AgentRunner(self._make_backend)
        self.shell_context = ShellContextLog()
        self.running_block: CommandBlock | None = None

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Conversation()
        prompt: Widget = PromptBar(self.history)
        for factory in reversed(self._provider_factories()):
            prompt = factory(prompt)
        yield prompt
        yield Footer()

    def _provider_factories(self) -> list[type[Widget]]:
        factories: list[type[Widget]] = []
        for batch in self.plugins.hook.conch_prompt_providers():
            factories.extend(batch)
        return factories

    # The conversation grows without bound; a DOM query walks every block, so
    # the few widgets the app talks to are looked up once.

    @cached_property
    def conversation(self) -> Conversation:
        return self.query_one(Conversation)

    @cached_property
    def prompt_bar(self) -> PromptBar:
        return self.query_one(PromptBar)

    @cached_property
    def mode_provider(self) -> ExecutionModeProvider:
        return self.query_one(ExecutionModeProvider)

    @cached_property
    def cwd_provider(self) -> WorkingDirProvider:
        return self.query_one(WorkingDirProvider)

    def on_mount(self) -> None:
        self.cwd_provider.cwd = self.start_cwd
        self.mode_provider.mode = parse_mode(self.config.ui.default_mode)
        self.history.load()
        for problem in (*self.loaded.problems, *self.agent_choice.problems):
            self.conversation.add_block(Notice(problem, "warning"))
        self.set_interval(0.15, self._watch_for_password)
        self._start_shell()
        self._run_agent_turns()

    @work(thread=True, group="shell")
    def _start_shell(self) -> None:
        try:
            self.session.start()
        except ShellStartError as error:
            self.post_message(ShellStarted(str(error)))
        else:
            self.post_message(ShellStarted(None))

    def on_shell_started(self, message: ShellStarted) -> None:
        if message.error:
            text = f"The session shell did not start: {message.error}. Check shell.bash in "
            text += f"{self.loaded.path} and your ~/.bashrc; the next command tries again."
            self.conversation.add_block(Notice(text, "error"))
        else:
            self.cwd_provider.cwd = self.session.shell.cwd

    def on_resize(self, event: Resize) -> None:
        self.session.shell.resize(
            max(5, event.size.height), max(20, event.size.width - _BLOCK_CHROME)
        )

    async def on_unmount(self) -> None:
        self.session.close()
        await self.agents.close()

    # -- submitting -------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "prompt-input":
            return
        event.stop()
        text = event.value
        event.input.value = ""
        if self.running_block is not None:
            self.running_block.had_secret_input |= self.prompt_bar.secret
            if not self.running_block.sink.send(text.encode() + b"\n"):
                self.prompt_bar.input.value = text  # the command ended first: keep it
            return
        if not text.strip():
            return
        mode = self.mode_provider.mode
        self.prompt_bar.forget_recall()
        self.history.append(text, mode.value, self.cwd_provider.cwd)
        route = self.plugins.hook.conch_route_line(line=text, mode=mode, index=self.session.index)
        if route.target is Target.SHELL:
            self.run_shell_command(route.text, raw_line=text)
        elif route.text.strip().lower() in QUIT_WORDS:
            self.exit()
        else:
            self.ask_agent(route.text)

    def run_shell_command(self, command: str, raw_line: str = "") -> None:
        output = BoundedOutput(self.config.ui.scrollback_lines, paths.output_dir())
        block = CommandBlock(command, self.cwd_provider.cwd, output, self._lend_terminal, raw_line)
        self.conversation.add_block(block)
        self.running_block = block
        self.prompt_bar.running_command = command
        self._run_in_shell(block)

    @work(thread=True, group="shell")
    def _run_in_shell(self, block: CommandBlock) -> None:
        timeout = self.config.shell.command_timeout or None
        outcome = self.session.run(block.command, block.sink, timeout)
        self.post_message(ShellCommandFinished(block, outcome))

    def on_shell_command_finished(self, message: ShellCommandFinished) -> None:
        outcome = message.outcome
        block = message.block
        block.finish(outcome.result, outcome.restarted)
        if not is_private(block.raw_line, self.config.agent.private_prefix):
            activity = ShellActivity(block.command, outcome.result.exit_status, block.cwd,
                                     block.output.text())  # fmt: skip
            self.shell_context.record(activity)
        self._give_back_unread(block, outcome.result.unread_input)
        self.running_block = None
        self.prompt_bar.running_command = ""
        self.prompt_bar.secret = False
        self.cwd_provider.cwd = self.session.shell.cwd
        where = shorten_home(self.session.shell.cwd)
        if outcome.revived:
            self.conversation.add_block(Notice(f"bash had exited; started a new bash in {where}."))
        if outcome.restarted:
            self.conversation.add_block(Notice(f"bash exited; started a new bash in {where}."))
        if outcome.restart_error:
            text = f"bash exited and could not be restarted: {outcome.restart_error}"
            self.conversation.add_block(Notice(text, "error"))

    def _give_back_unread(self, block: CommandBlock, unread: str) -> None:
        """Lines typed for a command that never read them: shown, never run.

        Not put back in the prompt: typing on would glue new text to them."""
        lines = [line for line in unread.splitlines() if line] + block.sink.take_unsent()
        if not lines:
            return
        text = f"`{block.command}` did not read what you typed for it, so it was not run"
        if block.had_secret_input:
            # It may hold a password: say how much, never what.
            self.conversation.add_block(Notice(f"{text} ({len(lines)} hidden lines).", "warning"))
            return
        listing = "\n".join(f"  {line}" for line in lines)
        self.conversation.add_block(Notice(f"{text}:\n{listing}", "warning"))

    def ask_agent(self, text: str) -> None:
        """Queue a prompt; its execution context is frozen now, as it is sent."""
        spec = self.agent_choice.spec
        context = TurnContext(
            cwd=self.cwd_provider.cwd,
            mode=self.mode_provider.mode.value,
            agent=spec.name if spec else "none",
            model=spec.model if spec else "",
            started_at=time.time(),
            project_root=self.start_cwd,
        )
        turn = AgentTurn(text, context, queued=self.agents.is_busy)
        self.conversation.add_block(turn)
        prompt = self.shell_context.take() + text if spec else text
        self.agents.queue.put_nowait(QueuedPrompt(prompt, turn, context))

    @work(group="agents")
    async def _run_agent_turns(self) -> None:
        await self.agents.run_forever()

    def _make_backend(self) -> AgentBackend:
        spec = self.agent_choice.spec
        if spec is None:
            return NoAgentBackend()
        from conch.agents.factory import make_backend

        options = ShellOptions(source_bashrc=self.config.shell.source_bashrc,
                               bash=self.config.shell.bash)  # fmt: skip
        return make_backend(spec, log_dir=paths.state_dir() / "agents", shell_options=options,
                            user_definitions=self.session.user_definitions)  # fmt: skip

    # -- the real terminal for full-screen programs ------------------------------

    def _lend_terminal(self, passthrough: Passthrough) -> HandoverResult:
        """Called from the shell worker: suspend the UI and let the program draw."""
        result: HandoverResult = self.call_from_thread(self._lend_terminal_now, passthrough)
        return result

    def _lend_terminal_now(self, passthrough: Passthrough) -> HandoverResult:
        try:
            with self.suspend():
                return passthrough(sys.__stdin__.fileno(), sys.__stdout__.fileno())  # type: ignore[union-attr]
        except SuspendNotSupported:
            return False

    def _watch_for_password(self) -> None:
        if self.running_block is not None:
            self.prompt_bar.secret = self.session.shell.wants_secret()

    # -- actions ------------------------------------------------------------------

    async def action_cancel_turn(self) -> None:
        """Esc: cancel the agent's running turn (the shell is untouched)."""
        if not await self.agents.cancel():
            self.prompt_bar.forget_recall()

    def action_interrupt_or_clear(self) -> None:
        if self.running_block is not None:
            self.session.shell.interrupt()
        else:
            self.prompt_bar.input.value = ""
            self.prompt_bar.forget_recall()

    def action_end_of_input(self) -> None:
        if self.running_block is not None:
            self.running_block.sink.send(b"\x04")
        else:
            self.prompt_bar.input.action_delete_right()

    def action_history_previous(self) -> None:
        self.prompt_bar.recall_previous()

    def action_history_next(self) -> None:
        self.prompt_bar.recall_next()

    def action_search_history(self) -> None:
        def chosen(entry: HistoryEntry | None) -> None:
            if entry is not None:
                self.prompt_bar.use_entry(entry)
            self.prompt_bar.input.focus()

        self.push_screen(HistorySearch(self.history, self.prompt_bar.input.value), chosen)

    def action_cycle_mode(self) -> None:
        self.mode_provider.mode = next_mode(self.mode_provider.mode)

    def action_set_mode(self, name: str) -> None:
        self.mode_provider.mode = parse_mode(name)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Cycle mode", "Auto → Shell → Agent (Ctrl+Space)", self.action_cycle_mode
        )
        for mode in ExecutionMode:
            yield SystemCommand(
                f"Mode: {mode.label}",
                _MODE_HELP[mode],
                lambda mode=mode: self.action_set_mode(mode.value),
            )
