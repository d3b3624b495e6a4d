"""A full-screen program (vim, less, top) of a host session, lent to the client that started it.

The persistent bash spots the program (a known name, or the alternate-screen escape) and asks
its sink to lend "the terminal" (shell_mode/terminal_handover.py copies between bash's pty and
a pair of file descriptors until the prompt is back). The host has no terminal: it gives the
copy a pipe for its output, whose bytes go to the owning client as ``R`` frames, and an idle
pipe for keys, because the owner's keys reach the program through ``send_input`` like any
input. Only the owner may type or resize while the program runs; the other clients are told
which program runs in another client. When the owner leaves (its window closed, or killed),
the program keeps running for nobody, and the next controller that attaches adopts it (a
person who closed the window gets vim back by attaching again). The program's screen is not
journaled (the app does not journal it either): the conversation keeps the command and how
it ended.
Runs on the session's thread; its callbacks are called from there and from its pump thread.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import threading
from collections.abc import Callable
from dataclasses import dataclass

from conch_plugins.shell_mode.command_result import HandoverResult, Passthrough

READ_SIZE = 65536
_PREFIXES = frozenset({"sudo", "doas", "env", "command", "exec", "nice", "time", "nohup"})


@dataclass(frozen=True)
class FullScreenProgram:
    program: str
    """Its name as a person says it: ``vim`` for ``sudo vim /etc/hosts``."""
    owner: object
    """Whose terminal it draws on: the host's follower of the client whose submit ran it, or
    of the client that adopted it; None while nobody's (its owner left)."""


def program_name(command: str) -> str:
    """The program a command line runs, for "vim is running in another client"."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
    while words and (words[0] in _PREFIXES or ("=" in words[0] and not words[0].startswith("="))):
        words = words[1:]
    return os.path.basename(words[0]) if words else "a full-screen program"


class FullScreenRelay:
    """One session's full-screen program, if any, and where its screen goes."""

    def __init__(self) -> None:
        self.current: FullScreenProgram | None = None
        self._lock = threading.Lock()
        """Held to change ``current``: the loop (leave, adopt) and the session's thread (the
        program's start and end) both do; an owner leaving just as the program ended must
        not bring back a program that is gone."""
        self.on_change: Callable[[FullScreenProgram | None], None] | None = None
        """Told when a program takes the screen and when it gives it back (session thread)."""
        self.on_output: Callable[[object, bytes], None] | None = None
        """Gets the owner and each piece of the program's screen (pump thread), all before
        ``on_change(None)``; a piece drawn while nobody owns it is dropped."""
        self.on_adopted: Callable[[], None] | None = None
        """Asks the program to draw its whole screen again, for the client that adopted it."""

    def is_held_by_another(self, client: object) -> bool:
        """Whether a full-screen program runs and ``client`` is not the one it belongs to."""
        current = self.current
        return current is not None and current.owner is not client

    def leave(self, client: object) -> None:
        """``client`` is gone: if the program was its, it is nobody's until adopted."""
        with self._lock:
            current = self.current
            if current is not None and current.owner is client:
                self.current = FullScreenProgram(current.program, None)

    def adopt(self, client: object) -> bool:
        """Give a program nobody owns to ``client``; whether it took it."""
        with self._lock:
            current = self.current
            if current is None or current.owner is not None:
                return False
            self.current = FullScreenProgram(current.program, client)
        if self.on_adopted is not None:
            self.on_adopted()
        return True

    def lend(self, passthrough: Passthrough, command: str, owner: object) -> HandoverResult:
        """Run the copy until bash's prompt is back; what it returned."""
        keys_read, keys_write = os.pipe()
        screen_read, screen_write = os.pipe()
        program = FullScreenProgram(program_name(command), owner)
        pump = threading.Thread(
            target=self._pump, args=(screen_read,), name="full-screen", daemon=True
        )
        with self._lock:
            self.current = program
        self._tell(program)
        pump.start()
        try:
            return passthrough(keys_read, screen_write)
        finally:
            os.close(screen_write)  # the pump reads to the end, then stops
            pump.join()
            for fd in (screen_read, keys_read, keys_write):
                with contextlib.suppress(OSError):
                    os.close(fd)
            with self._lock:
                self.current = None
            self._tell(None)

    def _pump(self, screen: int) -> None:
        while True:
            try:
                data = os.read(screen, READ_SIZE)
            except OSError:
                return
            if not data:
                return
            current = self.current
            if self.on_output is not None and current is not None and current.owner is not None:
                self.on_output(current.owner, data)

    def _tell(self, program: FullScreenProgram | None) -> None:
        if self.on_change is not None:
            self.on_change(program)
