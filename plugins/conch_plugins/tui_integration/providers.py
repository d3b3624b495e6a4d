"""The shell-mode plugin's prompt providers, on the core's contract (conch.tui.prompt_providers).

The app wraps its prompt in them; widgets underneath find them with ``query_ancestor`` by
the contract's classes and watch their reactives. Nothing global.
"""

from __future__ import annotations

from textual.binding import Binding

from conch.tui.prompt_providers import CwdProvider, ModeProvider
from conch_plugins.shell_mode.modes import next_mode


class ExecutionModeProvider(ModeProvider):
    """Owns the current execution mode; Ctrl+Space cycles it."""

    # Terminals send Ctrl+Space as NUL, which Textual names ctrl+@.
    BINDINGS = [
        Binding("ctrl+space,ctrl+@", "cycle_mode", "Mode", key_display="^space"),
    ]

    def action_cycle_mode(self) -> None:
        self.mode = next_mode(self.mode)


class WorkingDirProvider(CwdProvider):
    """The session's working directory, as bash reports it after each command."""
