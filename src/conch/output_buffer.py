"""A command's output as lines: bounded in memory, complete on disk.

The reader thread appends raw pty text; the UI reads lines. Only the last
``max_lines`` lines are kept in memory, so `seq 1 1000000` costs the UI no
more than a short command. Once output outgrows that, everything (from the
first byte) is written to a spool file the block links to. No Textual here.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import time
from collections import deque
from pathlib import Path
from typing import TextIO

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
                handle.close()

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
            self._spool.write(text)
            return
        if self.spool_dir is None:
            return
        self._early.append(text)
        self._early_bytes += len(text)
        if self._early_bytes > _SPILL_BYTES or self.total_lines + text.count("\n") > self.max_lines:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            self.spool_path = self.spool_dir / f"output-{_unique_name()}.log"
            handle = self.spool_path.open("w", encoding="utf-8", errors="replace")
            handle.write("".join(self._early))
            self._early = []
            self._spool = handle


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
