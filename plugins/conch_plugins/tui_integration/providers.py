"""Provider widgets: containers that own the execution mode and the cwd.

The app wraps its prompt in them; widgets underneath find them with
``query_ancestor`` and watch their reactives. Nothing global.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive

from conch_plugins.shell_mode.modes import ExecutionMode, next_mode


class ExecutionModeProvider(Vertical):
    """Owns the current execution mode; Ctrl+Space cycles it."""

    DEFAULT_CSS = """
    ExecutionModeProvider { height: auto; }
    """

    # Terminals send Ctrl+Space as NUL, which Textual names ctrl+@.
    BINDINGS = [
        Binding("ctrl+space,ctrl+@", "cycle_mode", "Mode", key_display="^space"),
    ]

    mode: reactive[ExecutionMode] = reactive(ExecutionMode.AUTO)

    def action_cycle_mode(self) -> None:
        self.mode = next_mode(self.mode)

    def on_mode_requested(self, message: ModeRequested) -> None:
        message.stop()
        self.mode = message.mode


class WorkingDirProvider(Vertical):
    """Owns the session's working directory, as bash reports it after each command."""

    DEFAULT_CSS = """
    WorkingDirProvider { height: auto; }
    """

    cwd: reactive[str] = reactive("")


class ModeRequested(Message):
    """A widget under the provider asks for a mode (e.g. a recalled history entry)."""

    def __init__(self, mode: ExecutionMode) -> None:
        super().__init__()
        self.mode = mode
