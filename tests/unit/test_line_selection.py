"""Where a screen cell falls in a line's text, for mouse selection in output rows."""

from __future__ import annotations

from conch.tui.widgets.line_selection import cells_before, index_at_cell
from conch.tui.widgets.output_view import plain_line


def test_in_plain_text_a_cell_is_a_character() -> None:
    assert index_at_cell("abcdef", 3) == 3
    assert index_at_cell("abc", 10) == 3


def test_wide_characters_take_two_cells() -> None:
    line = "日本語abc"
    assert index_at_cell(line, 2) == 1
    assert index_at_cell(line, 6) == 3
    assert cells_before(line, 3) == 6


def test_a_long_line_cut_to_its_end_counts_its_ellipsis_as_one_cell() -> None:
    line = "…" + "x" * 65_536
    assert index_at_cell(line, 1) == 1
    assert index_at_cell(line, 50_000) == 50_000
    assert plain_line(line) is line, "no parse for a plain line, even with the ellipsis"
