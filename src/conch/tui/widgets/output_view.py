"""Shows output with colours, wrapped, rendering only the rows on screen.

Lines come from a ``BoundedOutput`` filled by the reader thread, which calls
``output_arrived()``: that posts one ``OutputArrived`` at a time, so the view
syncs as soon as the event loop is free and a flood costs one message per
frame, not one per chunk. ``sync()`` takes changes in batches (never one
write per line). ANSI parsing happens
per visible line, so a million-line command costs no more to draw than a
short one. One widget per block, with optional header and footer lines,
because Textual's layout cost grows with the number of widgets on screen.
"""

from __future__ import annotations

import re
import time

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.selection import Selection
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from conch.output_buffer import BoundedOutput
from conch.tui.widgets.line_selection import selectable_row, selected_text, selection_style

_ANSI = re.compile(r"\x1b\[[0-9;:?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-_]")
_STRIP_CACHE_LIMIT = 4000
TAB_SIZE = 8
# While output floods in, redraw at most this often: measuring thousands of
# new lines 20 times a second starved the reader thread (2.1x slower floods).
FLOOD_LINES = 2000
FLOOD_CHARS = 1 << 18
"""Or this many characters: one long line with no newline floods too."""
FLOOD_INTERVAL = 0.25


def _cells(line: str) -> int:
    """Screen cells a line takes once escapes are gone and tabs expanded."""
    body = line.removeprefix("…")  # a line cut to its end (one cell)
    if body.isascii() and "\x1b" not in body and "\t" not in body:
        return len(line)
    return cell_len(_ANSI.sub("", line).expandtabs(TAB_SIZE))


def plain_line(line: str) -> str:
    """The characters a line shows, exactly as drawn (escapes applied, tabs expanded)."""
    if line.removeprefix("…").isascii() and line.isprintable():
        return line  # "…" starts a line cut to its end (one cell, printable)
    text = Text.from_ansi(line, no_wrap=True, end="")
    text.expand_tabs(TAB_SIZE)
    return text.plain


def _rows_of(line: str, width: int) -> list[Text] | None:
    """A plain-ASCII line cut into rows of ``width`` cells (one cell per character)."""
    # "…" starts a line cut to its end (output_buffer.MAX_LINE_CHARS): one cell too.
    if width <= 0 or not line.removeprefix("…").isascii() or "\t" in line:
        return None
    text = Text.from_ansi(line, no_wrap=True, end="")
    if not text.plain.removeprefix("…").isprintable():
        return None
    return list(text.divide(range(width, len(text), width)))


