"""Find and load Conch's plugins through the ``conch.plugins`` entry points."""

from __future__ import annotations

import pluggy

from conch.hookspecs import PROJECT, ConchHookSpec

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
