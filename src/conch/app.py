"""The Conch Textual app: wires the plugins' providers, shell and router together.

Feature logic lives in conch_plugins; this module only composes the screen,
routes submitted lines to the shell or the agent, and turns results into
blocks. Shell work runs in a worker thread; results come back as messages.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

import pluggy
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input

from conch import paste_input, paths
from conch.agent_runner import AgentRunner
from conch.agent_turns import AgentTurns
from conch.agents.registry import choose_agent
from conch.agents.shell_context import ShellContextLog, is_private
from conch.config import LoadedConfig
from conch.conversation_keys import ConversationKeys
from conch.conversation_trim import ConversationTrim
from conch.crash_handling import CrashHandling
from conch.history import HistoryEntry, HistoryStore, JournalHistory
from conch.paste_review_actions import PasteReviewActions
from conch.secret_masking import MASK
from conch.session_actions import SessionActions
from conch.session_binding import SessionLink
from conch.shell_commands import ShellCommands
from conch.shell_start import shell_start
from conch.slash_actions import SlashActions
from conch.slash_commands import parse_slash
from conch.tab_completion import TabCompletion
from conch.widgets.ask_choice import AskChoice
from conch.widgets.command_block import CommandBlock
from conch.widgets.conversation_pane import ConversationPane
from conch.widgets.history_search import HistorySearch
from conch.widgets.notice import Notice
from conch.widgets.prompt_bar import PromptBar
from conch_plugins.shell_mode.modes import ExecutionMode, next_mode, parse_mode
from conch_plugins.shell_mode.routing import Target
from conch_plugins.shell_mode.shell_session import ShellSession

_MODE_HELP = {
    ExecutionMode.AUTO: "Send each line where it belongs",
    ExecutionMode.SHELL: "Send every line to the shell",
    ExecutionMode.AGENT: "Send every line to the agent",
}
QUIT_WORDS = frozenset({"exit", "quit"})


def _freeze_startup_heap() -> None:
    """Move what start-up allocated out of the collector's way (gc.freeze).

    Full collections otherwise rescan Textual's and Conch's whole start-up heap
    (~57,000 objects): 30-60 ms pauses in the middle of a streamed answer.
    """
    gc.collect()
    gc.freeze()


class ConchApp(
    ShellCommands,
    AgentTurns,
    SlashActions,
    TabCompletion,
    SessionActions,
    ConversationTrim,
    PasteReviewActions,
    ConversationKeys,
    CrashHandling,
):
    TITLE = "Conch"
    CSS = """
    Screen { layout: vertical; }
    """
    BINDINGS = [
        # With text selected Ctrl+C copies it; otherwise the next binding takes the key.
        Binding("ctrl+c", "copy_selection", "Copy", priority=True),
        Binding("ctrl+c", "interrupt_or_clear", "Interrupt/Clear", priority=True),
        Binding("ctrl+d", "end_of_input", "EOF", show=False, priority=True),
        Binding("ctrl+r", "search_history", "History"),
        Binding("ctrl+o", "sessions", "Sessions"),
        Binding("escape", "cancel_turn", "Cancel turn", show=False),
        Binding("tab", "answer_question", "Answer the question", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # Priority: the prompt (a scroll view) has PageUp/PageDown bindings of its own.
        # Off the conversation's screen these keys are disabled and fall through to lists.
        Binding("pageup", "scroll_pages(-1)", "Scroll", key_display="PgUp/PgDn", priority=True),
        Binding("pagedown", "scroll_pages(1)", "Scroll down", show=False, priority=True),
        Binding("shift+pageup", "scroll_pages(-1)", "Scroll up", show=False, priority=True),
        Binding("shift+pagedown", "scroll_pages(1)", "Scroll down", show=False, priority=True),
        Binding("ctrl+pageup", "scroll_blocks(-1)", "Previous block", show=False, priority=True),
        Binding("ctrl+pagedown", "scroll_blocks(1)", "Next block", show=False, priority=True),
        Binding("ctrl+home", "scroll_top", "Top", show=False, priority=True),
        # The footer has no room for it; the line under a scrolled-up view names it.
        Binding("ctrl+end", "scroll_bottom", "Bottom", show=False, priority=True),
        Binding("ctrl+y", "copy_block", "Copy block", show=False, priority=True),
    ]
    AUTO_FOCUS = "#prompt-input"

    def __init__(
        self,
        cwd: str | Path,
        loaded: LoadedConfig,
        plugins: pluggy.PluginManager,
        history: HistoryStore | None = None,
        agent_name: str | None = None,
        session: SessionLink | None = None,
    ) -> None:
        super().__init__()
        self.loaded = loaded
        self.config = loaded.config
        self.plugins = plugins
        self.bind_session(session or SessionLink(None, None))
        self.start_cwd = str(Path(cwd).absolute())
        self.history = history or self._history_store()
        self.session = self.make_shell_session()
        agent = self.config.agent
        self.agent_choice = choose_agent(self.config.agents, agent.default or None, agent_name)
        self.agents = AgentRunner(self._make_backend, journal=self)
        self.shell_context = ShellContextLog()
        self.running_block: CommandBlock | None = None

    def get_driver_class(self) -> type[Driver]:
        paste_input.install()  # pasted control bytes stay text, never keys
        return super().get_driver_class()

    def make_shell_session(self) -> ShellSession:
        """A (not yet started) bash for the bound session: where its last one was, with the
        variables it exported, or in the start directory for a new session."""
        shell_cwd, options = shell_start(self.link.opened, self.start_cwd, self.config.shell)
        return ShellSession(self.plugins.hook.conch_session_shell(cwd=shell_cwd, options=options))

    def forget_session_state(self) -> None:
        """What belonged to the session being left: its offers, caches and agent state."""
        self._open_offer = self._open_ask = None
        self.__dict__.pop("prompt_completer", None)  # built on the old shell's command index
        self._definitions_seen = -1
        self._agent_checked = False
        self.live_turn = None

    def _history_store(self) -> HistoryStore:
        limit = self.config.history.max_entries
        if self.link.journal is not None and self.recorder is not None:
            return JournalHistory(paths.history_file(), self.link.journal, limit)
        return HistoryStore(paths.history_file(), limit)

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ConversationPane()
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

    def on_mount(self) -> None:
        self.cwd_provider.cwd = self.session.shell.cwd
        self.mode_provider.mode = parse_mode(self.config.ui.default_mode)
        self.history.load()
        self.restore_session()
        self.start_recording()
        self.start_trimming()
        self.hint_when_no_agent()
        for problem in (*self.loaded.problems, *self.agent_choice.problems):
            self.conversation.add_block(Notice(problem, "warning"))
        self.set_interval(0.15, self._watch_for_password)
        self._start_shell()
        self._run_agent_turns()
        self.call_after_refresh(_freeze_startup_heap)

    async def on_unmount(self) -> None:
        self.session.close()
        self.close_completion()
        self.close_session()
        await self.agents.close()

    # -- submitting -------------------------------------------------------------

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "prompt-input":
            return
        event.stop()
        text = event.value
        if self.switching:
            return  # the session is changing: the line stays in the prompt for Enter again
        if self.answer_by_enter(text):
            event.input.value = ""
            return
        event.input.value = ""
        self.conversation.follow()  # Enter brings back the bottom, where the line shows
        if self.running_block is not None:
            self.running_block.had_secret_input |= self.prompt_bar.secret
            if not self.running_block.sink.send(text.encode() + b"\n"):
                self.prompt_bar.input.value = text  # the command ended first: keep it
            return
        if not text.strip():
            return
        if MASK in text:
            self.prompt_bar.input.value = text  # recalled with a masked secret: never run it
            self.tell(f"This line holds {MASK} where history masked a secret: type the secret "
                      "in its place, then press Enter.", "warning")  # fmt: skip
            return
        mode = self.mode_provider.mode
        self.prompt_bar.forget_recall()
        private = is_private(text, self.config.agent.private_prefix)
        cwd = self.cwd_provider.cwd
        if not private:  # like bash's ignorespace: neither in history nor in the journal
            self.history.append(text, mode.value, cwd)

        def record_input() -> None:
            if not private:
                self.record(lambda recorder: recorder.user_input(text, mode.value, cwd))

        slash = parse_slash(text) if mode is not ExecutionMode.SHELL else None
        if slash is not None:
            record_input()
            await self.run_slash(*slash)
            return
        route = self.plugins.hook.conch_route_line(line=text, mode=mode, index=self.session.index)
        if route.target is not Target.SHELL:
            record_input()  # a command's is journaled with its start, off the event loop
        if route.target is Target.ASK and self.agent_choice.spec is not None:
            # A private line keeps its prefix, so that it stays private if run in the shell.
            self.ask_where(route, text, text if private else route.text)
        elif route.target is Target.ASK:  # no agent: the shell is all there is
            self.run_shell_command(route.text, raw_line=text)
        elif route.target is Target.SHELL:
            self.run_shell_command(route.text, raw_line=text, journal_first=record_input)
        elif route.text.strip().lower() in QUIT_WORDS:
            self.exit()
        else:
            self.ask_agent(route.text)

    # -- the real terminal for full-screen programs ------------------------------

    # -- actions ------------------------------------------------------------------

    def on_ask_choice_chosen(self, message: AskChoice.Chosen) -> None:
        """The answer to an Auto-mode question: now, and only now, the line goes somewhere."""
        prompt = self.prompt_bar.input
        if prompt.value == self._open_ask_typed:
            prompt.value = ""  # the line was waiting there for this answer
        if message.choice == "shell":
            self.run_shell_command(message.text)
        else:
            self.ask_agent(message.text)

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
        yield from self.conversation_commands()
        yield SystemCommand(
            "Cycle mode", "Auto → Shell → Agent (Ctrl+Space)", self.action_cycle_mode
        )
        for mode in ExecutionMode:
            yield SystemCommand(
                f"Mode: {mode.label}",
                _MODE_HELP[mode],
                lambda mode=mode: self.action_set_mode(mode.value),
            )
