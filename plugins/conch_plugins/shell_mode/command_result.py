"""What a finished command reports, and what a caller supplies to watch it run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

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

    @property
    def succeeded(self) -> bool:
        return self.exit_status == 0


HandoverResult = ScanResult | None | Literal[False]
"""What lending the terminal gave: the sentinel, None if bash died, False if refused."""

Passthrough = Callable[[int, int], ScanResult | None]
"""Copies between the real terminal (stdin fd, stdout fd) and the program."""


class CommandSink(Protocol):
    """Receives a running command's output; may lend it the real terminal."""

    def on_output(self, text: str) -> None:
        """Output as it streams, ANSI escapes kept, in batches of one read."""

    def run_fullscreen(self, passthrough: Passthrough) -> HandoverResult:
        """Lend the real terminal to a full-screen program.

        Return what ``passthrough`` returned, or False when this front end
        cannot give the terminal away (the output is then captured as usual).
        """


class CollectingSink:
    """A sink that keeps all output in memory (tests, queries, scripts)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def on_output(self, text: str) -> None:
        self.parts.append(text)

    def run_fullscreen(self, passthrough: Passthrough) -> HandoverResult:
        return False

    @property
    def text(self) -> str:
        return "".join(self.parts)
