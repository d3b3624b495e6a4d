"""The session shell together with the command names it knows.

Serialises everything sent to the one bash (user commands and the helper
queries that refresh aliases and functions), restarts bash when it dies, and
reports what happened. No Textual: front ends call it from a worker thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from conch_plugins.shell_mode.agent_shell import USER_DEFINITIONS_QUERY
from conch_plugins.shell_mode.bash_process import ShellStartError
from conch_plugins.shell_mode.command_check import ALIASES_AND_FUNCTIONS_QUERY, CommandIndex
from conch_plugins.shell_mode.command_result import CommandResult, CommandSink
from conch_plugins.shell_mode.session_shell import SessionShell


@dataclass(frozen=True)
class RunOutcome:
    result: CommandResult
    restarted: bool = False
    """bash died during the command and a fresh one was started in the last cwd."""
    restart_error: str | None = None
    revived: bool = False
    """bash had died while idle; a fresh one was started before this command."""


class ShellSession:
    def __init__(self, shell: SessionShell) -> None:
        self.shell = shell
        self.index = CommandIndex()
        self.commands_run = 0
        """Counts finished commands: a cache of the shell's state is stale when it moves."""
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            self.shell.start()
            self.index.refresh_path()
            self._refresh_names()

    def run(self, command: str, sink: CommandSink, timeout: float | None = None) -> RunOutcome:
        with self._lock:
            revived = not self.shell.is_alive
            if revived:
                self.shell.restart()
            result = self.shell.execute(command, sink, timeout=timeout or None)
            self.commands_run += 1
            if not result.shell_exited:
                self._refresh_names()
                return RunOutcome(result, revived=revived)
            try:
                self.shell.restart()
            except ShellStartError as error:
                return RunOutcome(result, restart_error=str(error), revived=revived)
            self._refresh_names()
            return RunOutcome(result, restarted=True, revived=revived)

    def user_definitions(self, with_completions: bool = False) -> str:
        """The user's exports, aliases and functions as bash source, for the agent's
        sibling shell (and, ``with_completions``, their ``complete`` specs, for the
        completion helper); "" when the user's shell is busy (never wait)."""
        if not self._lock.acquire(timeout=0.2):
            return ""
        try:
            if not self.shell.is_alive:
                return ""
            query = USER_DEFINITIONS_QUERY + ("; complete -p" if with_completions else "")
            return self.shell.query(query, timeout=5).replace("\r\n", "\n")
        finally:
            self._lock.release()

    def close(self) -> None:
        self.shell.close()

    def _refresh_names(self) -> None:
        self.index.update_from_query(self.shell.query(ALIASES_AND_FUNCTIONS_QUERY))
