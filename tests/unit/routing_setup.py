"""What the routing tests stand on: a PATH of stub commands, and a throwaway bash.

The stubs make "is it a command?" independent of what this machine has installed; the bash
gives the real error output that the after-error offer reads.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from conch_plugins.shell_mode.command_check import CommandIndex


def stub_command_index(bin_dir: Path, names: Iterable[str]) -> CommandIndex:
    """A CommandIndex whose PATH is ``bin_dir``, holding an executable stub for each name."""
    bin_dir.mkdir(exist_ok=True)
    for name in names:
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    index = CommandIndex()
    index.refresh_path(str(bin_dir))
    return index


def run_bash(line: str, cwd: Path) -> tuple[int, str]:
    """Run ``line`` in a throwaway bash in ``cwd``; its exit status and output."""
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), "LC_ALL": "C"}
    completed = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", line],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
    )
    return completed.returncode, completed.stdout + completed.stderr
