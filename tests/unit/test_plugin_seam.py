"""The plugin seam's direction (issue 12). ``conch_plugins.shell_mode`` is the library the
core is built on: it imports nothing of the core. The core gets the two things a plugin may
replace — a session's bash and a line's route — only through the hooks, never by importing
the implementations. ``conch_plugins.tui_integration`` is a plugin above the TUI: it imports
the core's contract for prompt providers and the core never imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import conch
import conch_plugins

CORE = Path(conch.__file__).parent
PLUGINS = Path(conch_plugins.__file__).parent
HOOKED = {"route_line", "PersistentBash"}
"""What the hooks ``conch_route_line`` and ``conch_persistent_bash`` give the core."""


def _runtime_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) imported by ``path``, anywhere but under ``if TYPE_CHECKING:``."""
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.module, alias.name) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return found


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent))


def test_the_shell_library_imports_nothing_of_the_core() -> None:
    offenders = [
        (_relative(path, PLUGINS), module)
        for path in sorted((PLUGINS / "shell_mode").rglob("*.py"))
        for module, _ in _runtime_imports(path)
        if module.split(".")[0] == "conch"
    ]
    assert offenders == []


def test_the_core_gets_bash_and_routing_only_through_the_hooks() -> None:
    offenders = [
        (_relative(path, CORE), module, name)
        for path in sorted(CORE.rglob("*.py"))
        for module, name in _runtime_imports(path)
        if module.startswith("conch_plugins") and name in HOOKED
    ]
    assert offenders == []


def test_the_core_never_imports_the_tui_plugin() -> None:
    offenders = [
        (_relative(path, CORE), module)
        for path in sorted(CORE.rglob("*.py"))
        for module, _ in _runtime_imports(path)
        if module.startswith("conch_plugins.tui_integration")
    ]
    assert offenders == []


def test_the_tui_plugin_builds_on_the_cores_contract() -> None:
    from conch.tui.prompt_providers import CwdProvider, ModeProvider
    from conch_plugins.tui_integration.plugin import conch_prompt_providers

    mode, cwd = conch_prompt_providers()
    assert issubclass(mode, ModeProvider) and issubclass(cwd, CwdProvider)


def test_the_rules_see_a_runtime_import_and_skip_a_typing_one(tmp_path: Path) -> None:
    """The checks above would pass on anything if the walker missed imports."""
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from conch_plugins.shell_mode.routing import route_line\n"
        "def f():\n"
        "    from conch_plugins.shell_mode.persistent_bash import PersistentBash\n"
    )
    names = {name for _, name in _runtime_imports(source)}
    assert "PersistentBash" in names and "route_line" not in names
