"""Agent turns in `conch attach`, as a person sees them in tmux: Enter → the answer on screen
in the client that asked, and how far a second client on the same session is behind it.

The host runs the fake ACP agent (tests/peers/fake_acp_agent.py, the real protocol, no
model): its ``echo`` script says back ``received: <prompt>`` at once, so the figure is
Conch's own path (submit → host → agent → journal → both clients → screen), not a model's.
Both panes are polled in turn (a capture-pane costs a few ms, which bounds the
resolution). Target for the second client: ≤ 100 ms behind. Prints figures; asserts nothing.

    .venv/bin/python bench/attach_agent_lag.py [--prompts N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import CONCH, Tmux, figures, header, isolate, isolated_env

ROOT = Path(__file__).resolve().parent.parent
FAKE_ACP_AGENT = ROOT / "tests" / "peers" / "fake_acp_agent.py"
ATTACHED = "● attached to"
TIMEOUT = 20.0


def write_config(env: dict[str, str]) -> None:
    config = Path(env["XDG_CONFIG_HOME"]) / "conch" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    command = json.dumps([sys.executable, str(FAKE_ACP_AGENT), "echo"])
    config.write_text(f'[agent]\ndefault = "fake"\nsandbox = false\n\n[shell]\n'
                      f'source_bashrc = false\n\n[agents.fake]\nkind = "acp"\n'
                      f"command = {command}\n")  # fmt: skip


def measure(tmux: Tmux, work: Path, prompts: int) -> None:
    for name, client in (("agent-a", "laptop"), ("agent-b", "phone")):
        tmux.launch(name, [str(CONCH), "--cwd", str(work), "attach", "--name", client])
        if tmux.wait_for(name, ATTACHED, TIMEOUT) is None:
            raise SystemExit(f"{name} did not attach: {tmux.capture(name)}")
    asked: list[float] = []
    behind: list[float] = []
    for number in range(1, prompts + 1):
        answer = f"received: ping-{number}-"
        tmux.send_keys("agent-a", "-l", f"?ping-{number}-")
        tmux.wait_for("agent-a", f"?ping-{number}-", TIMEOUT)
        sent = time.perf_counter()
        tmux.send_keys("agent-a", "Enter")
        seen: dict[str, float] = {}
        deadline = sent + TIMEOUT
        while len(seen) < 2 and time.perf_counter() < deadline:
            for name in ("agent-a", "agent-b"):
                if name not in seen and answer in tmux.capture(name):
                    seen[name] = time.perf_counter()
        if len(seen) < 2:
            print(f"prompt {number}: no answer in both panes within {TIMEOUT} s")
            continue
        asked.append(seen["agent-a"] - sent)
        behind.append(seen["agent-b"] - seen["agent-a"])
        time.sleep(0.2)  # the turn ends before the next prompt, so none is queued
    print(figures("Enter → the agent's answer, asking client", asked))
    print(figures("second client's lag behind the first", behind))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=15)
    args = parser.parse_args()
    header("conch attach in tmux 120x40: an agent's answer in two clients (fake ACP agent)")
    root = isolate()
    env = isolated_env(root)
    write_config(env)
    tmux = Tmux(env)
    try:
        measure(tmux, root / "work", args.prompts)
    finally:
        tmux.close()
        subprocess.run([str(CONCH), "host", "stop"], env={**os.environ, **env},
                       capture_output=True, timeout=30)  # fmt: skip


if __name__ == "__main__":
    main()
