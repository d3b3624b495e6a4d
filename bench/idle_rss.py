"""Resident memory of an idle conch, its host and the session's bash, in tmux.

Starts conch in a 120x40 tmux pane, waits for the prompt, waits 2 s idle and reads
VmRSS/VmHWM of the conch window's python process, of the host it started (which runs the
session: `in_host`, the default) and of the session's bash from /proc. Then runs
`seq 1 1000000` in it and reads them again (a growth check). With `in_host = false` the
bash is the window's own child. Target: each python process ≤ 60 MB idle.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    CONCH,
    PYTHON,
    Tmux,
    children,
    cmdline,
    find_conch_process,
    header,
    isolate,
    isolated_env,
    status_kb,
)

PLACEHOLDER = "Type a command"
IDLE = 2.0
FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile")


def report(label: str, pid: int) -> None:
    values = status_kb(pid, *FIELDS)
    parts = "   ".join(f"{key} {values.get(key, 0) / 1024:6.1f} MB" for key in FIELDS)
    print(f"{label:<30} pid {pid:<7} {parts}")


def bash_child(pid: int) -> int | None:
    for child in children(pid):
        args = cmdline(child)
        if args and Path(args[0]).name.startswith("bash"):
            return child
    return None


def host_pid(root: Path) -> int | None:
    """The host this bench's conch started, as `conch host status` names it."""
    env = {**os.environ, **isolated_env(root)}
    command = [str(PYTHON), "-m", "conch", "host", "status"]
    status = subprocess.run(command, text=True, capture_output=True, env=env)
    found = re.search(r"· pid (\d+) ·", status.stdout)
    return int(found.group(1)) if found else None


def main() -> None:
    header(f"Idle RSS of conch in tmux 120x40 (after the prompt shows + {IDLE:.0f} s)")
    root = isolate()
    tmux = Tmux(isolated_env(root))
    try:
        tmux.launch("rss", [str(CONCH), "--cwd", str(root / "work")])
        if tmux.wait_for("rss", PLACEHOLDER, 15.0) is None:
            print("   conch never showed its prompt; pane shows:")
            print(tmux.capture("rss"))
            return
        time.sleep(IDLE)
        conch = find_conch_process(tmux.pane_pid("rss"))
        if conch is None:
            print("   could not find the conch python process under the pane")
            return
        host = host_pid(root)
        bash = bash_child(host if host is not None else conch)
        report("conch (python), idle", conch)
        if host is not None:
            report("host (python), idle", host)
        if bash is not None:
            report("session bash, idle", bash)
        else:
            print("   no bash child found (the shell may not have started)")

        tmux.send_keys("rss", "seq 1 1000000", "Enter")
        done = tmux.wait_for("rss", "✓ 0", 60.0, every=0.05)
        if done is None:
            print("   `seq 1 1000000` did not finish within 60 s")
            return
        time.sleep(IDLE)
        report("conch (python), after seq 1e6", conch)
        if host is not None:
            report("host (python), after seq 1e6", host)
        tmux.send_keys("rss", "C-q")
        time.sleep(0.3)
    finally:
        tmux.close()
    print("   target: each python process ≤ 60 MB (VmRSS, idle)")


if __name__ == "__main__":
    main()
