"""Input typed for a running command, and its Ctrl+C, held until bash has read the line.

Written before bash has read the whole line, input would reach bash itself and run as a
command of its own; after the prompt is back it must not be written at all. A Ctrl+C is held
the same way: the block (or the host's ``running`` state) shows before the worker thread has
given bash the line, and the bash's own hold covers only a command it has taken, so a Ctrl+C
pressed in between was dropped and ``sleep 100`` ran on (1 in 5-10 through the host under
load). Thread-safe: the reader thread opens and closes the gate, any thread sends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from conch_plugins.shell_mode.command_result import ProgramWriter


class HeldInput:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._write: ProgramWriter | None = None
        self._held: list[bytes] = []
        self._interrupt: Callable[[], None] | None = None
        self._finished = False

    def send(self, data: bytes) -> bool:
        """Input for the program; False once the command has ended (not sent)."""
        with self._lock:
            if self._finished:
                return False
            if self._write is None:
                self._held.append(data)
            else:
                self._write(data)
            return True

    def interrupt(self, now: Callable[[], None]) -> bool:
        """Ctrl+C for the program: ``now`` sends it, at once or, before bash has read the
        line, once it has (after the input that waited). False once the command has ended."""
        with self._lock:
            if self._finished:
                return False
            if self._write is None:
                self._interrupt = now
                return True
        now()
        return True

    def open(self, write: ProgramWriter) -> None:
        """bash has read the line: send what waited, and from now on write at once."""
        with self._lock:
            self._write = write
            for data in self._held:
                write(data)
            self._held.clear()
            interrupt, self._interrupt = self._interrupt, None
        if interrupt is not None:
            interrupt()

    def close(self) -> None:
        """The prompt is back: nothing more goes to this command."""
        with self._lock:
            self._finished = True
            self._write = None
            self._interrupt = None

    def take_unsent(self) -> list[str]:
        """Input that never reached the program (the command ended first)."""
        with self._lock:
            unsent, self._held = self._held, []
        return [data.decode(errors="replace").rstrip("\n") for data in unsent if data != b"\x04"]
