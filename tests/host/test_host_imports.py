"""The host is plain Python: importing any of it loads neither Textual nor the TUI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import conch.host as host

MODULES = sorted(f"{host.__name__}.{info.name}" for info in pkgutil.iter_modules(host.__path__))


def test_importing_every_host_module_and_its_cli_leaves_textual_and_the_tui_out() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {[*MODULES, 'conch.host_cli']!r}:\n"
        "    importlib.import_module(name)\n"
        "    bad = [m for m in sys.modules if m.split('.')[0] == 'textual'\n"
        "           or m == 'conch.tui' or m.startswith('conch.tui.')]\n"
        "    if bad:\n"
        "        print(name, 'imported', bad[0])\n"
        "        break\n"
        "else:\n"
        "    print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert len(MODULES) >= 8