class OutputView(Widget):
    DEFAULT_CSS = """
    OutputView { height: auto; width: 1fr; padding: 0 1; }
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Set by the layout that sized this view. Textual's own declaration asks for another
    layout of the whole screen whenever it changes, a second full pass for every block
    mounted or grown; this view never scrolls itself, so nothing else depends on it."""

    class OutputArrived(Message):
        """The buffer changed (posted from the reader thread)."""

        bubble = False

    def __init__(self, output: BoundedOutput, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.output = output
        self._lines: list[str] = []
        self._first = 0
        """Absolute number of the first held line (lines before it were dropped)."""
        self._widths: list[int] = []
        self._wrapped: list[tuple[int, int]] | None = None
        """(line, first cell) per screen row when some line is wider than the view."""
        self._width = 0
        self._seen_version = -1
        self._synced_total = 0
        self._synced_chars = 0
        self._synced_at = 0.0
        self._strips: dict[int, Strip] = {}
        self._row_strips: dict[tuple[int, int], Strip] = {}
        """Screen rows of wrapped lines, by (line, first cell); dropped on every sync."""
        self._narrow: dict[int, bool] = {}
        """Per line (absolute number): printable ASCII (a cut line's "…" aside), one cell per
        character and nothing to parse;
        such a row's selection offset is its first cell, with no walk over the text."""
        self._row_texts: dict[int, list[Text] | None] = {}
        """Wrapped lines cut into rows once per sync; None: not plain ASCII (cells ≠
        characters)."""
        self._frame_version = 0
        self._frame_key: tuple[int, int] | None = None
        self._frame_strips: tuple[list[Strip], list[Strip]] = ([], [])
        self._wake_posted = False
        """An OutputArrived is on its way; the reader thread need not post another."""
        self._catch_up: Timer | None = None

    # -- what subclasses frame the output with -----------------------------------

    def header_lines(self) -> list[Text]:
        return []

    def footer_lines(self) -> list[Text]:
        return []

    def notify_style_update(self) -> None:
        """Classes changed (e.g. -failed): frame lines take their new colours."""
        super().notify_style_update()
        self._frame_version += 1
        self.refresh()

    def refresh_frame(self) -> None:
        """Header or footer text changed: redraw, and lay the screen out again only if the
        rows did (a command finishing usually changes its header's words, not its height)."""
        before = self._row_count()
        self._frame_version += 1
        self.refresh(layout=self._row_count() != before)

    # -- following the buffer -----------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def row_count(self) -> int:
        """Screen rows at the current width: header, output and footer."""
        return self._row_count()

    def output_arrived(self) -> None:
        """Wake the view: safe from any thread, at most one message in flight.

        No lock: the flag is cleared on the UI thread before the buffer is
        read, so output appended while a message is pending is always in that
        message's sync.
        """
        if not self._wake_posted:
            self._wake_posted = True
            self.post_message(self.OutputArrived())

    def on_output_view_output_arrived(self, message: OutputArrived) -> None:
        message.stop()
        self._wake_posted = False
        self.sync()

    def sync(self, force: bool = False) -> None:
        """Take new output from the buffer; refresh only if something changed."""
        if self.output.version == self._seen_version:
            return
        now = time.monotonic()
        flooding = (
            self.output.total_lines - self._synced_total > FLOOD_LINES
            or self.output.total_chars - self._synced_chars > FLOOD_CHARS
        )
        if flooding and not force and now - self._synced_at < FLOOD_INTERVAL:
            if self._catch_up is None:
                # Quiet the reader until then: a wake-up per read cost the flood 0.2 s.
                self._wake_posted = True
                wait = FLOOD_INTERVAL - (now - self._synced_at)
                self._catch_up = self.set_timer(wait, self._sync_after_flood_pause)
            return
        before = self._row_count()
        self._seen_version, self._synced_at = self.output.version, now
        self._synced_chars = self.output.total_chars
        lines, first = self.output.snapshot_from()
        if first > 0 and len(lines) > self.output.max_lines:
            # Capped, with an unfinished last line: show one complete line fewer, so the
            # view keeps its height while a flood's reads end mid-line or not. Each change
            # of one row laid the whole screen out again (8–43 ms here), about 4 times a second.
            lines, first = lines[1:], first + 1
        # The window slides: lines already measured keep their widths and
        # strips, except the old last line, which may have grown since.
        settled_end = self._first + max(0, len(self._lines) - 1)
        reuse = max(0, settled_end - first)
        start = first - self._first
        widths = self._widths[start : start + reuse] if start >= 0 else []
        self._strips.pop(settled_end, None)
        self._row_strips.clear()
        self._row_texts.clear()
        self._narrow.clear()
        if len(self._strips) > _STRIP_CACHE_LIMIT or start < 0:
            self._strips.clear()
        self._first, self._lines = first, lines
        self._synced_total = first + len(lines)
        self._widths = widths + [_cells(line) for line in lines[len(widths) :]]
        # Rows counted before the new lines came in: a view that grew must be
        # laid out again, or its new rows stay off screen.
        self._layout_rows(self._width)
        self.refresh(layout=self._row_count() != before)

    def _sync_after_flood_pause(self) -> None:
        self._catch_up = None
        self._wake_posted = False
        self.sync()

    # -- layout -------------------------------------------------------------------

    def _layout_rows(self, width: int) -> None:
        self._width = width
        step = max(1, width)
        # Width 0 (not laid out yet, e.g. a restored block synced on mount): one row per cell
        # would be built (400,000 for 5,000 lines of 80) and dropped at the first layout.
        if width <= 0 or not self._widths or max(self._widths) <= step:
            self._wrapped = None
            return
        rows: list[tuple[int, int]] = []
        for index, cells in enumerate(self._widths):
            rows.extend((index, start) for start in range(0, max(cells, 1), step))
        self._wrapped = rows

    def _output_rows(self) -> int:
        return len(self._lines) if self._wrapped is None else len(self._wrapped)

    def _row_count(self) -> int:
        head, foot = self._frame()
        return len(head) + self._output_rows() + len(foot)

    def _frame(self) -> tuple[list[Strip], list[Strip]]:
        """Header and footer strips for the current width, rendered when stale."""
        key = (self._width, self._frame_version)
        if key != self._frame_key and self._width > 0 and self.is_attached:
            self._frame_strips = (self._wrap(self.header_lines()), self._wrap(self.footer_lines()))
            self._frame_key = key
        return self._frame_strips

    def part_style(self, component: str) -> Style:
        """A component class's colour and text style, without its background,
        so frame lines sit on the widget's own background like the output."""
        style = self.get_component_rich_style(component)
        return Style(color=style.color, bold=style.bold, dim=style.dim, italic=style.italic)

    def _wrap(self, texts: list[Text]) -> list[Strip]:
        console = self.app.console
        strips: list[Strip] = []
        for text in texts:
            for line in text.wrap(console, self._width):
                # Text.render leaves out the base style when a text has no spans.
                strip = Strip(line.render(console, end="")).apply_style(
                    console.get_style(line.style)
                )
                strips.append(strip.extend_cell_length(self._width))
        return strips

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if width != self._width:
            self._layout_rows(width)
        return self._row_count()

    def on_resize(self) -> None:
        if self.content_size.width != self._width:
            self._layout_rows(self.content_size.width)
            self.refresh(layout=True)

    # -- drawing ------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        head, foot = self._frame()
        selection = self.text_selection
        highlight = selection_style(self) if selection is not None else Style.null()
        if y < len(head):
            return selectable_row(head[y], y, selection, highlight)
        y -= len(head)
        if y >= self._output_rows():
            y -= self._output_rows()
            if y >= len(foot):
                return Strip.blank(width)
            line = len(head) + len(self._lines) + y
            return selectable_row(foot[y], line, selection, highlight)
        if self._wrapped is None:
            index, start = y, 0
            strip = self._strip(index).crop_extend(0, width, None)
        else:
            index, start = self._wrapped[y]
            key = (self._first + index, start)
            cached = self._row_strips.get(key)
            if cached is None:
                cached = self._wrapped_row(index, start, width)
                self._row_strips[key] = cached
            strip = cached
        raw = self._lines[index]
        if selection is None and self._is_narrow(index):
            # Nothing selected and a cell per character: the row's offset is its first cell.
            # Finding it by walking the text cost seconds for a 64 Ki-char line drawn at
            # 240 frames a second.
            return strip.apply_offsets(start, len(head) + index)
        return selectable_row(strip, len(head) + index, selection, highlight,
                              first_cell=start, plain_text=lambda: plain_line(raw))  # fmt: skip

    def _is_narrow(self, index: int) -> bool:
        absolute = self._first + index
        narrow = self._narrow.get(absolute)
        if narrow is None:
            raw = self._lines[index]
            narrow = raw.removeprefix("…").isascii() and raw.isprintable()  # no escapes, tabs
            self._narrow[absolute] = narrow
        return narrow

    def _wrapped_row(self, index: int, start: int, width: int) -> Strip:
        """One screen row of a long line. Cropping the whole line's strip measures every
        cell of it per row: a 64 Ki-char line took 8 s to draw. Plain ASCII text has one
        cell per character, so its row is cut from the text first; with no escapes in
        it, by slicing the string (parsing the whole line once a sync took 9 ms)."""
        if self._is_narrow(index):
            cut = self._lines[index][start : start + width]
            return Strip([Segment(cut)], len(cut)).extend_cell_length(width)
        if index not in self._row_texts:
            self._row_texts[index] = _rows_of(self._lines[index], width)
        rows = self._row_texts[index]
        if rows is None or start // width >= len(rows):
            return self._strip(index).crop_extend(start, start + width, None)
        piece = rows[start // width]
        return Strip(piece.render(self.app.console, end="")).crop_extend(0, width, None)

    # -- selecting ----------------------------------------------------------------
    # Selection sees the header rows, one line per output line (however many rows it
    # wraps to), then the footer rows.

    def document_lines(self) -> list[str]:
        """Every line as selection sees it: header, output (unwrapped), footer."""
        head, foot = self._frame()
        return [
            *(strip.text.rstrip() for strip in head),
            *(plain_line(line) for line in self._lines),
            *(strip.text.rstrip() for strip in foot),
        ]

    def plain_output(self) -> str:
        """The output lines held, as shown (no colours), one per line."""
        return "\n".join(plain_line(line) for line in self._lines)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selected_text(self.document_lines(), selection), "\n"

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
