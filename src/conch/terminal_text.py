"""Raw pty text → what a terminal would show on a line, for escapes Conch does not draw.

Output is shown as lines, not on a terminal grid, so escapes that move the cursor or talk
to the terminal (window title, clipboard) must not reach the screen as text: an OSC such
as ``ESC ] 0 ; title BEL`` printed its payload before. Escapes can be split across reads,
so an unfinished one is held until the next chunk. Colours (SGR) and OSC 8 links stay:
Rich draws them. No Textual here.
"""

from __future__ import annotations

import re

ERASE = "\x1a"
"""Stands for "erase to the end of the line" (ESC [ K) until ``overlay`` applies it."""

_OSC = re.compile(r"\x1b\]([^\x07\x1b]*)(?:\x07|\x1b\\)")
_ERASE_LINE = re.compile(r"\x1b\[[02]?K")
_CURSOR_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-HJKSTfhlnsu]|\x1b[=>78]|\x07|\x08")
_UNFINISHED = re.compile(r"\x1b(?:\[[0-9;:?<>=]*[ -/]*|\][^\x07\x1b]*)?")
_HOLD_LIMIT = 1 << 16
"""An "escape" longer than this is not one being split: let it through as text."""


class EscapeFilter:
    """Removes escapes that would show as text; stateful across chunks."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, text: str) -> str:
        if self._held:
            text, self._held = self._held + text, ""
        last = text.rfind("\x1b")
        if last >= 0 and len(text) - last <= _HOLD_LIMIT and _UNFINISHED.fullmatch(text, last):
            text, self._held = text[:last], text[last:]
        if "\x1b" not in text and "\x07" not in text and "\x08" not in text:
            return text
        if "\x1b]" in text:
            text = _OSC.sub(_keep_links, text)
        text = _ERASE_LINE.sub(ERASE, text)
        return _CURSOR_CONTROL.sub("", text)


def _keep_links(match: re.Match[str]) -> str:
    """OSC 8 (a hyperlink) is drawn by Rich, which reads only the ESC \\ terminator."""
    body = match.group(1)
    return f"\x1b]{body}\x1b\\" if body.startswith("8;") else ""


def overlay(line: str) -> str:
    """The line as a terminal shows it after carriage returns and erases.

    ``10%\\r5`` shows ``50%``: a carriage return moves the cursor back and the next text
    overwrites only what it covers. With colour codes in the line, character positions
    are not cells, so the text after the last carriage return is shown alone.
    """
    if "\r" not in line and ERASE not in line:
        return line
    if "\x1b" in line:
        body = line.rstrip("\r")
        return body.rsplit("\r", 1)[-1].replace(ERASE, "")
    shown = ""
    for segment in line.split("\r"):
        cursor = 0
        parts = segment.split(ERASE)
        for index, part in enumerate(parts):
            shown = shown[:cursor] + part + shown[cursor + len(part) :]
            cursor += len(part)
            if index < len(parts) - 1:
                shown = shown[:cursor]
    return shown
