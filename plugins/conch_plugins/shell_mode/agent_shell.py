"""A sibling bash for the agent's commands, so neither side blocks the other.

The user's session shell may be busy (or idle and about to be used); the
agent's commands run in a second bash started like the user's (same rc file,
same options) and primed with the user's exported variables, aliases and
functions copied from the session shell. Each command first cds to the turn's
frozen working directory. No Textual here.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable

from conch_plugins.shell_mode.command_result import CommandResult, CommandSink
from conch_plugins.shell_mode.persistent_bash import PersistentBash
from conch_plugins.shell_mode.shell_options import ShellOptions

# What the user's bash defines that a fresh bash would not have.
USER_DEFINITIONS_QUERY = "export -p; alias -p; declare -f"


class _Forward(CommandSink):
    def __init__(self, on_output: Callable[[str], None] | None) -> None:
        self.parts: list[str] = []
        self.on_output_cb = on_output

    def on_output(self, text: str) -> None:
        self.parts.append(text)
        if self.on_output_cb is not None:
            self.on_output_cb(text)


class AgentShell:
    """Runs commands for the agent; one at a time, from any thread."""

    def __init__(self, options: ShellOptions, definitions: Callable[[], str] | None = None) -> None:
        self.options = options
        self.definitions = definitions
        """Returns the user's exports/aliases/functions as bash source, or ""."""
        self._shell: PersistentBash | None = None
        self._lock = threading.Lock()

    def run(
        self,
        command: str,
        cwd: str,
        timeout: float | None = None,
        on_output: Callable[[str], None] | None = None,
    ) -> tuple[str, CommandResult]:
        """Run ``command`` in ``cwd``; the output and the result."""
        with self._lock:
            shell = self._ensure(cwd)
            sink = _Forward(on_output)
            line = f"builtin cd -- {shlex.quote(cwd)} && {{\n{command}\n}}"
            result = shell.execute(line, sink, timeout=timeout)
            if result.shell_exited:
                self._shell = None
            return "".join(sink.parts), result

    def interrupt(self) -> None:
        shell = self._shell
        if shell is not None:
            shell.interrupt()

    def close(self) -> None:
        with self._lock:
            if self._shell is not None:
                self._shell.close()
                self._shell = None

    def _ensure(self, cwd: str) -> PersistentBash:
        if self._shell is not None and self._shell.is_alive:
            return self._shell
        shell = PersistentBash(cwd, ShellOptions(**{**self.options.__dict__}))
        shell.start()
        source = self.definitions() if self.definitions is not None else ""
        if source.strip():
            # readonly and special variables refuse to be set again; that is fine.
            shell.query(source + "\ntrue", timeout=10)
        self._shell = shell
        return shell
