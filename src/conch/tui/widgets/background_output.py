"""Output that a background job printed while no command ran, as a block of its own.

``(sleep 2; echo LATE) &`` prints after its command block has ended; a terminal shows
it wherever the cursor is, so Conch shows it under the last block, titled, and the
next output between commands joins it until something else is added.
"""

from __future__ import annotations

from rich.text import Text

from conch.output_buffer import BoundedOutput
from conch.tui.widgets.output_view import OutputView

TITLE = "output from a background job"


class BackgroundOutput(OutputView):
    journal_index: int | None = None
    """The journal index of its first output event (None: not journaled)."""

    DEFAULT_CSS = """
    BackgroundOutput {
        margin: 0 0 1 0;
        border-left: outer $secondary;
        background: $surface;
    }
    BackgroundOutput > .background-output--title { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {"background-output--title"}

    def __init__(self, output: BoundedOutput) -> None:
        super().__init__(output)

    def header_lines(self) -> list[Text]:
        return [Text(TITLE, self.part_style("background-output--title"))]

    def on_mount(self) -> None:
        self.sync(force=True)

    def add(self, text: str) -> None:
        """More output (UI thread)."""
        self.output.append(text)
        if self.is_mounted:
            self.sync(force=True)
