"""Output as a terminal left it on screen: what export and replay read instead of pty bytes."""

from __future__ import annotations

from conch.sessions.terminal_text import as_shown, strip_ansi


def test_crlf_ends_a_line_and_a_lone_cr_overwrites_from_the_start() -> None:
    assert as_shown("one\r\ntwo\r\n") == "one\ntwo\n"
    assert as_shown("10%\r50%\r100%\r\nnext") == "100%\nnext"
    assert as_shown("abcdef\rxy") == "xycdef"  # a shorter redraw leaves the rest visible


def test_backspaces_step_back_over_what_was_written() -> None:
    assert as_shown("ab\bc") == "ac"
    assert as_shown("\b\bx") == "x"


def test_colour_codes_titles_and_cursor_moves_are_dropped_unless_kept() -> None:
    coloured = "\x1b[1;31mred\x1b[0m \x1b]0;title\x07\x1b[2Kplain\x1b(B\r\n"
    assert as_shown(coloured) == "red plain\n"
    assert as_shown(coloured, keep_ansi=True) == coloured.replace("\r\n", "\n")
    assert strip_ansi("\x1b[38;5;208morange\x1b[m") == "orange"


def test_a_million_plain_lines_pass_through_unchanged_but_for_line_ends() -> None:
    lines = "".join(f"{n}\r\n" for n in range(1, 1_000_001))
    assert as_shown(lines) == lines.replace("\r\n", "\n")
