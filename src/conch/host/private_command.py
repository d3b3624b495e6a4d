"""A private line's command in the host: shown to the session's clients, never journaled.

A line that starts with the private prefix (a space by default, like bash's
HISTCONTROL=ignorespace) runs, and every attached window shows its block as the app shows
it, but neither the line nor its output is journaled, recalled by Up, exported, replayed or
told to the agent (agents/shell_context.py ``is_private``). So its start, output and end go
to the clients following the session only, as events with no place in the journal (index
``UNSTORED``): a client that attaches later, and a restart, never see them. No Textual.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from conch.output_spool import OutputSpool
from conch.session_recorder import command_end
from conch.sessions import events as ev
from conch.sessions.records import Event, JsonObject
from conch_plugins.shell_mode.command_result import CommandResult

UNSTORED = -1
"""The index of an event that is in no journal: the live clients' only."""

Announce = Callable[[Event], None]


class PrivateCommand:
    """What a ShellRecording journals for a command, told to the live clients instead."""

    start_index = UNSTORED

    def __init__(self, session_id: str, command: str, cwd: str, announce: Announce) -> None:
        self._session_id = session_id
        self._announce = announce
        self._tell(ev.SHELL_START, ev.shell_start(command, cwd))

    def output(self, text: str) -> None:
        """From bash's reader: each piece goes out as it comes (nothing waits for a disk)."""
        self._tell(ev.SHELL_OUTPUT, ev.shell_output(text))

    def finished(
        self, result: CommandResult, *, interrupted: bool = False, restarted: bool = False,
        full_screen: bool = False, spool: OutputSpool | None = None, spool_kept: bool = False,
    ) -> None:  # fmt: skip
        end = command_end(result, interrupted=interrupted, restarted=restarted,
                          full_screen=full_screen, spool=spool, spool_kept=spool_kept)  # fmt: skip
        self._tell(ev.SHELL_END, end)

    def flush(self) -> None:
        """Nothing is gathered: every piece went out already."""

    def _tell(self, kind: str, payload: JsonObject) -> None:
        self._announce(Event(self._session_id, UNSTORED, time.time(), kind, ev.SHELL, payload))
