"""The hooks through which plugins give the core app its features (pluggy).

The core only wires things in: it asks the plugins for the containers to wrap
its prompt in, for the session shell, and for the routing decision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from conch_plugins.shell_mode.command_check import CommandIndex
    from conch_plugins.shell_mode.modes import ExecutionMode
    from conch_plugins.shell_mode.persistent_bash import PersistentBash
    from conch_plugins.shell_mode.routing import Route
    from conch_plugins.shell_mode.shell_options import ShellOptions

PROJECT = "conch"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

ProviderFactory = Callable[..., Any]
"""Called with the child widget(s); returns a container widget wrapping them."""


class ConchHookSpec:
    @hookspec
    def conch_prompt_providers(self) -> list[ProviderFactory]:  # type: ignore[empty-body]
        """Containers to wrap the prompt in, outermost first."""

    @hookspec(firstresult=True)
    def conch_persistent_bash(self, cwd: str, options: ShellOptions) -> PersistentBash:  # type: ignore[empty-body]
        """A (not yet started) session shell for ``cwd``."""

    @hookspec(firstresult=True)
    def conch_route_line(  # type: ignore[empty-body]
        self, line: str, mode: ExecutionMode, index: CommandIndex
    ) -> Route:
        """Where a submitted line goes."""
