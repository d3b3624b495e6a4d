"""The Tab menu above the prompt: every candidate, one highlighted, scrolled into view.

The menu never takes the focus: the prompt keeps the keys, and moves the highlight with
Tab / Shift+Tab / Up / Down. Nothing is cut: a long list scrolls, and the title says how
many there are. A line-API widget: only the rows on screen are rendered, so a menu of
10,000 names opens as fast as one of ten (an OptionList renders every option to lay out).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from conch_plugins.shell_mode.completion import Candidate, Completion

_KIND_COLOURS = {
    "directory": "#6aa7ff",
    "alias": "#d7a65f",
    "function": "#d7a65f",
    "builtin": "#9fcf6a",
    "keyword": "#9fcf6a",
    "variable": "#c792ea",
    "option": "#7fd6d6",
}
MAX_ROWS = 10
"""Candidates visible at once; the rest scroll."""
_HINT = "Tab next · Shift+Tab back · Enter/→ take · Esc close"
_KIND_STYLE = Style(dim=True)
_HIGHLIGHT = Style(bgcolor="#1f3b5c", bold=True)


class CompletionMenu(ScrollView, can_focus=False):
    DEFAULT_CSS = """
    CompletionMenu {
        display: none;
        overlay: screen;
        position: absolute;
        height: auto;
        max-height: 12;  /* MAX_ROWS + the border */
        margin: 0 1 0 0;
        border: round $primary;
        border-title-color: $text-muted;
        border-subtitle-color: $text-muted;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    CompletionMenu.-open { display: block; }
    """

    class Clicked(Message):
        """A candidate was clicked: take it."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self) -> None:
        super().__init__(id="completion-menu")
        self.completion: Completion | None = None
        self.highlighted: int | None = None
        self._width = 0
        self._names = 0

    @property
    def is_open(self) -> bool:
        return self.completion is not None

    @property
    def option_count(self) -> int:
        return len(self.completion.candidates) if self.completion else 0

    def open(self, completion: Completion) -> None:
        """Show ``completion``'s candidates, none highlighted yet."""
        self.completion = completion
        self.highlighted = None
        names = max(len(candidate.display) for candidate in completion.candidates)
        kinds = max(len(candidate.kind) for candidate in completion.candidates)
        self._names = names + 2
        self._width = self._names + kinds
        self.virtual_size = Size(self._width, len(completion.candidates))
        self.border_title = f"{len(completion.candidates)} matches"
        self.border_subtitle = _HINT
        self.scroll_to(0, 0, animate=False)
        # Drawn over the conversation, just above the prompt: opening it moves nothing else.
        rows = min(len(completion.candidates), MAX_ROWS) + 2
        self.styles.offset = (0, -rows)
        self.styles.width = (
            self.parent.size.width - 1 if isinstance(self.parent, Widget) else "100%"
        )
        self.add_class("-open")
        self.refresh()

    def move(self, step: int) -> Candidate:
        """Highlight the next (step 1) or previous (step -1) candidate and return it."""
        assert self.completion is not None
        count = len(self.completion.candidates)
        if self.highlighted is None:
            index = 0 if step > 0 else count - 1
        else:
            index = (self.highlighted + step) % count
        self.highlighted = index
        self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True)
        self.refresh()
        return self.completion.candidates[index]

    @property
    def chosen(self) -> Candidate | None:
        if self.completion is None or self.highlighted is None:
            return None
        return self.completion.candidates[self.highlighted]

    def close(self) -> None:
        self.completion = None
        self.highlighted = None
        self.remove_class("-open")

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        completion = self.completion
        width = self.scrollable_content_region.width
        if completion is None or not 0 <= index < len(completion.candidates):
            return Strip.blank(width, self.rich_style)
        candidate = completion.candidates[index]
        base = self.rich_style
        colour = _KIND_COLOURS.get(candidate.kind)
        name_style = base + Style(color=colour, bold=True) if colour else base
        kind_style = base + _KIND_STYLE
        fill = base
        if index == self.highlighted:
            name_style, kind_style, fill = (s + _HIGHLIGHT for s in (name_style, kind_style, fill))
        segments = [
            Segment(candidate.display.ljust(self._names), name_style),
            Segment(candidate.kind, kind_style),
        ]
        strip = Strip(segments).crop(self.scroll_offset.x, self.scroll_offset.x + width)
        return strip.extend_cell_length(width, fill)

    def on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if self.completion is not None and 0 <= index < len(self.completion.candidates):
            self.post_message(self.Clicked(index))
