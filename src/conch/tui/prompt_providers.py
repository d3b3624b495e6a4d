"""What the TUI needs of the containers a plugin wraps its prompt in: the contract.

The app asks the plugins (``conch_prompt_providers``) for the containers and never imports
them: it finds them by these base classes, reads and sets ``mode`` and ``cwd`` on them, and
posts ModeRequested up to them. A plugin's providers subclass these and add behaviour (the
shell-mode plugin's Ctrl+Space, for one). The plugin imports the core's vocabulary, not the
other way round.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive

from conch_plugins.shell_mode.modes import ExecutionMode


class ModeProvider(Vertical):
    """Owns the execution mode (Auto, Shell, Agent) for everything it wraps."""

    DEFAULT_CSS = """
    ModeProvider { height: auto; }
    """

    mode: reactive[ExecutionMode] = reactive(ExecutionMode.AUTO)

    def on_mode_requested(self, message: ModeRequested) -> None:
        message.stop()
        self.mode = message.mode


class CwdProvider(Vertical):
    """Owns the directory the prompt shows: the session bash's, after each command."""

    DEFAULT_CSS = """
    CwdProvider { height: auto; }
    """

    cwd: reactive[str] = reactive("")


class ModeRequested(Message):
    """A widget under the mode provider asks for a mode (e.g. a recalled history entry)."""

    def __init__(self, mode: ExecutionMode) -> None:
        super().__init__()
        self.mode = mode
