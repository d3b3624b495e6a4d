"""Lend the real terminal to a full-screen program running in the session bash.

While Conch's UI is suspended, keys from the real terminal go to the program
and its output goes straight to the screen, until bash's prompt sentinel says
the program is done. Runs on the caller's thread (the UI thread, which is
where signal handlers can be set).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import termios
import tty
from collections.abc import Callable
from types import FrameType

from conch_plugins.shell_mode.sentinel import ScanResult, SentinelScanner

# Restore the normal screen and show the cursor should a program die mid-draw.
_RESET_SCREEN = b"\x1b[?1049l\x1b[?25h"


def pass_through(
    shell_fd: int,
    stdin_fd: int,
    stdout_fd: int,
    pending: bytes,
    scanner: SentinelScanner,
    resize: Callable[[int, int], None],
) -> ScanResult | None:
    """Copy bytes both ways until the sentinel; None when bash died meanwhile.

    ``resize(rows, cols)`` is called at once and on every SIGWINCH so the
    program sees the real terminal's size. Given pipes instead of a terminal (the host,
    which has none: its client owns the terminal and sends its size itself), the bytes are
    copied the same way, with no raw mode and no SIGWINCH (only a main thread may set one).
    """
    if not os.isatty(stdin_fd):
        return _copy_until_prompt(shell_fd, stdin_fd, stdout_fd, pending, scanner)
    saved_mode = termios.tcgetattr(stdin_fd)

    def follow_size(_signum: int = 0, _frame: FrameType | None = None) -> None:
        size = os.get_terminal_size(stdout_fd)
        resize(size.lines, size.columns)

    previous_handler = signal.signal(signal.SIGWINCH, follow_size)
    follow_size()
    tty.setraw(stdin_fd)
    try:
        return _copy_until_prompt(shell_fd, stdin_fd, stdout_fd, pending, scanner)
    finally:
        termios.tcsetattr(stdin_fd, termios.TCSAFLUSH, saved_mode)
        with contextlib.suppress(ValueError, TypeError):
            signal.signal(signal.SIGWINCH, previous_handler)


def _copy_until_prompt(
    shell_fd: int, stdin_fd: int, stdout_fd: int, pending: bytes, scanner: SentinelScanner
) -> ScanResult | None:
    """The copy itself, both ways, until the sentinel (None: bash died)."""
    if pending:
        os.write(stdout_fd, pending)
    while True:
        try:
            readable, _, _ = select.select([shell_fd, stdin_fd], [], [])
        except InterruptedError:
            continue
        if stdin_fd in readable:
            keys = os.read(stdin_fd, 4096)
            if keys:
                os.write(shell_fd, keys)
        if shell_fd in readable:
            try:
                data = os.read(shell_fd, 65536)
            except OSError:
                data = b""
            if not data:
                os.write(stdout_fd, _RESET_SCREEN)
                return None
            result = scanner.feed(data)
            if result.output:
                os.write(stdout_fd, result.output)
            if result.sentinel is not None:
                return result
