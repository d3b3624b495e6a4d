"""Command output as a terminal showed it: what export and agent replay read.

The journal keeps output as the pty gave it: CRLF line ends, ANSI colour codes, progress bars
redrawn with a bare ``\\r`` thousands of times. A reader wants the screen, not the bytes:
``\\r\\n`` ends a line, a lone ``\\r`` returns to the line's start and what follows overwrites
it (``10%\\r100%`` shows ``100%``), a backspace steps back, and escape sequences are dropped.
Pure Python; linear in the text, with a fast path for the common line that has none of these
(``seq 1 1000000``, 6.9 MB, renders in well under a second).
"""

from __future__ import annotations

import re

ANSI_ESCAPE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (titles, hyperlinks) up to BEL or ST
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erases
    r"|\x1b[ -/]*[0-~]"  # two-byte escapes (charset selection, keypad modes)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x07\x0b-\x1f\x7f]")
"""Other control bytes a screen does not show (tab, newline, CR and backspace are handled)."""


def strip_ansi(text: str) -> str:
    return ANSI_ESCAPE.sub("", text)


def as_shown(text: str, *, keep_ansi: bool = False) -> str:
    """``text`` as a terminal would leave it on screen: CRLF ends lines, a lone CR overwrites
    from the line's start, escape sequences are dropped (kept with ``keep_ansi``; the
    overwrite rule then counts the codes as text, which is close enough for coloured
    progress lines)."""
    if not keep_ansi:
        text = strip_ansi(text)
    text = text.replace("\r\n", "\n")
    if "\r" in text or "\b" in text:
        text = "\n".join(_line_as_shown(line) for line in text.split("\n"))
    return text if keep_ansi else _CONTROLS.sub("", text)


def _line_as_shown(line: str) -> str:
    line = line.rstrip("\r")  # a CR before the line's end only moves the cursor
    return _overwrite(line) if "\r" in line or "\b" in line else line


def _overwrite(line: str) -> str:
    """One line with its carriage returns and backspaces applied, as cells on a screen."""
    if "\b" not in line:  # the usual progress bar: each redraw covers the start of the last
        shown = ""
        for redraw in line.split("\r"):
            shown = redraw + shown[len(redraw) :]
        return shown
    cells: list[str] = []
    column = 0
    for segment in re.split(r"(\r|\x08)", line):
        if segment == "\r":
            column = 0
        elif segment == "\x08":
            column = max(0, column - 1)
        elif segment:
            end = column + len(segment)
            if column >= len(cells):
                cells.extend(segment)
            else:
                cells[column:end] = segment
            column = end
    return "".join(cells)
