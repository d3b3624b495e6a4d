"""Which code may import Textual: only packages named ``tui`` (conch.tui, a client's
``conch.clients.<name>.tui``) and the plugin's tui_integration. Logic (sessions, agents,
host, shell_mode and every other module) never loads it, and the host never loads a TUI."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import conch
import conch_plugins

SOURCE_ROOTS = [Path(conch.__file__).parent, Path(conch_plugins.__file__).parent]


def _is_tui(module: str) -> bool:
    parts = module.split(".")
    return "tui" in parts or "tui_integration" in parts


def _module_name(path: Path) -> str:
    for root in SOURCE_ROOTS:
        if path.is_relative_to(root):
            relative = path.relative_to(root.parent).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            return ".".join(parts)
    raise AssertionError(path)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _source_files() -> list[Path]:
    return sorted(path for root in SOURCE_ROOTS for path in root.rglob("*.py"))


def test_only_tui_packages_import_textual() -> None:
    offenders = [
        _module_name(path)
        for path in _source_files()
        if not _is_tui(_module_name(path))
        and any(name.split(".")[0] == "textual" for name in _imports(path))
    ]
    assert offenders == []


def test_the_tui_packages_are_where_textual_is_imported() -> None:
    users = {
        _module_name(path)
        for path in _source_files()
        if any(name.split(".")[0] == "textual" for name in _imports(path))
    }
    assert {"conch.tui.app", "conch.tui.widgets.conversation"} <= users
    assert "conch_plugins.tui_integration.providers" in users


def test_the_host_never_imports_a_tui_not_even_lazily() -> None:
    host = Path(conch.__file__).parent / "host"
    offenders = [
        (_module_name(path), name)
        for path in sorted(host.rglob("*.py"))
        for name in _imports(path)
        if _is_tui(name) or name.split(".")[0] == "textual"
    ]
    assert offenders == []


def test_importing_any_module_outside_the_tui_packages_leaves_textual_out() -> None:
    """Transitively: a logic module importing a TUI module would load Textual with it."""
    modules = sorted(
        info.name
        for package in (conch, conch_plugins)
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
        if not _is_tui(info.name) and not info.name.endswith("__main__")
    )
    for layer in ("conch.sessions.", "conch.agents.", "conch.host.", "conch_plugins.shell_mode."):
        assert any(name.startswith(layer) for name in modules), layer
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    bad = [m for m in sys.modules if m.split('.')[0] == 'textual'\n"
        "           or m == 'conch.tui' or m.startswith('conch.tui.') or '.tui' in m]\n"
        "    if bad:\n"
        "        print(name, 'imported', sorted(bad)[0])\n"
        "        break\n"
        "else:\n"
        "    print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
