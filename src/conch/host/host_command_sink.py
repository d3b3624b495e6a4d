"""Where one command of a host session sends what it does: its output, its input, its screen.

Output goes to the command's journal recording (through ``on_text``), to its spool file (the
whole output, as the app keeps it) and to a sample of its start and end (error_offers.py:
help after a failure). Input a client types is held until bash has read the line. A
full-screen program (vim, less) is lent to the client that submitted the line
(full_screen_relay.py); a line no client submitted has nobody to draw on, so the program's
screen is captured as output. Runs on the session's thread and bash's reader; never on the
host's event loop.
"""

from __future__ import annotations

from collections.abc import Callable

from conch.host.error_offers import OutputSample
from conch.host.full_screen_relay import FullScreenRelay
from conch.output_spool import OutputSpool
from conch_plugins.shell_mode.command_result import (
    CommandSink,
    HandoverResult,
    Passthrough,
    ProgramWriter,
)
from conch_plugins.shell_mode.held_input import HeldInput


class HostCommandSink(CommandSink):
    """A command's output to its journal recording and its spool file (and its ends to
    ``output``, for an offer after it fails); input held until bash has read the line; a
    full-screen program lent to the client that submitted the line, if one did."""

    def __init__(
        self,
        on_text: Callable[[str], None],
        relay: FullScreenRelay,
        command: str,
        owner: object,
        spool: OutputSpool,
    ) -> None:
        self.input = HeldInput()
        self.output = OutputSample()
        self.spool = spool
        """The whole output in a file, as the app keeps it: the copy that stays when the
        journal stops saving (a full disk); dropped once the journal holds the end."""
        self._on_text = on_text
        self._relay = relay
        self._command = command
        self._owner = owner
        self.ran_full_screen = False
        """A client drew the program's screen (vim, less): said in the command's end."""

    def on_output(self, text: str) -> None:
        self.output.add(text)
        self.spool.write(text)
        self._on_text(text)

    def on_accepted(self, write: ProgramWriter) -> None:
        self.input.open(write)

    def on_finished(self) -> None:
        self.input.close()

    def run_fullscreen(self, passthrough: Passthrough) -> HandoverResult:
        if self._owner is None:  # no client to lend it to: captured as output
            return False
        outcome = self._relay.lend(passthrough, self._command, self._owner)
        self.ran_full_screen = self.ran_full_screen or outcome is not False
        return outcome
