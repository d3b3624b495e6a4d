"""Find and load Conch's plugins through the ``conch.plugins`` entry points.

The core gets a session's bash and a line's route only through the plugins' hooks: the app
through its plugin manager, the host and the CLI's commands through ``shell_feature()``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, cast

import pluggy

from conch.hookspecs import PROJECT, ConchHookSpec

if TYPE_CHECKING:
    from conch_plugins.shell_mode.command_check import CommandIndex
    from conch_plugins.shell_mode.modes import ExecutionMode
    from conch_plugins.shell_mode.persistent_bash import PersistentBash
    from conch_plugins.shell_mode.routing import Route
    from conch_plugins.shell_mode.shell_options import ShellOptions

ENTRY_POINT_GROUP = "conch.plugins"


class PluginLoadError(RuntimeError):
    """A required hook has no implementation: the plugins package is missing."""


def load_plugins() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(ConchHookSpec)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    missing = [
        name
        for name in ("conch_prompt_providers", "conch_persistent_bash", "conch_route_line")
        if not getattr(manager.hook, name).get_hookimpls()
    ]
    if missing:
        raise PluginLoadError(
            f"no plugin implements {', '.join(missing)}: reinstall Conch (`make run` does it)"
        )
    return manager


class ShellFeature:
    """The plugins' shell hooks, typed, for code with no app to ask (the host, the CLI)."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self._hook = manager.hook

    def new_bash(self, cwd: str, options: ShellOptions) -> PersistentBash:
        """A session's bash for ``cwd``, not started yet."""
        return cast("PersistentBash", self._hook.conch_persistent_bash(cwd=cwd, options=options))

    def route(self, line: str, mode: ExecutionMode, index: CommandIndex) -> Route:
        """Where ``line`` goes in ``mode``, with the commands ``index`` knows."""
        return cast("Route", self._hook.conch_route_line(line=line, mode=mode, index=index))


@functools.cache
def shell_feature() -> ShellFeature:
    """Loaded once per process: the host starts many sessions, each needing a bash."""
    return ShellFeature(load_plugins())
