"""Tab for one session, in plain Python: the same answer in the app and in the host.

The helper bash that runs programmable completion is Conch's own, never the user's shell
(which may be running a command), and it is given the user's aliases, functions and
variables again whenever a command has run since it last got them. Calls come from worker
threads, one at a time per session (the helper is a single conversation over a pty).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from conch.prompt_completion import PromptCompleter
from conch_plugins.shell_mode.bash_supervisor import BashSupervisor
from conch_plugins.shell_mode.completion import Completer, Completion, CompletionShell
from conch_plugins.shell_mode.modes import ExecutionMode


class SessionCompletion:
    """Completes prompt lines for the session whose bash ``bash()`` gives (the app's changes
    when the user switches sessions)."""

    def __init__(self, bash: Callable[[], BashSupervisor]) -> None:
        self._bash = bash
        self.helper = CompletionShell()
        self._completer: PromptCompleter | None = None
        self._definitions_seen = -1
        """The bash's command count when the helper bash last got the user's definitions."""
        self._lock = threading.Lock()

    def complete(self, line: str, cursor: int, mode: ExecutionMode, cwd: str) -> Completion:
        """What Tab offers for ``line`` at ``cursor``; raises if the helper bash broke (the
        caller says so and calls ``restart``)."""
        with self._lock:
            self._sync_definitions()
            index = self._bash().index
            if self._completer is None:
                self._completer = PromptCompleter(Completer(index, self.helper))
            return self._completer.complete_line(line, cursor, mode, cwd, index)

    def warm(self) -> None:
        """Start the helper bash ahead of the first Tab, so that one is fast."""
        self.helper.start()

    def restart(self) -> None:
        """The helper failed: the next Tab starts a new one."""
        self.helper.close()

    def forget(self) -> None:
        """The session's bash changed: its command index and definitions are not the next's."""
        with self._lock:
            self._completer = None
            self._definitions_seen = -1

    def close(self) -> None:
        """For good: a warm-up or Tab racing with the exit never starts another helper."""
        self.helper.shutdown()

    def _sync_definitions(self) -> None:
        bash = self._bash()
        seen = bash.commands_run
        if seen == self._definitions_seen:
            return
        definitions = bash.user_definitions(with_completions=True)
        if definitions:  # "" when the user's shell is busy: try again next Tab
            self.helper.sync(definitions)
            self._definitions_seen = seen
