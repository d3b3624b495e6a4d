"""Input typed for a running command, held until bash has read the command line.

Written before bash has read the whole line, input would reach bash itself and run as a
command of its own; after the prompt is back it must not be written at all. Thread-safe: the
reader thread opens and closes the gate, any thread sends.
"""

from __future__ import annotations

import threading

from conch_plugins.shell_mode.command_result import ProgramWriter


class HeldInput:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._write: ProgramWriter | None = None
        self._held: list[bytes] = []
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

    def open(self, write: ProgramWriter) -> None:
        """bash has read the line: send what waited, and from now on write at once."""
        with self._lock:
            self._write = write
            for data in self._held:
                write(data)
            self._held.clear()

    def close(self) -> None:
        """The prompt is back: nothing more goes to this command."""
        with self._lock:
            self._finished = True
            self._write = None

    def take_unsent(self) -> list[str]:
        """Input that never reached the program (the command ended first)."""
        with self._lock:
            unsent, self._held = self._held, []
        return [data.decode(errors="replace").rstrip("\n") for data in unsent if data != b"\x04"]
