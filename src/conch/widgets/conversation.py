"""The scrolling list of blocks: commands, agent turns and Conch's notices."""

from __future__ import annotations

from collections.abc import Iterable

from textual.containers import VerticalScroll
from textual.widget import AwaitMount, Widget


class Conversation(VerticalScroll):
    DEFAULT_CSS = """
    Conversation { height: 1fr; padding: 0 1; }
    """

    def on_mount(self) -> None:
        # Stay at the bottom as blocks grow, until the user scrolls up.
        self.anchor()

    def add_block(self, block: Widget) -> AwaitMount:
        mounted = self.mount(block)
        self.anchor()
        return mounted

    def add_blocks(self, blocks: Iterable[Widget]) -> AwaitMount:
        """Many blocks in one mount (a restored session): one layout pass, not one per block."""
        mounted = self.mount_all(blocks)
        self.anchor()
        return mounted
