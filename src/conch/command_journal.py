"""Journals a command's start while the command already runs.

The start event is committed alone (synchronous=FULL: an fsync, 7–16 ms here under load)
and used to hold the command back: Enter → output took that much longer. Now it commits on
a thread of its own; output that arrives first waits, in order, until the start is on
disk, so the journal still reads start, output…, end. No Textual here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from conch.session_recorder import ShellRecording

Guard = Callable[[Callable[[], object]], object]
"""Runs one journal write, turning its failure into a notice (the app's ``record``)."""


class CommandJournal:
    def __init__(self, start: Callable[[], ShellRecording | None], guard: Guard) -> None:
        self._guard = guard
        self._lock = threading.Lock()
        self._waiting: list[str] | None = []
        """Output before the start was committed; None once it was."""
        self._recording: ShellRecording | None = None
        self._thread = threading.Thread(target=self._start, args=(start,), daemon=True)
        self._thread.start()

    def _start(self, start: Callable[[], ShellRecording | None]) -> None:
        recording = start()
        with self._lock:
            self._recording = recording
            waiting, self._waiting = self._waiting or [], None
            if recording is not None and waiting:
                self._guard(lambda: recording.output("".join(waiting)))

    def output(self, text: str) -> None:
        """From the reader thread, in order."""
        with self._lock:
            if self._waiting is not None:
                self._waiting.append(text)
                return
            recording = self._recording
        if recording is not None:
            self._guard(lambda: recording.output(text))

    def started(self) -> ShellRecording | None:
        """The recording once the start is on disk (None: the journal is not writing)."""
        self._thread.join()
        return self._recording
