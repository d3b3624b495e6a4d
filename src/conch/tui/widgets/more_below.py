"""The line under a scrolled-up conversation: how much is below, and how to get back.

Shown only while the user has scrolled away from the bottom, so output that keeps arriving
below the view is never a surprise. A click goes back to the bottom, as Ctrl+End does.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

BOTTOM_KEY = "Ctrl+End"


def more_below_text(rows: int) -> str:
    noun = "line" if rows == 1 else "lines"
    return f"↓ {rows:,} more {noun} below · {BOTTOM_KEY} (or click) goes to the bottom"


class MoreBelow(Widget):
    DEFAULT_CSS = """
    MoreBelow {
        display: none;
        height: 1;
        padding: 0 2;
        background: $warning-muted;
        color: $text;
        text-style: bold;
    }
    MoreBelow:hover { background: $warning; }
    """

    rows = reactive(0)
    """Screen rows below the view; 0 hides the line. A new count only repaints the line (its
    size never changes), so a stream arriving below costs no layout of the conversation."""

    class Pressed(Message):
        """The marker was clicked: go to the bottom."""

    def watch_rows(self, rows: int) -> None:
        self.display = rows > 0

    def render(self) -> Text:
        return Text(more_below_text(self.rows), no_wrap=True, overflow="ellipsis")

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Pressed())
