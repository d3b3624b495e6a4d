"""The older part of a long restored conversation, mounted a few blocks at a time.

Mounting every block of a long session at once took seconds (about 18 ms per agent turn with
a tool call, 2 ms per command) and made every later layout pass slower too, since Textual lays
out every mounted widget. So a restored conversation mounts only its recent blocks, with this
above them: one line saying how many earlier blocks there are. When that line scrolls into
view (or is clicked), the next few are built and mounted under it, so they sit exactly where
they belong in the conversation, and the view stays on what the user was reading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.dom import NoScreen
from textual.errors import NoWidget
from textual.events import Click
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import Static

BlockFactory = Callable[[], Widget]

CHECK_INTERVAL = 0.2
"""Seconds between looks at whether the line is on screen (a dictionary lookup each)."""


class EarlierItems(Vertical):
    """Blocks not mounted yet (oldest first, each built by its factory), ``step`` at a time."""

    DEFAULT_CSS = """
    EarlierItems { height: auto; }
    EarlierItems > .earlier-items--more {
        margin: 0 0 1 0;
        padding: 0 1;
        color: $text-muted;
        text-style: italic;
    }
    EarlierItems > .earlier-items--more:hover { color: $text; }
    """

    def __init__(self, factories: Sequence[BlockFactory], step: int = 10) -> None:
        super().__init__()
        self._hidden = list(factories)
        self.step = max(1, step)
        self._line = Static(self._label(), classes="earlier-items--more", markup=False)
        self._timer: Timer | None = None
        self._settling = False
        """A batch is mounting or the view is moving back onto the reader's block: until both
        are done, the line may still look in view, and a look then would load a batch more."""

    @property
    def hidden_count(self) -> int:
        """Blocks not mounted yet."""
        return len(self._hidden)

    def compose(self) -> ComposeResult:
        yield self._line

    def on_mount(self) -> None:
        self._timer = self.set_interval(CHECK_INTERVAL, self._show_more_if_seen)

    def on_click(self, event: Click) -> None:
        event.stop()
        self.show_more()

    def _show_more_if_seen(self) -> None:
        if not self._settling and self.is_line_in_view:
            self.show_more()

    @property
    def is_line_in_view(self) -> bool:
        """Whether any of the line is in view on the active screen (``is_on_screen`` is true
        for every laid-out widget, scrolled away or not)."""
        try:
            geometry = self.screen.find_widget(self._line)
        except (NoScreen, NoWidget):
            return False
        return bool(geometry.visible_region.area) and self.screen.is_active

    def show_more(self) -> None:
        """Mount the next ``step`` blocks (the newest of those still hidden) under the line."""
        if not self._hidden:
            return
        batch = self._hidden[-self.step :]
        del self._hidden[-self.step :]
        reading = self._first_block_below()
        mounting = self.mount_all([make() for make in batch], after=self._line)
        if self._hidden:
            self._line.update(self._label())
        else:
            self._line.display = False
            if self._timer is not None:
                self._timer.stop()
        self._settling = True
        self.call_later(self._settle, mounting, reading)

    async def _settle(self, mounting: AwaitMount, reading: Widget | None) -> None:
        """Once the batch is mounted and laid out, put the reader's block back at the top."""
        await mounting
        self.call_after_refresh(self._keep_reading, reading)

    def _keep_reading(self, reading: Widget | None) -> None:
        # Keep the block the user was reading where it was: the new ones go above the view
        # (unless it is not full yet), and the line leaves it until they scroll up again.
        if reading is not None and reading.is_attached:
            reading.scroll_visible(top=True, animate=False, immediate=True)
        self._settling = False

    def _first_block_below(self) -> Widget | None:
        """The block right under the line: one shown earlier, or the first recent block."""
        if len(self.children) > 1:
            return self.children[1]
        parent = self.parent
        if not isinstance(parent, Widget):
            return None
        siblings = list(parent.children)
        index = siblings.index(self) + 1
        return siblings[index] if index < len(siblings) else None

    def _label(self) -> str:
        count = len(self._hidden)
        noun = "entry" if count == 1 else "entries"
        return f"↑ {count:,} earlier {noun} — scroll up (or click here) to show them"
