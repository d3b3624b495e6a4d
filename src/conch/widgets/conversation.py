"""The scrolling list of blocks: commands, agent turns and Conch's notices.

It follows new output (stays at the bottom) until the user scrolls up, by wheel, scrollbar
or keys; from then on nothing that arrives moves the view, and ``PositionChanged`` says how
much lies below, so a marker can say so. Reaching the bottom again, or ``follow()`` (Enter in
the prompt, the "bottom" key), follows again.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import AwaitMount, Widget


class Conversation(VerticalScroll, can_focus=False):
    """Never focused: the prompt keeps the keys (a click on a block must not take them);
    the app's bindings scroll it."""

    DEFAULT_CSS = """
    Conversation { height: 1fr; padding: 0 1; }
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Set by the layout that arranged the blocks. Textual's own declaration asks for another
    layout of the whole screen whenever it changes: a second full pass for every command
    run. While following, the pass that set it already put the view at the bottom (and a
    scrollbar that comes or goes asks for its own layout), so the second pass is asked for
    only under a scrolled-up view (see watch_virtual_size)."""

    class PositionChanged(Message):
        """Following, the rows below the view, or whether there is anything to scroll
        changed."""

        def __init__(self, conversation: Conversation) -> None:
            super().__init__()
            self.conversation = conversation
            self.is_following = conversation.is_following
            self.rows_below = conversation.rows_below
            self.overflows = conversation.overflows

        @property
        def control(self) -> Conversation:
            return self.conversation

    def __init__(self) -> None:
        super().__init__()
        self._following = True
        self._reported: tuple[bool, int, bool] | None = None

    def on_mount(self) -> None:
        self.follow()

    # -- where the view is ------------------------------------------------------------

    @property
    def is_following(self) -> bool:
        """Whether new output keeps the view at the bottom."""
        return self._following

    @property
    def rows_below(self) -> int:
        """Screen rows under the bottom of the view (0 while following)."""
        return 0 if self._following else max(0, self.max_scroll_y - round(self.scroll_y))

    @property
    def overflows(self) -> bool:
        """Whether the blocks are taller than the view (there is something to scroll)."""
        return self.max_scroll_y > 0

    def follow(self) -> None:
        """Go to the bottom and stay there as blocks grow."""
        self._following = True
        self.anchor()
        self._report()

    def release_anchor(self) -> None:
        # Every user scroll (wheel, scrollbar, keys) comes through here, before it moves.
        super().release_anchor()
        self._following = False
        # A scroll that could not move (wheel down at the bottom) leaves the view at the
        # bottom: follow again once it has settled.
        self.call_after_refresh(self._follow_if_at_bottom)
        self._report()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._follow_if_at_bottom()
        self._report()

    def watch_virtual_size(self) -> None:
        # The blocks grew or shrank: more (or less) below, or something to scroll at last.
        if not self._following:
            # Blocks shown above a view being read are kept in place by a scroll made
            # after a settled layout (EarlierItems.show_more).
            self.refresh(layout=True)
        self._report()

    def on_resize(self, event: events.Resize) -> None:
        self._report()

    def _follow_if_at_bottom(self) -> None:
        if not self._following and self.scroll_y >= self.max_scroll_y:
            self.follow()

    def _report(self) -> None:
        state = (self._following, self.rows_below, self.overflows)
        if state != self._reported:
            self._reported = state
            self.post_message(self.PositionChanged(self))

    # -- moving it ------------------------------------------------------------------

    def page(self, pages: float) -> None:
        """Scroll by whole views (negative: up); reaching the bottom follows again."""
        target = round(self.scroll_y + pages * self.scrollable_content_region.height)
        if target >= self.max_scroll_y:
            self.follow()
        else:
            self.scroll_to(y=max(0, target), animate=False, immediate=True)

    def to_block(self, step: int) -> None:
        """Put the start of the previous (``step`` < 0) or next block at the top of the view;
        past the last block, follow. A long output's start is one key away."""
        top = round(self.scroll_y)
        starts = sorted({child.virtual_region.y for child in self.children if child.display})
        if step < 0:
            earlier = [start for start in starts if start < top]
            target = earlier[-1] if earlier else 0
        else:
            later = [start for start in starts if start > top]
            if not later or later[0] >= self.max_scroll_y:
                self.follow()
                return
            target = later[0]
        self.scroll_to(y=target, animate=False, immediate=True)

    def to_top(self) -> None:
        """The first block (or the line offering earlier entries of a long session)."""
        self.scroll_to(y=0, animate=False, immediate=True)

    # -- adding blocks --------------------------------------------------------------

    def add_block(self, block: Widget) -> AwaitMount:
        """Mount a block; the view moves to it only while following."""
        mounted = self.mount(block)
        if self._following:
            self.anchor()
        return mounted

    def add_blocks(self, blocks: Iterable[Widget]) -> AwaitMount:
        """Many blocks in one mount (a restored session): one layout pass, not one per block."""
        mounted = self.mount_all(blocks)
        if self._following:
            self.anchor()
        return mounted
