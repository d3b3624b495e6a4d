"""Ctrl+R: search Conch's history and pick a line (with the mode it was typed in)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from conch.history import HistoryEntry, HistoryStore
from conch_plugins.shell_mode.modes import parse_mode


class HistorySearch(ModalScreen[HistoryEntry | None]):
    DEFAULT_CSS = """
    HistorySearch { align: center bottom; }
    HistorySearch > Vertical {
        width: 100%;
        height: auto;
        max-height: 60%;
        border: round $accent;
        background: $surface;
    }
    HistorySearch OptionList { height: auto; max-height: 20; border: none; }
    """

    BINDINGS = [
        Binding("escape", "dismiss_search", "Cancel"),
        Binding("ctrl+r,down", "move(1)", "Older", show=False),
        Binding("up", "move(-1)", "Newer", show=False),
    ]

    def __init__(self, history: HistoryStore, query: str = "") -> None:
        super().__init__()
        self.history = history
        self.initial_query = query
        self.matches: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield OptionList()
            yield Input(self.initial_query, placeholder="Search history", id="history-query")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._fill(self.initial_query)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        self.matches = self.history.search(query)
        options = self.query_one(OptionList)
        options.clear_options()
        for entry in self.matches:
            icon = _icon(entry.mode)
            options.add_option(Option(f"{icon} {entry.text}"))
        if self.matches:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.matches:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.matches) - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.query_one(OptionList).highlighted
        self.dismiss(self.matches[index] if self.matches and index is not None else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.matches[event.option_index])

    def action_dismiss_search(self) -> None:
        self.dismiss(None)


def _icon(mode: str) -> str:
    try:
        return parse_mode(mode).icon
    except ValueError:
        return "?"
