"""The Conch Textual app: composes the screen and the controllers, and wires them together.

Feature logic lives in conch_plugins and in the controllers (one job each, each a plain
object given what it needs); this module only composes the screen, builds the controllers,
and turns Textual's events, messages and key actions into calls on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pluggy
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input

from conch import paths
from conch.agents.shell_context import ShellContextLog
from conch.config import LoadedConfig
from conch.history import HistoryStore, JournalHistory
from conch.session_link import SessionLink
from conch.tui import paste_input
from conch.tui.agent_controller import AgentController
from conch.tui.completion_controller import CompletionController
from conch.tui.conversation_keys import (
    CONVERSATION_ACTIONS,
    CONVERSATION_BINDINGS,
    COPY_SELECTION_BINDING,
    ConversationKeys,
)
from conch.tui.conversation_trim import ConversationTrim
from conch.tui.crash_note import CrashNote, ReportsCrashes
from conch.tui.heap import freeze_start_up_objects, let_removed_widgets_go, thaw
from conch.tui.line_dispatch import LineDispatcher
from conch.tui.paste_reviewer import PasteReviewer
from conch.tui.prompt_providers import CwdProvider, ModeProvider
from conch.tui.question_controller import QuestionController
from conch.tui.screen_parts import ScreenParts
from conch.tui.session_binding import RecordingFailed, SessionBinding
from conch.tui.session_switcher import SessionSwitcher
from conch.tui.shell_controller import (
    BackgroundOutputArrived,
    CommandOutputStarted,
    ShellCommandFinished,
    ShellCommandJournaled,
    ShellController,
    ShellStarted,
)
from conch.tui.slash_actions import SlashActions
from conch.tui.widgets.ask_choice import AskChoice
from conch.tui.widgets.conversation import Conversation
from conch.tui.widgets.conversation_pane import ConversationPane
from conch.tui.widgets.error_offer import ErrorOffer
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.prompt_bar import PromptBar
from conch.tui.widgets.prompt_input import PromptInput
from conch.tui.widgets.question import Question
from conch_plugins.shell_mode.modes import ExecutionMode, next_mode, parse_mode

_MODE_HELP = {
    ExecutionMode.AUTO: "Send each line where it belongs",
    ExecutionMode.SHELL: "Send every line to the shell",
    ExecutionMode.AGENT: "Send every line to the agent",
}


class ConchApp(ReportsCrashes, App[None]):
    TITLE = "Conch"
    CSS = """
    Screen { layout: vertical; }
    """
    BINDINGS = [
        # With text selected Ctrl+C copies it; otherwise the next binding takes the key.
        COPY_SELECTION_BINDING,
        Binding("ctrl+c", "interrupt_or_clear", "Interrupt/Clear", priority=True),
        Binding("ctrl+d", "end_of_input", "EOF", show=False, priority=True),
        Binding("ctrl+r", "search_history", "History"),
        # Taken as it arrives (priority): the picker is up before the keys typed after it
        # reach the prompt, so they are the picker's; not over another picker or box.
        Binding("ctrl+o", "sessions", "Sessions", priority=True),
        Binding("escape", "cancel_turn", "Cancel turn", show=False),
        Binding("tab", "answer_question", "Answer the question", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        *CONVERSATION_BINDINGS,
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
        self.key_typed_at: float | None = None
        """When the key being handled was typed (a question's Tab checks it)."""
        self.loaded = loaded
        self.config = loaded.config
        self.plugins = plugins
        self.start_cwd = start_cwd = str(Path(cwd).absolute())
        self.parts = parts = ScreenParts(self)
        self.binding = binding = SessionBinding(self, parts, session or SessionLink(None, None))
        self.history = history or self._history_store()
        # Built in the order they need each other. The shell asks questions (the offer after
        # a failed command) and the agent is built on the shell, so the questions see the
        # agent's running turn through a callable. The shell's activity goes to the agent.
        shell_context = ShellContextLog()
        self.questions = QuestionController(self, parts, lambda: self.agent.running_turn)
        self.shell = ShellController(
            self, parts, binding, self.questions, shell_context, loaded, plugins, start_cwd
        )
        self.agent = AgentController(
            self, parts, binding, self.shell, shell_context, loaded, start_cwd, agent_name
        )
        self.shell.has_agent = lambda: self.agent.choice.spec is not None
        self.completion = CompletionController(self, parts, self.shell)
        self.sessions = SessionSwitcher(
            self, parts, binding, self.shell, self.agent, self.questions, self.completion,
            start_cwd,
        )  # fmt: skip
        self.slash = SlashActions(self, parts, loaded, self.agent, self.sessions)
        self.lines = LineDispatcher(
            self, parts, self.config, plugins, self.history, binding, self.shell, self.agent,
            self.questions, self.sessions, self.slash,
        )  # fmt: skip
        self.pastes = PasteReviewer(self, parts, plugins, self.shell, self.agent)
        self.trim = ConversationTrim(self, parts, binding, loaded)
        self.conversation_keys = ConversationKeys(
            self, lambda: parts.conversation, lambda: self.shell.running_block is not None
        )
        self.crash = CrashNote()

    def _history_store(self) -> HistoryStore:
        limit = self.config.history.max_entries
        journal = self.binding.link.journal
        if journal is not None and self.binding.recorder is not None:
            return JournalHistory(paths.history_file(), journal, limit)
        return HistoryStore(paths.history_file(), limit)

    # The parts everyone (tests too) reads, under their own names.

    @property
    def conversation(self) -> Conversation:
        return self.parts.conversation

    @property
    def prompt_bar(self) -> PromptBar:
        return self.parts.prompt_bar

    @property
    def mode_provider(self) -> ModeProvider:
        return self.parts.mode_provider

    @property
    def cwd_provider(self) -> CwdProvider:
        return self.parts.cwd_provider

    def get_driver_class(self) -> type[Driver]:
        paste_input.install()  # pasted control bytes stay text, never keys
        return super().get_driver_class()

    # -- layout and lifetime --------------------------------------------------------

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

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.key_typed_at = event.time  # a Tab typed before a question came is not for it
        await super().on_event(event)

    def on_mount(self) -> None:
        self.cwd_provider.cwd = self.shell.bash.shell.cwd
        self.mode_provider.mode = parse_mode(self.config.ui.default_mode)
        self.history.load()
        self.binding.restore()
        self.binding.start_recording()
        self.trim.start()
        self.agent.hint_when_none()
        for problem in (*self.loaded.problems, *self.agent.choice.problems):
            self.conversation.add_block(Notice(problem, "warning"))
        self.set_interval(0.15, self.shell.watch_for_password)
        self.shell.start()
        self.agent.run_turns()
        let_removed_widgets_go()  # heap.py: a Textual cache kept removed blocks alive
        self.call_after_refresh(freeze_start_up_objects)  # heap.py: short GC passes later

    async def on_unmount(self) -> None:
        thaw()
        self.shell.close()
        self.completion.close()
        self.binding.close()
        await self.agent.close()

    # -- lines, pastes and Tab -----------------------------------------------------------

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, PromptInput):
            event.stop()
            try:
                await self.lines.dispatch(event.value)
            finally:
                await event.input.line_handled()

    def on_prompt_input_multi_line_pasted(self, message: PromptInput.MultiLinePasted) -> None:
        self.pastes.review(message.text)

    def on_prompt_input_completion_requested(
        self, message: PromptInput.CompletionRequested
    ) -> None:
        message.stop()
        self.completion.requested(message.value, message.cursor)

    # -- the shell's messages (from its worker threads) ------------------------------

    def on_shell_started(self, message: ShellStarted) -> None:
        if self.shell.started(message):
            self.completion.warm()

    def on_shell_command_finished(self, message: ShellCommandFinished) -> None:
        self.shell.finished(message)

    def on_shell_command_journaled(self, message: ShellCommandJournaled) -> None:
        self.shell.journaled(message)

    def on_command_output_started(self, message: CommandOutputStarted) -> None:
        self.shell.place(message.block)

    def on_background_output_arrived(self, _message: BackgroundOutputArrived) -> None:
        self.shell.show_background_output()

    def on_recording_failed(self, message: RecordingFailed) -> None:
        self.binding.recording_failed(message)

    def on_resize(self, event: events.Resize) -> None:
        self.shell.resize(event.size)

    # -- questions ------------------------------------------------------------------

    def on_ask_choice_chosen(self, message: AskChoice.Chosen) -> None:
        """The answer to an Auto-mode question: now, and only now, the line goes somewhere."""
        self.questions.ask_answered()
        if message.choice == "shell":
            self.shell.run(message.text)
        else:
            self.agent.ask(message.text)

    def on_error_offer_accepted(self, message: ErrorOffer.Accepted) -> None:
        if message.offer.kind == "correction":
            self.shell.run(message.offer.text)
        else:
            self.agent.ask(message.offer.text)

    @on(events.DescendantFocus)
    def _question_focused(self, event: events.DescendantFocus) -> None:
        self.questions.focused(event.widget)

    def on_question_settled(self, message: Question.Settled) -> None:
        self.questions.settled(message.question)

    def on_question_left(self, _message: Question.Left) -> None:
        self.questions.left()

    @on(Input.Changed, "#prompt-input")
    def _edits_dismiss_questions(self, _event: Input.Changed) -> None:
        self.questions.prompt_edited()

    # -- key actions ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer_question":
            return self.questions.waiting_question(self.key_typed_at) is not None
        if action in CONVERSATION_ACTIONS:
            return self.conversation_keys.is_enabled(action)
        if action == "sessions":
            return not self.screen.is_modal
        return super().check_action(action, parameters)

    def action_answer_question(self) -> None:
        self.questions.answer_question(self.key_typed_at)

    def action_interrupt_or_clear(self) -> None:
        self.shell.interrupt_or_clear()

    def action_end_of_input(self) -> None:
        self.shell.end_of_input()

    async def action_cancel_turn(self) -> None:
        await self.slash.cancel_turn()

    def action_sessions(self) -> None:
        self.sessions.show_picker()

    def action_scroll_pages(self, pages: float) -> None:
        self.conversation_keys.scroll_pages(pages)

    def action_scroll_blocks(self, step: int) -> None:
        self.conversation_keys.scroll_blocks(step)

    def action_scroll_top(self) -> None:
        self.conversation_keys.scroll_top()

    def action_scroll_bottom(self) -> None:
        self.conversation_keys.scroll_bottom()

    def action_copy_selection(self) -> None:
        self.conversation_keys.copy_selection()

    def action_copy_block(self) -> None:
        self.conversation_keys.copy_block()

    def action_search_history(self) -> None:
        self.prompt_bar.search_history()

    def action_cycle_mode(self) -> None:
        self.mode_provider.mode = next_mode(self.mode_provider.mode)

    def action_set_mode(self, name: str) -> None:
        self.mode_provider.mode = parse_mode(name)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from self.conversation_keys.commands()
        yield SystemCommand(
            "Cycle mode", "Auto → Shell → Agent (Ctrl+Space)", self.action_cycle_mode
        )
        for mode in ExecutionMode:
            yield SystemCommand(
                f"Mode: {mode.label}",
                _MODE_HELP[mode],
                lambda mode=mode: self.action_set_mode(mode.value),
            )
