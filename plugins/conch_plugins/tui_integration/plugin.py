"""tui_integration's hook implementations: the prompt's providers."""

from __future__ import annotations

import pluggy

from conch_plugins.tui_integration.providers import ExecutionModeProvider, WorkingDirProvider

hookimpl = pluggy.HookimplMarker("conch")


@hookimpl
def conch_prompt_providers() -> list[type]:
    """Mode outermost, so its key binding covers everything the cwd wraps."""
    return [ExecutionModeProvider, WorkingDirProvider]
