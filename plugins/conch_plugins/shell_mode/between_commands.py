"""Reading the session's pty while no command runs: what background jobs print.

``(sleep 2; echo LATE) &`` prints after its command has ended. Unread, those bytes sat in
the pty and the next command's start dropped them as the echo of its line. A thread of its
own reads the pty between commands; a command's reader takes the pty over by holding
``owner`` and clearing ``idle`` for as long as it runs. Never imports Textual.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import select
import threading
import time
from collections.abc import Callable

READ_SIZE = 65536


class BetweenCommandsReader:
    def __init__(
        self,
        owner: threading.RLock,
        idle: threading.Event,
        pty_fd: Callable[[], int | None],
        on_output: Callable[[str], None],
    ) -> None:
        self.owner = owner
        """Held by whoever reads the pty: a command's reader for its whole run."""
        self.idle = idle
        """Set while bash waits at its prompt with no command of ours running."""
        self._pty_fd = pty_fd
        self._on_output = on_output
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._wake_read, self._wake_write = os.pipe()
        thread = threading.Thread(target=self._run, daemon=True, name="conch-between-commands")
        thread.start()

    def stand_aside(self) -> None:
        """A command starts: stop waiting on the pty (call before taking ``owner``)."""
        self.idle.clear()
        os.write(self._wake_write, b"!")

    def pass_on_pending(self, fd: int) -> None:
        """Under ``owner``, before a command's line: what is waiting belongs to the jobs."""
        with contextlib.suppress(OSError, ValueError):
            while select.select([fd], [], [], 0)[0]:
                data = os.read(fd, READ_SIZE)
                if not data:
                    return
                self._deliver(data)

    def _run(self) -> None:
        while True:
            self.idle.wait()
            fd = self._pty_fd()
            if fd is None:
                self.idle.clear()
                continue
            try:
                readable, _, _ = select.select([fd, self._wake_read], [], [], 1.0)
            except (OSError, ValueError):  # the pty closed under us (a restart)
                time.sleep(0.05)
                continue
            if self._wake_read in readable:
                os.read(self._wake_read, 512)
            if fd not in readable or not self.owner.acquire(blocking=False):
                continue
            try:
                # Between the select and now a whole command may have run and read
                # what was there: look again, or the read blocks holding the pty.
                if not self.idle.is_set() or not select.select([fd], [], [], 0)[0]:
                    continue
                data = os.read(fd, READ_SIZE)
            except (OSError, ValueError):
                data = b""
            finally:
                self.owner.release()
            if data:
                self._deliver(data)
            else:  # bash died at its prompt: the next command restarts it
                self.idle.clear()

    def _deliver(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        if text:
            self._on_output(text)
