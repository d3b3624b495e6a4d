"""Shows a command's output with colours, wrapped, rendering only visible rows.

Lines come from a ``BoundedOutput`` filled by the reader thread; ``sync()``
picks up changes (the block calls it on a timer, so output is drawn in
batches, never one write per line). ANSI parsing happens per visible line,
so a million-line command costs no more to draw than a short one.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from conch.output_buffer import BoundedOutput

_ANSI = re.compile(r"\x1b\[[0-9;:?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-_]")
_STRIP_CACHE_LIMIT = 4000
TAB_SIZE = 8


def _cells(line: str) -> int:
    """Screen cells a line takes once escapes are gone and tabs expanded."""
    return cell_len(_ANSI.sub("", line).expandtabs(TAB_SIZE))


class OutputView(Widget):
    DEFAULT_CSS = """
    OutputView { height: auto; width: 1fr; padding: 0 1; }
    """

    def __init__(self, output: BoundedOutput, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.output = output
        self._lines: list[str] = []
        self._first = 0
        """Absolute number of the first held line (lines before it were dropped)."""
        self._rows: list[tuple[int, int]] = []
        """(line index, first cell) for every screen row at ``_width``."""
        self._widths: list[int] = []
        self._width = 0
        self._seen_version = -1
        self._strips: dict[int, Strip] = {}

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def sync(self) -> None:
        """Take new output from the buffer; refresh only if something changed."""
        if self.output.version == self._seen_version:
            return
        self._seen_version = self.output.version
        lines, first = self.output.snapshot_from()
        # The window slides: lines already measured keep their widths and
        # strips, except the old last line, which may have grown since.
        settled_end = self._first + max(0, len(self._lines) - 1)
        reuse = max(0, settled_end - first)
        start = first - self._first
        widths = self._widths[start : start + reuse] if start >= 0 else []
        self._strips.pop(settled_end, None)
        if len(self._strips) > _STRIP_CACHE_LIMIT or start < 0:
            self._strips.clear()
        self._first, self._lines = first, lines
        self._widths = widths + [_cells(line) for line in lines[len(widths) :]]
        old_rows = len(self._rows)
        self._layout_rows(self._width)
        self.refresh(layout=len(self._rows) != old_rows)

    def _layout_rows(self, width: int) -> None:
        self._width = width
        rows: list[tuple[int, int]] = []
        step = max(1, width)
        for index, cells in enumerate(self._widths):
            rows.extend((index, start) for start in range(0, max(cells, 1), step))
        self._rows = rows

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if width != self._width:
            self._layout_rows(width)
        return len(self._rows)

    def on_resize(self) -> None:
        if self.content_size.width != self._width:
            self._layout_rows(self.content_size.width)
            self.refresh(layout=True)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if y >= len(self._rows):
            return Strip.blank(width)
        index, start = self._rows[y]
        strip = self._strip(index)
        return strip.crop_extend(start, start + width, None)

    def _strip(self, index: int) -> Strip:
        absolute = self._first + index
        strip = self._strips.get(absolute)
        if strip is None:
            if len(self._strips) > _STRIP_CACHE_LIMIT:
                self._strips.clear()
            text = Text.from_ansi(self._lines[index], no_wrap=True, end="")
            text.expand_tabs(TAB_SIZE)
            strip = Strip(text.render(self.app.console, end=""))
            self._strips[absolute] = strip
        return strip
