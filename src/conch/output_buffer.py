"""A command's output as lines: bounded in memory, complete on disk.

The reader thread appends raw pty text; the UI reads lines. Only the last
``max_lines`` lines are kept in memory, so `seq 1 1000000` costs the UI no
more than a short command. Once output outgrows that, everything (from the
first byte) is written to a spool file the block links to. No Textual here.

The spool file is private (0600, in a 0700 directory). A spool that cannot be written (the
state dir's disk is full, or read-only) never stops the command: spooling stops, the lines in
memory go on, and ``spool_error`` says from which line on the file is incomplete, and why.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import threading
import time
from collections import deque
from pathlib import Path
from typing import TextIO

from conch import private

# Keep the first bytes in memory until we know whether output needs a file.
_SPILL_BYTES = 1 << 20
_count = itertools.count(1)
_CURSOR_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-HJKSTfhlnsu]|\x1b[=>78]|\x07|\x08")


class BoundedOutput:
    """Thread-safe line buffer with a cap and an overflow file."""

    def __init__(self, max_lines: int, spool_dir: Path | None) -> None:
        """``spool_dir`` None: keep no file (the full text is stored elsewhere, e.g. the output
        of a command restored from the session journal)."""
        self.max_lines = max(1, max_lines)
        self.spool_dir = spool_dir
        self.spool_path: Path | None = None
        self.spool_error: str = ""
        """Why the full output is not (all) in the spool file ("" when it is)."""
        self.spool_complete_lines = 0
        """With ``spool_error``: about how many lines reached the spool file before it failed."""
        self.version = 0
        """Bumped on every change, so a view can tell whether to redraw."""
        self.total_lines = 0
        self._lines: deque[str] = deque(maxlen=self.max_lines)
        self._partial = ""
        self._early: list[str] = []
        self._early_bytes = 0
        self._spool: TextIO | None = None
        self._lock = threading.Lock()

    # -- writer side (any thread) -----------------------------------------

    def append(self, text: str) -> None:
        with self._lock:
            self._save_raw(text)
            text = text.replace("\r\n", "\n")
            if "\x1b" in text or "\x07" in text or "\x08" in text:
                text = _CURSOR_CONTROL.sub("", text)
            pieces = text.split("\n")
            rewrites = "\r" in text or "\r" in self._partial
            pieces[0] = self._partial + pieces[0]
            self._partial = _compact_partial(pieces.pop())
            if pieces:
                # Only the tail that survives the cap is worth cleaning up.
                survivors = pieces[-self.max_lines :]
                if rewrites:
                    survivors = [_last_rewrite(line) for line in survivors]
                self._lines.extend(survivors)
                self.total_lines += len(pieces)
            self.version += 1

    def close(self) -> None:
        with self._lock:
            handle = self._spool
            self._spool = None
            if handle is not None:
                try:
                    handle.close()  # flushes the last buffered text: the disk may be full now
                except OSError as error:
                    self._spool_failed(error)

    def drop_spool(self) -> None:
        """Delete the spool file: the session journal holds the whole output, and a second
        copy of a 50 MB flood is 50 MB wasted."""
        self.close()
        path, self.spool_path = self.spool_path, None
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()

    # -- reader side --------------------------------------------------------

    @property
    def dropped_lines(self) -> int:
        """Lines no longer held in memory (still in the spool file)."""
        return self.total_lines - len(self._lines)

    def snapshot(self) -> list[str]:
        """The lines held in memory, plus the unfinished last line if any."""
        return self.snapshot_from()[0]

    def snapshot_from(self) -> tuple[list[str], int]:
        """``snapshot()`` and the absolute number of its first line, taken together."""
        with self._lock:
            lines = list(self._lines)
            if self._partial:
                lines.append(_last_rewrite(self._partial))
            return lines, self.total_lines - len(self._lines)

    def text(self) -> str:
        return "\n".join(self.snapshot())

    # -- internals ----------------------------------------------------------

    def _save_raw(self, text: str) -> None:
        if self._spool is not None:
            try:
                self._spool.write(text)
            except OSError as error:
                self._spool_failed(error)
            return
        if self.spool_dir is None or self.spool_error:
            return
        self._early.append(text)
        self._early_bytes += len(text)
        if self._early_bytes > _SPILL_BYTES or self.total_lines + text.count("\n") > self.max_lines:
            early, self._early, self._early_bytes = "".join(self._early), [], 0
            try:
                path = self.spool_dir / f"output-{_unique_name()}.log"
                fd = private.open_new_text(path)
                self.spool_path = path
                self._spool = open(fd, "w", encoding="utf-8", errors="replace")  # noqa: SIM115
                self._spool.write(early)
            except OSError as error:
                self._spool_failed(error)

    def _spool_failed(self, error: OSError) -> None:
        """Stop spooling (the command goes on) and remember why."""
        handle, self._spool = self._spool, None
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()
        self.spool_error = error.strerror or str(error)
        self.spool_complete_lines = self.total_lines


def _last_rewrite(line: str) -> str:
    """A carriage return redraws the line (progress bars): keep what is shown last."""
    if "\r" not in line:
        return line
    return line.rstrip("\r").rsplit("\r", 1)[-1]


def _compact_partial(partial: str) -> str:
    """Drop what a carriage return already overwrote, but keep a trailing one:
    the next chunk's text redraws the line (progress bars split across reads)."""
    if "\r" not in partial:
        return partial
    body = partial.rstrip("\r")
    return body.rsplit("\r", 1)[-1] + ("\r" if len(body) < len(partial) else "")


def _unique_name() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(_count)}"
