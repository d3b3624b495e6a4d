"""What a finished command reports, and what a caller supplies to watch it run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from conch_plugins.shell_mode.sentinel import ScanResult


@dataclass(frozen=True)
class CommandResult:
    """The outcome of one command in the session shell."""

    command: str
    exit_status: int | None
    """bash's ``$?``; None when bash itself died during the command."""
    cwd: str
    """The logical working directory after the command (symlinks kept)."""
    duration: float
    """Seconds from sending the line to the prompt coming back."""
    shell_exited: bool = False
    interrupted: bool = False
    timed_out: bool = False
    not_started: bool = False
    """bash was not running and could not be started, so the command never ran."""
    unread_input: str = ""
    """Lines typed for the command that it never read; bash drained them
    (conch_init.bash) so they do not run as commands. Give them back."""

    @property
    def succeeded(self) -> bool:
        return self.exit_status == 0


HandoverResult = ScanResult | None | Literal[False]
"""What lending the terminal gave: the sentinel, None if bash died, False if refused."""

Passthrough = Callable[[int, int], ScanResult | None]
"""Copies between the real terminal (stdin fd, stdout fd) and the program."""


ProgramWriter = Callable[[bytes], None]
"""Writes bytes to the running program's terminal (its stdin)."""


class CommandSink:
    """Watches one command: its output, when bash has read it, when it ended.

    The defaults do nothing; front ends override what they need.
    """

    def on_output(self, text: str) -> None:
        """Output as it streams, ANSI escapes kept, in batches of one read."""

    def on_accepted(self, write: ProgramWriter) -> None:
        """bash has read the whole command line: input for the program may go now.

        Input sent before this moment would reach bash itself and run as a
        command of its own.
        """

    def on_finished(self) -> None:
        """The prompt is back: nothing more may be written for this command."""

    def run_fullscreen(self, passthrough: Passthrough) -> HandoverResult:
        """Lend the real terminal to a full-screen program.

        Return what ``passthrough`` returned, or False when this front end
        cannot give the terminal away (the output is then captured as usual).
        """
        return False


class CollectingSink(CommandSink):
    """A sink that keeps all output in memory (tests, queries, scripts)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def on_output(self, text: str) -> None:
        self.parts.append(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)
