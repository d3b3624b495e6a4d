"""A stretch of an agent's answer shown as Markdown, in one widget.

Rich's Markdown renders the whole source to lines, cached per width and
theme, and the lines are served through Textual's line API. Textual's own
Markdown widget makes a widget per block (paragraph, list item, fence): a
33,000-character answer became ~240 widgets that every layout pass measured,
and ~250,000 more live objects, so each full garbage collection stalled the
UI for 100-170 ms (bench/agent_stream.py). Re-rendering a 1,500-character
segment costs ~3 ms, so the segment being streamed is simply rendered
again, keeping the Strips of unchanged lines. This widget must never mount
children.
"""

from __future__ import annotations

from rich.theme import Theme
from textual.geometry import Region, Size
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from conch.tui.widgets.line_selection import selectable_row, selected_text, selection_style
from conch.tui.widgets.markdown_split import Cut
from conch.tui.widgets.rich_markdown import AnswerMarkdown, CodeTheme, Palette


class MarkdownSegment(Widget):
    """Markdown text rendered with Rich, one widget for many blocks."""

    DEFAULT_CSS = """
    MarkdownSegment { height: auto; }
    """

    def __init__(self, source: str = "", *, preamble: str = "", classes: str | None = None) -> None:
        """``preamble`` is rendered before ``source`` but is not part of it
        (the opening line of a code fence that began in the previous segment)."""
        super().__init__(classes=classes)
        self._source = source
        self.preamble = preamble
        self._lines: list[Strip] = []
        self._lines_key: tuple[object, ...] | None = None
        self._themes: dict[tuple[object, ...], tuple[Theme, CodeTheme]] = {}
        """Rich styles per app theme and background."""

    @property
    def source(self) -> str:
        """The Markdown text shown here."""
        return self._source

    def append(self, text: str) -> None:
        """Add streamed text at the end."""
        if text:
            self._source += text
            self._changed()

    def split_off(self, cut: Cut) -> MarkdownSegment:
        """Keep the text before ``cut``; returns a new segment (to mount) with the rest."""
        rest = MarkdownSegment(self._source[cut.offset :], preamble=cut.preamble)
        self._source = self._source[: cut.offset]
        # A code fence runs on into the next segment: no margin, no padding between.
        self.set_class(bool(cut.preamble), "-open-fence")
        self._changed()
        return rest

    def _changed(self) -> None:
        width = self.size.width
        before, was = self._lines, self._lines_key
        self._lines_key = None
        if was is None or was[0] != width or not self.is_attached:
            self.refresh(layout=True)
            return
        after = self._lines_for(width)
        if len(after) != len(before):
            self.refresh(layout=True)
            return
        # Streamed text mostly changes the last lines: repaint only those,
        # and skip the layout of the whole screen while the height holds.
        changed = [y for y, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
        if changed:
            self.refresh(Region(0, changed[0], width, changed[-1] - changed[0] + 1))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines_for(width))

    def render_line(self, y: int) -> Strip:
        lines = self._lines_for(self.size.width)
        if y < len(lines):
            selection = self.text_selection
            if selection is None:
                return lines[y].apply_offsets(0, y)
            highlight = selection_style(self)
            return selectable_row(lines[y], y, selection, highlight)
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected part of the answer as drawn (rendered Markdown, not its source)."""
        lines = [strip.text.rstrip() for strip in self._lines_for(self.size.width)]
        return selected_text(lines, selection), "\n"

    def _lines_for(self, width: int) -> list[Strip]:
        app = self.app
        # The visual style is cached by Textual; it changes with the theme.
        key = (width, app.theme, app.native_ansi_color, self.visual_style.rich_style)
        if key != self._lines_key:
            self._lines = self._render_lines(width, self._lines)
            self._lines_key = key
        return self._lines

    def _render_lines(self, width: int, before: list[Strip]) -> list[Strip]:
        """Render the source; lines equal to ones in ``before`` keep their Strip
        (each Strip carries seven caches: new ones for unchanged lines fed the GC)."""
        if width <= 0 or not (self.preamble or self._source.strip()):
            return []
        theme, code_theme = self._styling()
        markdown = AnswerMarkdown(self.preamble + self._source, code_theme)
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False, markup=False)
        with console.use_theme(theme):
            lines = console.render_lines(markdown, options, style=self.visual_style.rich_style)
        # The padding rows Syntax puts around a fence, where the fence was cut.
        if self.preamble:
            lines = lines[1:]
        if self.has_class("-open-fence"):
            lines = lines[:-1]
        strips: list[Strip] = []
        for y, line in enumerate(lines):
            old = before[y] if y < len(before) else None
            if old is not None and old.cell_length == width and list(old) == line:
                strips.append(old)
            else:
                strips.append(Strip(line, width))
        return strips

    def _styling(self) -> tuple[Theme, CodeTheme]:
        app = self.app
        background = self.background_colors[1]
        key = (app.theme, app.native_ansi_color, background)
        if key not in self._themes:
            dark = app.current_theme.dark
            palette = Palette(app.theme_variables, background, dark, app.native_ansi_color)
            self._themes[key] = (palette.theme(), CodeTheme(palette))
        return self._themes[key]
