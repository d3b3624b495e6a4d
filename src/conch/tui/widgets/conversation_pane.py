"""The conversation with, under it, the marker saying there is more below a scrolled-up view.

A separate line rather than part of the scrolling list, so it stays put while blocks come
and go (the long-session trim and a session switch replace the list's children)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical

from conch.tui.widgets.conversation import Conversation
from conch.tui.widgets.more_below import MoreBelow


class ConversationPane(Vertical):
    DEFAULT_CSS = """
    ConversationPane { height: 1fr; }
    """

    _overflowed = False

    def compose(self) -> ComposeResult:
        yield Conversation()
        yield MoreBelow()

    def on_mount(self) -> None:
        self.watch(self.screen, "selections", self._selection_changed, init=False)

    def _selection_changed(self) -> None:
        self.refresh_bindings()  # the footer names Ctrl+C "Copy" while text is selected

    @on(Conversation.PositionChanged)
    def _show_position(self, message: Conversation.PositionChanged) -> None:
        self.query_one(MoreBelow).rows = 0 if message.is_following else message.rows_below
        if message.overflows != self._overflowed:
            # The footer offers scrolling once there is something to scroll (asked only on a
            # change: the count below changes with every line arriving under a scrolled view).
            self._overflowed = message.overflows
            self.refresh_bindings()

    @on(MoreBelow.Pressed)
    def _go_to_bottom(self) -> None:
        self.query_one(Conversation).follow()
