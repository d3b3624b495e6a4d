"""The line under a scrolled-up conversation: how much is below, and how to get back.

Shown only while the user has scrolled away from the bottom, so output that keeps arriving
below the view is never a surprise. A click goes back to the bottom, as Ctrl+End does.
"""

from __future__ import annotations

from textual.events import Click
from textual.message import Message
from textual.widgets import Static

BOTTOM_KEY = "Ctrl+End"


def more_below_text(rows: int) -> str:
    noun = "line" if rows == 1 else "lines"
    return f"↓ {rows:,} more {noun} below · {BOTTOM_KEY} (or click) goes to the bottom"


class MoreBelow(Static):
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

    class Pressed(Message):
        """The marker was clicked: go to the bottom."""

    def __init__(self) -> None:
        super().__init__("", markup=False)

    def show_rows(self, rows: int) -> None:
        """Say that ``rows`` screen rows lie below the view; hide for 0."""
        self.display = rows > 0
        if rows > 0:
            self.update(more_below_text(rows))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Pressed())
