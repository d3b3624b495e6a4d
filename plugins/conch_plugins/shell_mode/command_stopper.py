"""Stopping the command that runs on the session's pty: Ctrl+C, and a timeout's escalation.

^C is only written once bash has read the command line (at its prompt it would print a stray
sentinel, and before PS0 it can cut the line in two), so an earlier one waits for that. An
interrupt sent right after the line can reach bash before the command's process group owns
the terminal and be lost (~1 in 150): it is re-sent, as SIGINT to the foreground process
group, until the command ends. A timed-out command that ignores SIGINT then gets SIGTERM and
SIGKILL. Signals go to the terminal's foreground group, never to bash itself. No Textual.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable

INTERRUPT_RESEND_AFTER = 0.2
_ESCALATION = (signal.SIGTERM, signal.SIGKILL)
_ESCALATE_EVERY = 2.0


class CommandStopper:
    """One per PersistentBash; any thread may interrupt, the reader thread drives the rest."""

    def __init__(
        self, fd: Callable[[], int | None], shell_pids: Callable[[], tuple[int, ...]]
    ) -> None:
        self._fd = fd
        """The pty's descriptor, or None while no bash runs."""
        self._shell_pids = shell_pids
        """bash's own pids (and its wrapper's): never signalled."""
        self._lock = threading.Lock()
        self._accepted = False
        self._pending = False
        self._sent_at: float | None = None
        self._timed_out = False
        self._escalation = 0

    @property
    def was_sent(self) -> bool:
        """A ^C went to this command (the user's, or a timeout's)."""
        return self._sent_at is not None

    @property
    def timed_out(self) -> bool:
        return self._timed_out

    def begin(self) -> None:
        """A new command (or bash's start): nothing sent to it, no timeout yet. A ^C asked
        for since the command was taken stays pending."""
        self._sent_at = None
        self._timed_out = False
        self._escalation = 0

    def end(self) -> None:
        """The prompt is back: a ^C now would reach bash itself, so none is sent or held."""
        with self._lock:
            self._accepted = self._pending = False
        self._sent_at = None

    def interrupt(self, is_busy: bool) -> None:
        """Ctrl+C: at once if bash has read the line (or a program of it owns the terminal:
        PS0 can be lost to `exec 2>&-`); otherwise when it has, if a command runs."""
        with self._lock:
            if not self._accepted and not self.program_owns_terminal():
                self._pending = is_busy
                return
            self._send()

    def line_accepted(self) -> None:
        """bash has read the whole command line: a waiting ^C goes now."""
        with self._lock:
            self._accepted = True
            if self._pending:
                self._send()

    def program_owns_terminal(self) -> bool:
        group = self._foreground_group()
        return group is not None and group not in self._shell_pids()

    def on_tick(self, elapsed: float, timeout: float | None, may_escalate: bool) -> bool:
        """Called by the read loop about every 50 ms; True when it should stop waiting (the
        command ignored every signal of its timeout)."""
        now = time.monotonic()
        if timeout is not None and elapsed > timeout:
            if not self._timed_out:
                self._timed_out = True
                self._send()
            elif elapsed > timeout + _ESCALATE_EVERY * (self._escalation + 1):
                self._escalation += 1
                if self._escalation > len(_ESCALATION) or not may_escalate:
                    return True
                self.signal_foreground(_ESCALATION[self._escalation - 1])
        if self._sent_at is not None and now - self._sent_at >= INTERRUPT_RESEND_AFTER:
            self._sent_at = now
            self.signal_foreground(signal.SIGINT)
        return False

    def signal_foreground(self, signum: int) -> None:
        """Signal the terminal's foreground process group, never bash itself."""
        group = self._foreground_group()
        if group is not None and group not in self._shell_pids():
            with contextlib.suppress(OSError):
                os.killpg(group, signum)

    def _send(self) -> None:
        fd = self._fd()
        if fd is None:
            return
        self._sent_at = time.monotonic()
        with contextlib.suppress(OSError):
            os.write(fd, b"\x03")

    def _foreground_group(self) -> int | None:
        fd = self._fd()
        if fd is None:
            return None
        try:
            group = os.tcgetpgrp(fd)
        except OSError:
            return None
        return group if group > 0 else None
