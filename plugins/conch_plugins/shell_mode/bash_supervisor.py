"""The persistent bash under supervision (BashSupervisor), with the command names it knows.

Serialises everything sent to the one bash (user commands and the helper
queries that refresh aliases and functions), restarts bash when it dies, and
reports what happened. No Textual: front ends call it from a worker thread.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from conch_plugins.shell_mode.agent_shell import USER_DEFINITIONS_QUERY
from conch_plugins.shell_mode.bash_process import ShellStartError
from conch_plugins.shell_mode.command_check import ALIASES_AND_FUNCTIONS_QUERY, CommandIndex
from conch_plugins.shell_mode.command_result import CommandResult, CommandSink
from conch_plugins.shell_mode.persistent_bash import PersistentBash


@dataclass(frozen=True)
class RunOutcome:
    result: CommandResult
    restarted: bool = False
    """bash died during the command and a fresh one was started in the last cwd."""
    restart_error: str | None = None
    revived: bool = False
    """bash had died while idle; a fresh one was started before this command."""
    start_error: str | None = None
    """bash was not running and could not be started (a wrong ``shell.bash``): nothing ran."""


# Lines that may change what is exported: only these pay for a look at `export -p`.
_MAY_CHANGE_EXPORTS = re.compile(
    r"\b(?:export|unset|source|declare|typeset|readonly|activate|deactivate|nvm|conda|pyenv)\b"
    r"|(?:^|[;&|(]\s*)\.\s"
)
# bash sets these itself at start; carrying them over would be wrong (SHLVL grows).
_OWN_VARIABLES = frozenset({"PWD", "OLDPWD", "SHLVL"})


# Lines that may define or remove an alias or function, or move PATH: the names refresh runs
# before their end is reported, so the next line is routed knowing what they defined.
_MAY_CHANGE_NAMES = re.compile(r"\b(?:alias|unalias|function|eval|enable|hash|PATH)\b|\(\s*\)")


def may_change_exports(command: str) -> bool:
    return _MAY_CHANGE_EXPORTS.search(command) is not None


def may_change_names(command: str) -> bool:
    """Whether ``command`` may change the aliases, functions or PATH the index knows."""
    return may_change_exports(command) or _MAY_CHANGE_NAMES.search(command) is not None


class BashSupervisor:
    def __init__(self, shell: PersistentBash) -> None:
        self.shell = shell
        self.index = CommandIndex()
        self.commands_run = 0
        """Counts finished commands: a cache of the shell's state is stale when it moves."""
        self._exports: dict[str, str] = {}
        """As last reported by ``exports_changed``."""
        self._launch_env = dict(shell.options.extra_env)
        self._first_exports: dict[str, str] | None = None
        """What the first bash exported: a respawn differs from it as the last bash did."""
        self._live_exports: dict[str, str] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            self.shell.start()
            self.index.refresh_path()
            self._refresh_names()
            self._exports = self._exported()
            self._live_exports = dict(self._exports)
            if self._first_exports is None:
                self._first_exports = dict(self._exports)

    def run(
        self,
        command: str,
        sink: CommandSink,
        timeout: float | None = None,
        on_ended: Callable[[RunOutcome], object] | None = None,
    ) -> RunOutcome:
        """Run ``command``; ``on_ended`` gets the outcome (on this thread) as soon as it is
        known: before the names refresh that follows (1–2 ms, more under load) unless the
        line may change the names, so the finished block need not wait for it."""
        with self._lock:
            revived = not self.shell.is_alive
            if revived:
                try:
                    self._respawn()
                except ShellStartError as error:
                    result = CommandResult(command, None, self.shell.cwd, 0.0, shell_exited=True,
                                           not_started=True)  # fmt: skip
                    return _ended(RunOutcome(result, start_error=str(error)), on_ended)
            result = self.shell.execute(command, sink, timeout=timeout or None)
            self.commands_run += 1
            if not result.shell_exited:
                outcome = RunOutcome(result, revived=revived)
                reported = on_ended is not None and not may_change_names(command)
                if reported:
                    _ended(outcome, on_ended)
                self._refresh_names()
                if may_change_exports(command):
                    self._live_exports = self._exported()
                return outcome if reported else _ended(outcome, on_ended)
            try:
                self._respawn()
            except ShellStartError as error:
                outcome = RunOutcome(result, restart_error=str(error), revived=revived)
                return _ended(outcome, on_ended)
            self._refresh_names()
            return _ended(RunOutcome(result, restarted=True, revived=revived), on_ended)

    def user_definitions(self, with_completions: bool = False) -> str:
        """The user's exports, aliases and functions as bash source, for the agent's
        sibling shell (and, ``with_completions``, their ``complete`` specs, for the
        completion helper); "" when the user's shell is busy (never wait)."""
        with self._when_idle() as idle:
            if not idle:
                return ""
            query = USER_DEFINITIONS_QUERY + ("; complete -p" if with_completions else "")
            return self.shell.query(query, timeout=5).replace("\r\n", "\n")

    def exports_changed(self) -> tuple[dict[str, str], tuple[str, ...]] | None:
        """Exported variables set or changed, and those removed, since the last call (or
        since bash started); None when the shell is busy (never wait)."""
        with self._when_idle() as idle:
            if not idle:
                return None
            now = self._exported()
            before, self._exports = self._exports, now
            self._live_exports = dict(now)
        changed = {name: value for name, value in now.items() if before.get(name) != value}
        return changed, tuple(name for name in before if name not in now)

    @contextlib.contextmanager
    def _when_idle(self) -> Iterator[bool]:
        """Hold the shell for a helper query if it is free within 0.2 s and alive; the
        user's own commands are never waited for."""
        if not self._lock.acquire(timeout=0.2):
            yield False
            return
        try:
            yield self.shell.is_alive
        finally:
            self._lock.release()

    def _exported(self) -> dict[str, str]:
        return parse_exports(self.shell.query("export -p", timeout=5))

    def _respawn(self) -> None:
        """A fresh bash with the exports (and unsets) of the one that ended."""
        first, live = self._first_exports or {}, self._live_exports
        changed = {
            name: value
            for name, value in live.items()
            if first.get(name) != value and name not in _OWN_VARIABLES
        }
        self.shell.options.extra_env = {**self._launch_env, **changed}
        self.shell.options.unset_env = {name for name in first if name not in live}
        self.shell.restart()

    def close(self) -> None:
        self.shell.close()

    def _refresh_names(self) -> None:
        self.index.update_from_query(self.shell.query(ALIASES_AND_FUNCTIONS_QUERY))


