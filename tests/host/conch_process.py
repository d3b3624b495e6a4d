"""The host tests' view of processes: run the real `conch` CLI, watch a pid go away."""

from __future__ import annotations

import os
import subprocess
import sys
import time

CONCH = [sys.executable, "-m", "conch"]


def conch(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``conch ARGS`` as a user would (no terminal on stdin) and wait for it."""
    return subprocess.run(
        [*CONCH, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def has_exited(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` is gone within ``timeout`` seconds (polled, never a fixed
    sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False
