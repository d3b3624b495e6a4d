"""A command's output as lines: bounded in memory, complete on disk.

The reader thread appends raw pty text; the UI reads lines. Only the last
``max_lines`` lines are kept in memory, so `seq 1 1000000` costs the UI no
more than a short command. Once output outgrows that, everything (from the
first byte) is written to a spool file the block links to. No Textual here.

The spool file is private (0600, in a 0700 directory). A spool that cannot be written (the
state dir's disk is full, or read-only) never stops the command: spooling stops, the lines in
memory go on, and ``spool_error`` says from which line on the file is incomplete, and why
(output_spool.py).
"""

from __future__ import annotations

import threading
from collections import deque
from pathlib import Path

from conch.output_spool import MAX_LINE_CHARS, OutputSpool
from conch.terminal_text import ERASE, EscapeFilter, overlay

__all__ = ["MAX_LINE_CHARS", "BoundedOutput"]
PARSE_AFTER = 1 << 18
"""Appended text waits, unparsed, until a reader asks or this many characters wait: a flood
is then cut into lines in big pieces, of which only the last ``max_lines`` become strings.
Parsing each ~2 KB read as it came cost the pty's reader thread ~160 ms of a 0.5 s
`seq 1 1000000`; a reader's parse of what waits takes about a millisecond."""


class BoundedOutput:
    """Thread-safe line buffer with a cap and an overflow file."""

    def __init__(self, max_lines: int, spool_dir: Path | None) -> None:
        """``spool_dir`` None: keep no file (the full text is stored elsewhere, e.g. the output
        of a command restored from the session journal)."""
        self.max_lines = max(1, max_lines)
        self.spool = OutputSpool(spool_dir, self.max_lines)
        self.version = 0
        """Bumped on every change, so a view can tell whether to redraw."""
        self._total_lines = 0
        self.total_chars = 0
        """Characters appended so far (a flood of one long line has few lines)."""
        self._lines: deque[str] = deque(maxlen=self.max_lines)
        self._partial: list[str] = []
        """The unfinished last line in pieces, joined only when read: appending to one
        string re-copied it per read (quadratic for a long line)."""
        self._partial_chars = 0
        self._waiting: list[str] = []
        """Appended and not yet parsed into lines (``_parse_waiting``)."""
        self._waiting_chars = 0
        self._waiting_newlines = 0
        self._waiting_tail = 0
        """Characters after the last newline waiting (the partial line's growth), or all of
        them when none holds a newline."""
        self._escapes = EscapeFilter()
        self._lock = threading.Lock()

    @property
    def spool_path(self) -> Path | None:
        return self.spool.path

    @property
    def spool_error(self) -> str:
        """Why the full output is not (all) in the spool file ("" when it is)."""
        return self.spool.error

    @property
    def spool_complete_lines(self) -> int:
        """With ``spool_error``: about how many lines reached the spool file before it failed."""
        return self.spool.complete_lines

    # -- writer side (any thread) -----------------------------------------

    def append(self, text: str) -> None:
        with self._lock:
            self.spool.write(text)
            self.total_chars += len(text)
            self._waiting.append(text)
            self._waiting_chars += len(text)
            newlines = text.count("\n")
            if newlines:
                self._waiting_newlines += newlines
                self._waiting_tail = len(text) - text.rfind("\n") - 1
            else:
                self._waiting_tail += len(text)
            if self._waiting_chars >= PARSE_AFTER:
                self._parse_waiting()
            self.version += 1

    def _parse_waiting(self) -> None:
        """Cut what waits into lines (under the lock). Only the lines that survive the cap
        are split apart: a piece of 36,000 lines makes 5,000 strings, not 36,000."""
        if not self._waiting:
            return
        raw = "".join(self._waiting)
        self._waiting, self._waiting_chars = [], 0
        self._waiting_newlines = self._waiting_tail = 0
        text = self._escapes.feed(raw.replace("\r\n", "\n"))
        newlines = text.count("\n")
        if newlines > self.max_lines:
            # The first piece (and the partial line it ends) is dropped with the head.
            pieces = text.rsplit("\n", self.max_lines + 1)[1:]
            self._partial, self._partial_chars = [], 0
        else:
            pieces = text.split("\n")
        last = pieces.pop()
        if pieces:
            if newlines <= self.max_lines:
                pieces[0] = "".join(self._partial) + pieces[0]
                self._partial, self._partial_chars = [], 0
            # Only the tail that survives the cap is worth cleaning up, and only when a
            # line needs it: calling _shown per line doubled a flood's cost here.
            survivors = pieces[-self.max_lines :]
            redrawn = "\r" in text or ERASE in text or "\r" in pieces[0] or ERASE in pieces[0]
            if redrawn or max(map(len, survivors)) > MAX_LINE_CHARS:
                survivors = [_shown(line) for line in survivors]
            self._lines.extend(survivors)
            self._total_lines += newlines
        self._extend_partial(last)

    def _extend_partial(self, piece: str) -> None:
        if not piece:
            return
        if "\r" in piece:
            # What a carriage return overwrote is gone: fold the line now.
            joined = _compact_partial("".join(self._partial) + piece)
            self._partial, self._partial_chars = [joined], len(joined)
        else:
            self._partial.append(piece)
            self._partial_chars += len(piece)
        if self._partial_chars > 2 * MAX_LINE_CHARS:
            tail = "…" + "".join(self._partial)[-MAX_LINE_CHARS:]
            self._partial, self._partial_chars = [tail], len(tail)

    def skip(self, lines: int) -> None:
        """``lines`` lines this view does not get (the journal holds them, a window showing a
        host's command gets their end only): counted, and the lines held are let go, as
        they no longer end where the next text starts."""
        with self._lock:
            self._parse_waiting()
            self._lines.clear()
            self._partial, self._partial_chars = [], 0
            self._total_lines += lines
            self.version += 1

    def close(self) -> None:
        with self._lock:
            self.spool.close()

    def drop_spool(self) -> None:
        """Delete the spool file: the session journal holds the whole output."""
        with self._lock:
            self.spool.drop()

    # -- reader side --------------------------------------------------------

    @property
    def total_lines(self) -> int:
        """Lines ended so far (held or dropped)."""
        with self._lock:
            self._parse_waiting()
            return self._total_lines

    @property
    def dropped_lines(self) -> int:
        """Lines no longer held in memory (still in the spool file)."""
        with self._lock:
            self._parse_waiting()
            return self._total_lines - len(self._lines)

    def snapshot(self) -> list[str]:
        """The lines held in memory, plus the unfinished last line if any."""
        return self.snapshot_from()[0]

    def snapshot_from(self) -> tuple[list[str], int]:
        """``snapshot()`` and the absolute number of its first line, taken together."""
        with self._lock:
            self._parse_waiting()
            lines = list(self._lines)
            if self._partial:
                lines.append(_shown("".join(self._partial)))
            return lines, self._total_lines - len(self._lines)

    def text(self) -> str:
        return "\n".join(self.snapshot())


def _shown(line: str) -> str:
    """A line as a terminal shows it (carriage returns applied), cut to its end if huge."""
    line = overlay(line)
    if len(line) > MAX_LINE_CHARS:
        return "…" + line[-MAX_LINE_CHARS:]
    return line


def _compact_partial(partial: str) -> str:
    """Apply what carriage returns already overwrote, but keep a trailing one: the
    next chunk's text redraws the line from its start (progress bars split across reads)."""
    body = partial.rstrip("\r")
    return overlay(body) + ("\r" if len(body) < len(partial) else "")
