"""shell_mode's hook implementations: the session shell and line routing."""

from __future__ import annotations

import pluggy

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.persistent_bash import PersistentBash
from conch_plugins.shell_mode.routing import Route, route_line
from conch_plugins.shell_mode.shell_options import ShellOptions

hookimpl = pluggy.HookimplMarker("conch")


@hookimpl
def conch_persistent_bash(cwd: str, options: ShellOptions) -> PersistentBash:
    return PersistentBash(cwd, options)


@hookimpl
def conch_route_line(line: str, mode: ExecutionMode, index: CommandIndex) -> Route:
    return route_line(line, mode, index)