def _ended(outcome: RunOutcome, on_ended: Callable[[RunOutcome], object] | None) -> RunOutcome:
    if on_ended is not None:
        on_ended(outcome)
    return outcome


_EXPORT = re.compile(
    r"declare -x ([A-Za-z_][A-Za-z0-9_]*)"
    r"""(?:="((?:[^"\\]|\\.)*)"|=\$'((?:[^'\\]|\\.)*)')?""",
    re.DOTALL,
)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_C_ESCAPE = re.compile(
    r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)", re.DOTALL
)
_C_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
             "r": "\r", "t": "\t", "v": "\v"}  # fmt: skip


def parse_exports(listing: str) -> dict[str, str]:
    """``export -p`` output as names to values. bash writes ``NAME="…"`` (with ``"``, ``\\``,
    ``$`` and ````` escaped) or, for values with control characters, ``NAME=$'…'``; a
    variable exported without a value is left out."""
    found: dict[str, str] = {}
    for match in _EXPORT.finditer(listing.replace("\r\n", "\n")):
        name, quoted, ansi_c = match.groups()
        if quoted is not None:
            found[name] = _ESCAPED.sub(r"\1", quoted)
        elif ansi_c is not None:
            found[name] = _C_ESCAPE.sub(_c_char, ansi_c)
    return found


def _c_char(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "xuU" and len(code) > 1:
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8))
    if code[0] == "c" and len(code) == 2:
        return chr(ord(code[1].upper()) ^ 0x40)
    return _C_SIMPLE.get(code, code)
