"""Fish-style ghost text: the newest history line that starts with what is typed.

Shell and Auto modes suggest from lines typed for the shell side (Shell and Auto entries),
Agent mode from earlier prompts. → at the end of the line takes the suggestion (Textual's
Input does that); anything else just keeps typing over it.
"""

from __future__ import annotations

from textual.suggester import Suggester

from conch.history import HistoryStore
from conch_plugins.shell_mode.modes import ExecutionMode

_AGENT = ExecutionMode.AGENT.value


class HistorySuggester(Suggester):
    def __init__(self, history: HistoryStore) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.history = history
        self.mode = ExecutionMode.AUTO

    async def get_suggestion(self, value: str) -> str | None:
        return self.suggest(value)

    def suggest(self, value: str) -> str | None:
        """The newest fitting entry longer than ``value``, or None."""
        if not value.strip():
            return None
        want_agent = self.mode is ExecutionMode.AGENT
        for entry in reversed(self.history.entries):
            if (entry.mode == _AGENT) != want_agent:
                continue
            text = entry.text
            if len(text) > len(value) and text.startswith(value) and "\n" not in text:
                return text
        return None
