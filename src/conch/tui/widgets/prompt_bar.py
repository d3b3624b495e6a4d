"""The prompt: mode badge, input line and status, reading mode and cwd from providers.

Mode and cwd belong to the ModeProvider and CwdProvider this
widget sits under; it watches them and never stores its own copy. While a
command runs, the input feeds the command's stdin (masked for passwords).
"""

from __future__ import annotations

import contextlib

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Static

from conch.history import HistoryCursor, HistoryEntry, HistoryStore
from conch.tui.history_suggester import HistorySuggester
from conch.tui.prompt_providers import (
    CwdProvider,
    ModeProvider,
    ModeRequested,
)
from conch.tui.widgets.completion_menu import CompletionMenu
from conch.tui.widgets.history_search import HistorySearch
from conch.tui.widgets.prompt_input import PromptInput
from conch_plugins.shell_mode.cwd import shorten_home
from conch_plugins.shell_mode.modes import ExecutionMode, parse_mode

_PLACEHOLDERS = {
    ExecutionMode.AUTO: "Type a command or ask the agent  (! shell · ? agent)",
    ExecutionMode.SHELL: "Shell command  (? sends one line to the agent)",
    ExecutionMode.AGENT: "Ask the agent  (! runs one line in the shell)",
}


class PromptBar(Vertical):
    BINDINGS = [
        # Here, not on the input: the input takes Up/Down first while its Tab menu is open.
        Binding("up", "history_previous", "History", show=False),
        Binding("down", "history_next", "History", show=False),
    ]
    DEFAULT_CSS = """
    $agent-colour: #9d6cdf;
    PromptBar {
        height: auto;
        border-left: thick $primary;
        background: $boost;
        padding: 0 0 0 1;
    }
    PromptBar.-mode-shell { border-left: thick $success; }
    PromptBar.-mode-agent { border-left: thick $agent-colour; }
    PromptBar > Horizontal { height: auto; }
    PromptBar .mode-badge {
        width: auto;
        padding: 0 1;
        margin: 1 1 0 0;
        text-style: bold;
        background: $primary;
        color: $text;
    }
    PromptBar.-mode-shell .mode-badge { background: $success; }
    PromptBar.-mode-agent .mode-badge { background: $agent-colour; }
    PromptBar PromptInput { width: 1fr; border: tall $background; }
    PromptBar PromptInput:focus { border: tall $primary; }
    PromptBar.-mode-shell PromptInput:focus { border: tall $success; }
    PromptBar.-mode-agent PromptInput:focus { border: tall $agent-colour; }
    PromptBar .prompt-status { color: $text-muted; height: 1; padding: 0 1; }
    """

    running_command: reactive[str] = reactive("")
    """The command being run, or "" when the shell is idle."""
    secret: reactive[bool] = reactive(False)
    """The running program is reading a password: mask the input."""
    elsewhere: reactive[str] = reactive("")
    """The full-screen program the running command is, when another window has its keys
    (``conch attach``): a line typed here cannot reach it."""
    locked: reactive[str] = reactive("")
    """Why nothing can be typed here ("" when it can: an attached observer's says why); the
    input is disabled and shows it in place of the placeholder."""

    def __init__(self, history: HistoryStore) -> None:
        super().__init__()
        self.history = history
        self.cursor = HistoryCursor(history)
        self._mode_before_recall: ExecutionMode | None = None
        self.suggester = HistorySuggester(history)

    def compose(self) -> ComposeResult:
        yield CompletionMenu()
        with Horizontal():
            yield Static("", classes="mode-badge")
            yield PromptInput(id="prompt-input", select_on_focus=False, suggester=self.suggester)
        yield Static("", classes="prompt-status", markup=False)

    def on_mount(self) -> None:
        self.input.menu = self.query_one(CompletionMenu)
        self.watch(self.mode_provider, "mode", self._show_mode)
        self.watch(self.cwd_provider, "cwd", self._show_status)

    def on_completion_menu_clicked(self, event: CompletionMenu.Clicked) -> None:
        event.stop()
        self.input.take(event.index)
        self.input.focus()

    @property
    def mode_provider(self) -> ModeProvider:
        return self.query_ancestor(ModeProvider)

    @property
    def cwd_provider(self) -> CwdProvider:
        return self.query_ancestor(CwdProvider)

    @property
    def input(self) -> PromptInput:
        return self.query_one(PromptInput)

    def _show_mode(self, mode: ExecutionMode) -> None:
        for other in ExecutionMode:
            self.set_class(other is mode, f"-mode-{other.value}")
        self.query_one(".mode-badge", Static).update(f"{mode.icon} {mode.label}")
        self.suggester.mode = mode
        self.input.close_menu()
        self._show_placeholder()

    def _show_status(self, _cwd: str = "") -> None:
        where = shorten_home(self.cwd_provider.cwd)
        if self.running_command and self.elsewhere:
            note = f"{self.elsewhere} is running in another client, which has its keys"
            text = f"{where}  ▶ {self.running_command}  · {note}"
        elif self.running_command:
            note = "Enter sends a line to it · Ctrl+D end of input · Ctrl+C interrupts"
            text = f"{where}  ▶ {self.running_command}  · {note}"
        else:
            text = where
        # One row, full width, whatever the text: a repaint, not a layout of the screen.
        self.query_one(".prompt-status", Static).update(text, layout=False)

    def _show_placeholder(self) -> None:
        if self.locked:
            placeholder = self.locked
        elif self.secret:
            placeholder = "Password for the running command (hidden)"
        elif self.running_command and self.elsewhere:
            placeholder = f"{self.elsewhere} is running in another client"
        elif self.running_command:
            placeholder = f"Input for `{self.running_command}`"
        else:
            placeholder = _PLACEHOLDERS[self.mode_provider.mode]
        self.input.placeholder = placeholder

    def watch_running_command(self) -> None:
        self._show_status()
        self._show_placeholder()

    def watch_elsewhere(self) -> None:
        self.watch_running_command()

    def watch_locked(self, locked: str) -> None:
        self.input.disabled = bool(locked)
        self._show_placeholder()

    def watch_secret(self, secret: bool) -> None:
        self.input.password = secret
        self._show_placeholder()

    # -- history recall -------------------------------------------------------

    def recall_previous(self) -> None:
        if not self.cursor.is_recalling:
            self._mode_before_recall = self.mode_provider.mode
        entry = self.cursor.previous(self.input.value)
        if entry is not None:
            self._show_entry(entry)

    def action_history_previous(self) -> None:
        self.recall_previous()

    def action_history_next(self) -> None:
        self.recall_next()

    def recall_next(self) -> None:
        if not self.cursor.is_recalling:
            return
        entry = self.cursor.next()
        if entry is not None:
            self._show_entry(entry)
            return
        self._set_value(self.cursor.draft)
        if self._mode_before_recall is not None:
            self.post_message(ModeRequested(self._mode_before_recall))
        self.cursor.reset()

    def search_history(self) -> None:
        """Ctrl+R: search the history for what is typed; the chosen line replaces it."""

        def chosen(entry: HistoryEntry | None) -> None:
            if entry is not None:
                self.use_entry(entry)
            self.input.focus()

        self.app.push_screen(HistorySearch(self.history, self.input.value), chosen)

    def use_entry(self, entry: HistoryEntry) -> None:
        """Put a chosen history entry in the prompt, in the mode it was typed in."""
        self.cursor.reset()
        self._show_entry(entry)

    def _show_entry(self, entry: HistoryEntry) -> None:
        self._set_value(entry.text)
        with contextlib.suppress(ValueError):
            self.post_message(ModeRequested(parse_mode(entry.mode)))

    def _set_value(self, text: str) -> None:
        self.input.value = text
        self.input.cursor_position = len(text)

    def forget_recall(self) -> None:
        self.cursor.reset()
        self._mode_before_recall = None
