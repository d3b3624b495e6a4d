"""Process start → first frame, as a person sees it, in a real terminal (tmux).

Launches `.venv/bin/conch --cwd <tmp>` in a 120x40 tmux pane and polls
`capture-pane` every 10 ms until the prompt's placeholder ("Type a command")
shows. The tmux server is started beforehand, so its own start-up is not
counted. Also times `conch --version`. Target: first frame ≤ 0.6 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import CONCH, Tmux, figures, header, isolate, isolated_env

RUNS = 5
PLACEHOLDER = "Type a command"
TIMEOUT = 15.0


def main() -> None:
    header(f"First frame of `conch` in tmux 120x40 ({RUNS} runs) and `conch --version`")
    root = isolate()
    tmux = Tmux(isolated_env(root))
    frames: list[float] = []
    failures = 0
    try:
        for run in range(RUNS):
            name = f"run{run}"
            started = tmux.launch(name, [str(CONCH), "--cwd", str(root / "work")])
            shown = tmux.wait_for(name, PLACEHOLDER, TIMEOUT)
            if shown is None:
                failures += 1
                print(f"   run {run}: no '{PLACEHOLDER}' within {TIMEOUT} s; pane shows:")
                print("   " + tmux.capture(name).strip().replace("\n", "\n   "))
            else:
                frames.append(shown - started)
            tmux.send_keys(name, "C-q")
            time.sleep(0.3)
            tmux.kill_session(name)
            time.sleep(0.2)
    finally:
        tmux.close()
    print(figures("start → first frame (placeholder shown)", frames, "s", 1.0))
    if failures:
        print(f"   {failures} run(s) never showed the prompt")

    versions: list[float] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([str(CONCH), "--version"], check=True, capture_output=True)
        versions.append(time.perf_counter() - started)
    print(figures("conch --version", versions))
    if frames:
        each = ", ".join(f"{value:.3f}" for value in frames)
        print(f"   each run (s): {each}; median {statistics.median(frames):.3f} s, "
              "polled every 10 ms")  # fmt: skip
    print("   target: first frame ≤ 0.6 s")


if __name__ == "__main__":
    main()
