"""Notice bash waiting at its prompt without having printed the sentinel, and fix it.

The sentinel comes from PROMPT_COMMAND (conch_init.bash). A user can still
remove it (`unset PROMPT_COMMAND`, `PROMPT_COMMAND=(...)`) or replace the whole
shell (`exec bash`); the command would then look like it runs forever. When
the pty is quiet, the terminal's foreground group is bash itself and bash is
blocked reading its next command line, the command is over: Conch sources the
init script again (``recover``), which puts the sentinel back and reports the
command's status.

Reading a command line looks different from a running ``read`` builtin in
/proc/PID/syscall: without readline bash reads its line 1024 bytes at a time
(``read(0, buf, 0x400)``; the builtin asks for 4096 or 1), with readline (an
exec'd bash) it waits in pselect6 on fd 0 alone. Measured with bash 5.2.
Must never write to the pty unless bash is certainly at its prompt.
"""

from __future__ import annotations

import contextlib
import os
import platform
import select
import shlex
from dataclasses import dataclass

from conch_plugins.shell_mode.command_encoding import AFTER
from conch_plugins.shell_mode.sentinel import ScanResult, SentinelScanner

# Syscall numbers by machine: (read, pselect6, select).
_SYSCALLS = {
    "x86_64": (0, 270, 23),
    "aarch64": (63, 72, -1),
    "arm64": (63, 72, -1),
}
_PROMPT_READ_SIZE = 0x400
# A recovery that brings no sentinel in this time means bash is not answering.
GIVE_UP_AFTER = 5.0
# Seen blocked at its prompt twice this far apart: a bash just woken by the
# line Conch wrote can still look blocked for a moment.
CONFIRM_AFTER = 0.1


def is_waiting_at_prompt(pid: int, fd: int) -> bool:
    """True when bash ``pid`` owns the terminal ``fd`` and is blocked reading a line."""
    try:
        if os.tcgetpgrp(fd) != pid:
            return False
        with open(f"/proc/{pid}/syscall") as handle:
            fields = handle.read().split()
    except OSError:
        return False
    numbers = _SYSCALLS.get(platform.machine())
    if numbers is None or len(fields) < 4:
        return False
    read_nr, pselect_nr, select_nr = numbers
    try:
        number, first, third = int(fields[0]), int(fields[1], 16), int(fields[3], 16)
    except ValueError:
        return False
    if number == read_nr:
        return first == 0 and third == _PROMPT_READ_SIZE
    return number in (pselect_nr, select_nr) and first == 1


def recovery_line(init_script: str) -> bytes:
    """The line that re-runs the init script in the live bash (leading space: no history)."""
    return f" builtin source -- {shlex.quote(init_script)} recover\n".encode()


@dataclass
class PromptRecovery:
    """Per command: whether a recovery was sent, and when."""

    pid: int
    fd: int
    init_script: str
    token: str
    sent_at: float | None = None
    first_seen: float | None = None
    """When bash was first seen waiting at its prompt, quiet since."""

    @property
    def is_recovering(self) -> bool:
        """Output from now on is the recovery's own (echo, prompt), not the command's."""
        return self.sent_at is not None

    def on_idle(self, now: float, echo: bytes | None) -> ScanResult | None:
        """The pty had nothing to read. At a silent prompt, either the sentinel
        is already in ``echo`` (the unconsumed stream before PS0: PS0 never came
        after `exec 2>/dev/null`) and is returned, or a recovery is sent."""
        if not self.sees_silent_prompt(now):
            return None
        found = None if echo is None else _without_echo(echo, self.token)
        if found is None:
            self.recover(now)
        return found

    def sees_silent_prompt(self, now: float) -> bool:
        """The pty had nothing to read: is bash at its prompt for sure (and not yet
        recovering)? Everything it wrote before blocking has been read by then."""
        if self.sent_at is not None:
            return False
        if not is_waiting_at_prompt(self.pid, self.fd):
            self.first_seen = None
            return False
        if self.first_seen is None:
            self.first_seen = now
        if now - self.first_seen < CONFIRM_AFTER:
            return False
        with contextlib.suppress(OSError, ValueError):
            return not select.select([self.fd], [], [], 0)[0]
        return False

    def recover(self, now: float) -> None:
        """Source the init script again; its sentinel ends the command."""
        with contextlib.suppress(OSError):
            os.write(self.fd, recovery_line(self.init_script) + self.token.encode() + b"\n")
        self.sent_at = now

    def on_output(self) -> None:
        self.first_seen = None

    def has_given_up(self, now: float) -> bool:
        """The recovery brought no sentinel and bash sits at its prompt again: it is
        not answering (e.g. `exec sh` replaced it with another shell)."""
        return (
            self.sent_at is not None
            and now - self.sent_at > GIVE_UP_AFTER
            and is_waiting_at_prompt(self.pid, self.fd)
        )


def _without_echo(stream: bytes, token: str) -> ScanResult | None:
    """The output and sentinel of a command that ended without PS0, minus the
    tty's echo of the line Conch sent (which ends with the AFTER hook)."""
    found = SentinelScanner(token).feed(stream)
    if found.sentinel is None:
        return None
    first, newline, rest = found.output.partition(b"\n")
    if newline and AFTER.encode() in first:
        found.output = rest
    return found
