"""load_plugins: the installed entry points provide every required hook."""

from __future__ import annotations

from pathlib import Path

import pluggy
import pytest

from conch.plugin_host import ENTRY_POINT_GROUP, PluginLoadError, load_plugins
from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.persistent_bash import PersistentBash
from conch_plugins.shell_mode.routing import Route, Target
from conch_plugins.shell_mode.shell_options import ShellOptions

REQUIRED_HOOKS = ("conch_prompt_providers", "conch_persistent_bash", "conch_route_line")


def test_entry_point_group_is_conch_plugins() -> None:
    assert ENTRY_POINT_GROUP == "conch.plugins"


def test_load_plugins_finds_the_installed_plugins() -> None:
    manager = load_plugins()
    names = {name for name, _ in manager.list_name_plugin()}
    assert {"shell_mode", "tui_integration"} <= names


@pytest.mark.parametrize("hook", REQUIRED_HOOKS)
def test_every_required_hook_has_an_implementation(hook: str) -> None:
    manager = load_plugins()
    assert getattr(manager.hook, hook).get_hookimpls()


def test_route_line_hook_routes_like_route_line() -> None:
    manager = load_plugins()
    index = CommandIndex()
    index.refresh_path("")
    route = manager.hook.conch_route_line(line="!explain", mode=ExecutionMode.AUTO, index=index)
    assert route == Route(Target.SHELL, "explain", "`!` prefix")
    route = manager.hook.conch_route_line(line="cd /", mode=ExecutionMode.AGENT, index=index)
    assert route.target is Target.AGENT


def test_persistent_bash_hook_gives_an_unstarted_shell(tmp_path: Path) -> None:
    manager = load_plugins()
    options = ShellOptions(source_bashrc=False)
    shell = manager.hook.conch_persistent_bash(cwd=str(tmp_path), options=options)
    assert isinstance(shell, PersistentBash)
    assert shell.cwd == str(tmp_path)
    assert shell.options is options
    assert not shell.is_alive


def test_prompt_providers_hook_gives_a_list_of_factories() -> None:
    manager = load_plugins()
    results = manager.hook.conch_prompt_providers()
    providers = [factory for result in results for factory in result]
    assert providers
    assert all(callable(factory) for factory in providers)


def test_missing_plugins_raise_a_load_error_naming_the_hooks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def load_nothing(self: pluggy.PluginManager, group: str, name: str | None = None) -> int:
        return 0

    monkeypatch.setattr(pluggy.PluginManager, "load_setuptools_entrypoints", load_nothing)
    with pytest.raises(PluginLoadError) as raised:
        load_plugins()
    for hook in REQUIRED_HOOKS:
        assert hook in str(raised.value)
