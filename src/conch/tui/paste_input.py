"""Bracketed pastes stay text: control bytes inside a paste are shown, never pressed.

Textual's terminal parser (8.2) reads an ESC inside a bracketed paste as the start of an
escape sequence, and re-issues one it does not know as key presses: a paste of
``echo a<ESC>b`` typed ``^b`` into the prompt ahead of the pasted text, and ran
``^becho a``. This filter sits in front of the parser: between the paste markers it
replaces every control byte but newline, carriage return and tab by its caret form
(ESC → ``^[``, NUL → ``^@``), so the parser sees plain text and the prompt shows what was
pasted. It never holds back a byte outside a paste (a lone Esc key must reach the
parser at once); inside one it holds back only what may be the start of the end marker.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
_KEPT = frozenset("\t\n\r")


def caret_form(text: str) -> str:
    """``text`` with its control characters made visible (``^[``, ``^@``, ``^?``)."""
    if text.isprintable() or all(c.isprintable() or c in _KEPT for c in text):
        return text
    shown = []
    for char in text:
        code = ord(char)
        if char in _KEPT or (code >= 0x20 and code != 0x7F):
            shown.append(char)
        else:
            shown.append("^?" if code == 0x7F else "^" + chr(code + 0x40))
    return "".join(shown)


def _partial_marker(text: str, marker: str) -> int:
    """How many characters at the end of ``text`` may begin ``marker``."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if text.endswith(marker[:size]):
            return size
    return 0


class PasteFilter:
    """Makes control bytes between the bracketed-paste markers visible; fed in chunks."""

    def __init__(self) -> None:
        self.in_paste = False
        self._held = ""
        """Inside a paste: the end of a chunk that may begin the end marker."""
        self._tail = ""
        """Outside a paste: the last characters passed on, in case a start marker is split."""

    def feed(self, data: str) -> str:
        out: list[str] = []
        text, self._held = self._held + data, ""
        while text:
            if not self.in_paste:
                seen = self._tail + text
                found = seen.find(PASTE_START)
                if found < 0:
                    out.append(text)
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    break
                cut = found + len(PASTE_START) - len(self._tail)
                out.append(text[:cut])
                text, self._tail, self.in_paste = text[cut:], "", True
                continue
            found = text.find(PASTE_END)
            if found < 0:
                keep = _partial_marker(text, PASTE_END)
                out.append(caret_form(text[: len(text) - keep]))
                self._held = text[len(text) - keep :]
                break
            out.append(caret_form(text[:found]) + PASTE_END)
            text, self.in_paste = text[found + len(PASTE_END) :], False
        return "".join(out)


class PasteSafeParser(XTermParser):
    """Textual's parser behind a PasteFilter."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._paste_filter = PasteFilter()

    def feed(self, data: str) -> Iterable[Message]:
        return super().feed(self._paste_filter.feed(data) if data else data)


def install() -> None:
    """Make Textual's Linux driver read the terminal through PasteSafeParser.

    The driver builds its parser from its module's global inside its input thread, with
    no hook to pass another: replacing that global is the one seam there is."""
    setattr(linux_driver, "XTermParser", PasteSafeParser)  # noqa: B010
