"""conch.sessions is a logic layer for any front end: importing it never loads Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import conch.sessions as sessions

MODULES = sorted(
    f"{sessions.__name__}.{info.name}" for info in pkgutil.iter_modules(sessions.__path__)
)


def test_the_package_has_its_modules() -> None:
    for name in ("journal", "schema", "events", "projections", "replay", "locking", "export"):
        assert f"conch.sessions.{name}" in MODULES


def test_importing_every_sessions_module_and_the_cli_leaves_textual_out() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {[*MODULES, 'conch.sessions_cli']!r}:\n"
        "    importlib.import_module(name)\n"
        "    if any(m == 'textual' or m.startswith('textual.') for m in sys.modules):\n"
        "        print('textual imported by', name)\n"
        "        break\n"
        "else:\n"
        "    print('ok')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ok"
