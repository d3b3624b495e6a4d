"""`conch attach` as a person sees it in tmux: a second client's lag, first frames, client RSS.

- Lag: two clients attached to one session; a command in the first prints a numbered line
  every 0.3 s; both panes are polled in turn (each capture-pane costs a few ms, which bounds
  the resolution) and the lag is when the second pane shows the line minus when the first
  did. Target ≤ 100 ms.
- First frame: start → the prompt's placeholder, and start → "attached", with the host
  already running (target ≤ 0.5 s) and when attach must start it (target ≤ 0.8 s).
- Client idle RSS: VmRSS of an attached client's python process after 2 s idle (≤ 60 MB).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    CONCH,
    Tmux,
    figures,
    find_conch_process,
    header,
    isolate,
    isolated_env,
    status_kb,
)

RUNS = 5
LINES = 20
PLACEHOLDER = "Type a command or ask the agent"
ATTACHED = "● attached to"
TIMEOUT = 20.0


def stop_host(env: dict[str, str]) -> None:
    subprocess.run([str(CONCH), "host", "stop"], env={**os.environ, **env},
                   capture_output=True, timeout=30)  # fmt: skip


def first_frames(tmux: Tmux, work: Path, env: dict[str, str], start_host: bool) -> None:
    frames: list[float] = []
    attached: list[float] = []
    if not start_host:
        subprocess.run([str(CONCH), "host"], env={**os.environ, **env}, capture_output=True,
                       check=True, timeout=30)  # fmt: skip
    for run in range(RUNS):
        if start_host:
            stop_host(env)
        name = f"frame{int(start_host)}{run}"
        started = tmux.launch(name, [str(CONCH), "--cwd", str(work), "attach"])
        shown = tmux.wait_for(name, PLACEHOLDER, TIMEOUT, every=0.005)
        ready = tmux.wait_for(name, ATTACHED, TIMEOUT, every=0.005)
        if shown is not None:
            frames.append(shown - started)
        if ready is not None:
            attached.append(ready - started)
        tmux.send_keys(name, "C-q")
        time.sleep(0.3)
        tmux.kill_session(name)
    how = "starting the host" if start_host else "host running"
    print(figures(f"start → first frame ({how})", frames, "s", 1.0))
    print(figures(f"start → attached ({how})", attached, "s", 1.0))


def lag(tmux: Tmux, work: Path) -> None:
    for name in ("lag-a", "lag-b"):
        tmux.launch(name, [str(CONCH), "--cwd", str(work), "attach"])
        if tmux.wait_for(name, ATTACHED, TIMEOUT) is None:
            raise SystemExit(f"{name} did not attach: {tmux.capture(name)}")
    tmux.send_keys("lag-a", "-l", f"for i in $(seq 1 {LINES}); do sleep 0.3; echo LAG-$i-; done")
    tmux.send_keys("lag-a", "Enter")
    lags: list[float] = []
    seen: dict[str, dict[int, float]] = {"lag-a": {}, "lag-b": {}}
    deadline = time.perf_counter() + LINES * 0.3 + 15
    while time.perf_counter() < deadline and len(seen["lag-b"]) < LINES:
        for name in ("lag-a", "lag-b"):
            screen = tmux.capture(name)
            now = time.perf_counter()
            for number in range(1, LINES + 1):
                if number not in seen[name] and f"LAG-{number}-\n" in screen.replace(" ", ""):
                    seen[name][number] = now
    for number, shown_b in seen["lag-b"].items():
        shown_a = seen["lag-a"].get(number)
        if shown_a is not None:
            lags.append(shown_b - shown_a)
    print(figures("second client's lag behind the first (a line)", lags))
    pid = find_conch_process(tmux.pane_pid("lag-b"))
    time.sleep(2.0)
    if pid is not None:
        rss = status_kb(pid, "VmRSS", "VmHWM")
        print(f"{'client idle RSS':<44} {rss.get('VmRSS', 0) / 1024:8.1f} MB   "
              f"(peak {rss.get('VmHWM', 0) / 1024:.1f} MB)")  # fmt: skip


def main() -> None:
    header("conch attach in tmux 120x40: second client's lag, first frames, client RSS")
    root = isolate()
    env = isolated_env(root)  # with its private runtime dir
    tmux = Tmux(env)
    try:
        first_frames(tmux, root / "work", env, start_host=True)
        first_frames(tmux, root / "work", env, start_host=False)
        lag(tmux, root / "work")
    finally:
        tmux.close()
        stop_host(env)


if __name__ == "__main__":
    main()
