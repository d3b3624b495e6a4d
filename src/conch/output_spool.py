"""A command's whole output in a private file, once it outgrows what a view keeps.

The first bytes wait in memory until the output is known to need a file: more than
``max_lines`` lines, a line too long to hold, or over a megabyte. Then everything from the
first byte goes to ``output-….log`` (0600, in a 0700 directory). A file that cannot be
written (the state dir's disk is full, or read-only) never stops the command: spooling
stops, and ``error`` says why and ``complete_lines`` from which line on the file lacks
output. The app's blocks spool through their BoundedOutput, the host's commands directly;
once the journal holds a command's end the file is a second copy and is dropped. No Textual.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from pathlib import Path
from typing import TextIO

from conch import private

SPILL_BYTES = 1 << 20
"""Bytes kept in memory before the output is known to need a file."""
MAX_LINE_CHARS = 1 << 16
"""A longer line is cut in a view (all of it is in the spool file)."""
_count = itertools.count(1)


class OutputSpool:
    """Not thread-safe by itself: one writer, or the caller's lock."""

    def __init__(self, directory: Path | None, max_lines: int) -> None:
        """``directory`` None: keep no file (the full text is stored elsewhere)."""
        self.directory = directory
        self.max_lines = max(1, max_lines)
        self.path: Path | None = None
        self.error = ""
        """Why the full output is not (all) in the file ("" when it is)."""
        self.complete_lines = 0
        """With ``error``: about how many lines reached the file before it failed."""
        self._lines = 0
        self._line_chars = 0
        """Characters since the last newline (the unfinished line's length)."""
        self._early: list[str] = []
        self._early_bytes = 0
        self._file: TextIO | None = None

    def write(self, text: str) -> None:
        newlines = text.count("\n")
        if self._file is not None:
            try:
                self._file.write(text)
            except OSError as error:
                self._failed(error)
        elif self.directory is not None and not self.error:
            self._wait_or_spill(text, newlines)
        self._lines += newlines
        self._line_chars = (
            len(text) - text.rfind("\n") - 1 if newlines else self._line_chars + len(text)
        )

    def _wait_or_spill(self, text: str, newlines: int) -> None:
        assert self.directory is not None
        self._early.append(text)
        self._early_bytes += len(text)
        too_long = self._line_chars + len(text) > MAX_LINE_CHARS  # a line will be cut
        if self._early_bytes > SPILL_BYTES or too_long or self._lines + newlines > self.max_lines:
            early, self._early, self._early_bytes = "".join(self._early), [], 0
            try:
                path = self.directory / f"output-{_unique_name()}.log"
                fd = private.open_new_text(path)
                self.path = path
                self._file = open(fd, "w", encoding="utf-8", errors="replace")  # noqa: SIM115
                self._file.write(early)
            except OSError as error:
                self._failed(error)

    def close(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            try:
                handle.close()  # flushes the last buffered text: the disk may be full now
            except OSError as error:
                self._failed(error)

    def drop(self) -> None:
        """Delete the file: the session journal holds the whole output, and a second copy of
        a 50 MB flood is 50 MB wasted."""
        self.close()
        path, self.path = self.path, None
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()

    def told(self, error: str, complete_lines: int, path: str) -> None:
        """How another process's spool of this output went (the host's, for a window that
        keeps none): ``error`` after ``complete_lines`` lines, and the file if it was kept."""
        self.error, self.complete_lines = error, complete_lines
        self.path = Path(path) if path else None

    def _failed(self, error: OSError) -> None:
        """Stop spooling (the command goes on) and remember why."""
        handle, self._file = self._file, None
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()
        self.error = error.strerror or str(error)
        self.complete_lines = self._lines


def _unique_name() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(_count)}"
