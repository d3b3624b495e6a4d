"""conch_plugins.shell_mode is plain Python: importing it never loads Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import conch_plugins.shell_mode as shell_mode

MODULES = sorted(
    f"{shell_mode.__name__}.{info.name}" for info in pkgutil.iter_modules(shell_mode.__path__)
)


def test_shell_mode_package_has_the_expected_modules() -> None:
    for name in (
        "routing",
        "command_check",
        "modes",
        "cwd",
        "persistent_bash",
        "bash_supervisor",
        "plugin",
    ):
        assert f"conch_plugins.shell_mode.{name}" in MODULES


def test_importing_every_shell_mode_module_leaves_textual_out() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "    if any(m == 'textual' or m.startswith('textual.') for m in sys.modules):\n"
        "        print('textual imported by', name)\n"
        "        break\n"
        "else:\n"
        "    print('ok', len(sys.modules))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("ok"), completed.stdout
