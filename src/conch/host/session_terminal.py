"""The terminal of a host session's running command, as its clients share it.

A client's keys and Ctrl+C go to the running command, held until bash has read its line
(HeldInput). While a full-screen program (vim, less) runs, only the client it is lent to
(full_screen_relay.py) may type or resize: the program draws for that client's terminal. A
client that adopts a program nobody owns gets its whole screen drawn again. Called from the
host's worker threads and the session's thread, never from the event loop.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading

from conch.host.full_screen_relay import FullScreenRelay
from conch_plugins.shell_mode.bash_process import ShellStartError
from conch_plugins.shell_mode.bash_supervisor import BashSupervisor
from conch_plugins.shell_mode.held_input import HeldInput


class SessionTerminal:
    """Keys, Ctrl+C and size for the session's running command, and who draws its screen."""

    def __init__(self, shell: BashSupervisor) -> None:
        self._shell = shell
        self.full_screen = FullScreenRelay()
        self.full_screen.on_adopted = self._redraw_program
        self._lock = threading.Lock()
        self._input: HeldInput | None = None

    def take_input(self, held: HeldInput | None) -> None:
        """Where keys go from now: the running command's input (None: no command runs)."""
        with self._lock:
            self._input = held

    def interrupt(self) -> bool:
        """Ctrl+C to the running command (held until bash has read its line); False when
        nothing runs."""
        with self._lock:
            held = self._input
        return held is not None and held.interrupt(self._shell.shell.interrupt)

    def send_input(self, data: bytes, by: object = None) -> bool:
        """Bytes for the running command's stdin (held until bash has read its line);
        False when nothing runs, or a full-screen program runs for another client than ``by``."""
        if self.full_screen.is_held_by_another(by):
            return False
        with self._lock:
            held = self._input
        return held is not None and held.send(data)

    def resize(self, rows: int, cols: int, by: object = None) -> bool:
        """The session terminal's size; False (unchanged) while a full-screen program runs
        for another client than ``by``: the program draws for its owner's terminal."""
        if self.full_screen.is_held_by_another(by):
            return False
        self._shell.shell.resize(max(5, rows), max(20, cols))
        return True

    def _redraw_program(self) -> None:
        """SIGWINCH to the program in front: vim and less draw their whole screen again (the
        adopting client saw none of it, and its terminal may be just as big)."""
        with contextlib.suppress(OSError, ShellStartError):
            os.killpg(os.tcgetpgrp(self._shell.shell.fd), signal.SIGWINCH)
