"""The hooks through which plugins give the core its replaceable parts (pluggy).

The seam, as it is: ``conch_plugins.shell_mode`` is the shell library the core is built on
(the persistent bash, routing, completion, the vocabulary of modes and results) and imports
nothing of the core. What a plugin may replace comes only through these hooks — the
containers the prompt is wrapped in (built on conch.tui.prompt_providers, the contract the
TUI plugin imports), a session's bash and a line's route — and the core never imports those
implementations (tests/unit/test_plugin_seam.py). The app asks its plugin manager; the host
and the CLI ask ``plugin_host.shell_feature()``.
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
