"""Mouse text selection for line-API widgets (command output, agent answers).

Textual selects text in a widget through offsets carried by the segments it draws
(``Strip.apply_offsets``): a widget that draws its own rows must add them, say which text a
selection covers (``get_selection``) and highlight it. Rows address "document" lines (a
line wrapped over several rows is one line) and x counts characters, as Textual's
``Selection.extract`` expects.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget


def cells_before(plain: str, index: int) -> int:
    """Screen cells taken by the first ``index`` characters."""
    return index if plain.isascii() else cell_len(plain[:index])


def index_at_cell(plain: str, cell: int) -> int:
    """The character that starts at screen cell ``cell`` (wide characters take two)."""
    # One cell per character (ASCII, or a long line cut to "…" and its end): no walk. The
    # walk over a 64 Ki-char line for each of its rows made one long line take seconds.
    if plain.isascii() or plain.removeprefix("…").isascii():
        return min(cell, len(plain))
    cells = 0
    for index, character in enumerate(plain):
        if cells >= cell:
            return index
        cells += cell_len(character)
    return len(plain)


def selection_style(widget: Widget) -> Style:
    """The theme's colours for selected text, over the colours the text already has.

    The theme's selection foreground is usually transparent (keep the text's colour); as a
    Rich style it would come out equal to the background, hiding the text."""
    screen = widget.screen
    rich_style = screen.get_component_rich_style("screen--selection")
    keeps_colour = screen.get_component_styles("screen--selection").color.a == 0
    return Style(bgcolor=rich_style.bgcolor) if keeps_colour else rich_style


def selectable_row(
    strip: Strip,
    line: int,
    selection: Selection | None,
    highlight: Style,
    *,
    first_cell: int = 0,
    plain_text: Callable[[], str] | None = None,
) -> Strip:
    """``strip`` as a row showing document line ``line`` from screen cell ``first_cell`` on,
    addressable by the mouse and with the selected part (if any) in ``highlight``.

    ``plain_text`` gives the line's whole text; asked only when needed (for a coloured output
    line it costs a parse). Without it the strip's own text is the line."""
    span = selection.get_span(line) if selection is not None else None
    if span is None and first_cell == 0:
        return strip.apply_offsets(0, line)
    plain = plain_text() if plain_text is not None else strip.text.rstrip()
    if span is not None:
        start, end = span
        end = len(plain) if end == -1 else min(end, len(plain))
        left = max(0, cells_before(plain, start) - first_cell)
        right = min(strip.cell_length, cells_before(plain, end) - first_cell)
        strip = highlighted(strip, left, right, highlight)
    return strip.apply_offsets(index_at_cell(plain, first_cell), line)


def highlighted(strip: Strip, left: int, right: int, style: Style) -> Strip:
    """Cells ``left`` to ``right`` of ``strip`` drawn in ``style`` over their own colours."""
    if right <= left:
        return strip
    before, chosen, after = strip.divide([left, right, strip.cell_length])
    chosen = Strip(Segment.apply_style(list(chosen), post_style=style), chosen.cell_length)
    return Strip.join([before, chosen, after])


def selected_text(lines: list[str], selection: Selection) -> str:
    """The part of ``lines`` (the document) that ``selection`` covers."""
    return selection.extract("\n".join(lines))
