"""A block removed from the conversation is freed: Textual's own cache must not keep it
(and every line it drew) alive, which made a long session's garbage-collector passes, and
Enter -> frame with them, grow with every block folded away (conch.tui.heap)."""

from __future__ import annotations

import gc
import weakref

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from conch.tui.heap import let_removed_widgets_go


class Blocks(App[None]):
    def compose(self) -> ComposeResult:
        yield VerticalScroll()


async def test_a_removed_block_is_freed_with_the_lines_it_drew() -> None:
    let_removed_widgets_go()
    app = Blocks()
    async with app.run_test(size=(60, 10)) as pilot:
        block = Static("a block that was drawn " * 3)
        await app.query_one(VerticalScroll).mount(block)
        await pilot.pause()
        drawn = weakref.ref(block._styles_cache)
        assert drawn()._cache, "the block was drawn"  # type: ignore[union-attr]
        await block.remove()
        del block
        # The next block lays the view out again (the last layout holds what it placed).
        await app.query_one(VerticalScroll).mount(Static("the next block"))
        await pilot.pause()
        gc.collect()
        assert drawn() is None
