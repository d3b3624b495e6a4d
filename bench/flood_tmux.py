"""`seq 1 1000000` in a real terminal (tmux 120x40): Conch against plain bash, and keys.

Three panes of one private tmux server: plain bash (`--norc`, a prompt of its own), this
tree's `conch`, and another revision's (default `main`, exported with `git archive`, run
with this venv). Runs alternate bash, this tree, REV (5 each):

- Enter → prompt back, as seen in the pane: bash's prompt on the line after `1000000`;
  Conch's block status `✓` after its `running…` showed. Ratios against plain bash.
  Target (issue 12): ≤ 1.3× a raw pty.
- A key typed during the flood (Conch panes): a `z` every 50 ms while the command runs,
  timed from `send-keys` to a capture that shows one more `z` in the pane. Target: 50 ms, max.

The pane is read with `capture-pane` sent over a `tmux -C` control client attached to an
idle session (no process spawned per poll, and no 8 MB of `%output` to parse), every 5 ms.
Figures include tmux's own redraw and that poll. Prints figures; asserts nothing.

    .venv/bin/python bench/flood_tmux.py [--against REV] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    CONCH,
    PYTHON,
    Tmux,
    export_revision,
    figures,
    header,
    isolate,
    isolated_env,
    revision_path,
)

COMMAND = "seq 1 1000000"
APP_READY = "Type a command"
BASH_PROMPT = "plainbash$ "
POLL = 0.005
KEY_EVERY = 0.05
TIMEOUT = 60.0


class PaneReader:
    """capture-pane over one `tmux -C` client: a command per poll, answers in order."""

    def __init__(self, socket: str) -> None:
        self.process = subprocess.Popen(
            ["tmux", "-L", socket, "-C", "attach-session", "-t", "idle"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self._answers: list[list[bytes]] = []
        self._ready = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        pending = b""
        block: list[bytes] | None = None
        while chunk := os.read(fd, 65536):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                if line.startswith(b"%begin"):
                    block = []
                elif line.startswith((b"%end", b"%error")) and block is not None:
                    with self._ready:
                        self._answers.append(block)
                        self._ready.notify_all()
                    block = None
                elif block is not None:
                    block.append(line)

    def run(self, command: str) -> list[str]:
        """Send one tmux command; its output lines."""
        assert self.process.stdin is not None
        with self._ready:
            self._answers.clear()
            self.process.stdin.write(command.encode() + b"\n")
            while not self._answers:
                if not self._ready.wait(10):
                    raise SystemExit(f"tmux did not answer {command!r}")
            return [line.decode(errors="replace") for line in self._answers.pop(0)]

    def screen(self, session: str) -> list[str]:
        return self.run(f"capture-pane -p -t {session}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=5)


def wait_until(reader: PaneReader, session: str, shown: object, timeout: float) -> float:
    """Poll until ``shown(lines)`` is true; perf_counter() of the capture that showed it."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if shown(reader.screen(session)):  # type: ignore[operator]
            return time.perf_counter()
        time.sleep(POLL)
    pane = "\n".join(reader.screen(session))
    raise SystemExit(f"{session}: timed out; pane:\n{pane}")


def bash_prompt_back(lines: list[str]) -> bool:
    rows = [line for line in lines if line.strip()]
    return len(rows) >= 2 and rows[-1] == BASH_PROMPT.rstrip() and rows[-2] == "1000000"


def flood_in_bash(reader: PaneReader, session: str) -> float:
    reader.run(f"send-keys -t {session} -l 'clear'")
    reader.run(f"send-keys -t {session} Enter")
    wait_until(reader, session, lambda lines: lines[0].startswith(BASH_PROMPT.rstrip()), 10)
    reader.run(f"send-keys -t {session} -l '{COMMAND}'")
    wait_until(reader, session, lambda lines: COMMAND in lines[0], 10)
    started = time.perf_counter()
    reader.run(f"send-keys -t {session} Enter")
    return wait_until(reader, session, bash_prompt_back, TIMEOUT) - started


def prompt_line(lines: list[str]) -> str:
    """Conch's prompt row, under the prompt box's top edge (a temp dir's random name
    elsewhere in the pane may hold a `z` too)."""
    edges = [index for index, line in enumerate(lines) if "▔▔▔▔" in line]
    return lines[edges[-1] + 1] if edges and edges[-1] + 1 < len(lines) else ""


def flood_in_conch(reader: PaneReader, session: str, keys: list[float]) -> float:
    """Enter → the block's ✓; meanwhile a `z` every KEY_EVERY, each timed to the screen."""
    reader.run(f"send-keys -t {session} -l '{COMMAND}'")
    wait_until(reader, session, lambda lines: any(COMMAND in line for line in lines[-4:]), 10)
    time.sleep(0.05)
    started = time.perf_counter()
    reader.run(f"send-keys -t {session} Enter")
    # The last run's block (and its ✓) may still show until the new one is placed.
    wait_until(reader, session, lambda lines: any("running…" in line for line in lines), 10)
    typed = 0
    finished = None
    while finished is None:
        text = "\n".join(reader.screen(session))
        if "✓" in text and "running…" not in text:
            finished = time.perf_counter()
            break
        typed += 1
        sent = time.perf_counter()
        reader.run(f"send-keys -t {session} -l z")
        while True:
            lines = reader.screen(session)
            text = "\n".join(lines)
            if prompt_line(lines).count("z") >= typed:
                keys.append(time.perf_counter() - sent)
                break
            if "✓" in text and "running…" not in text:
                finished = time.perf_counter()
                break
            time.sleep(POLL)
        time.sleep(max(0.0, KEY_EVERY - (time.perf_counter() - sent)))
    reader.run(f"send-keys -t {session} C-u")  # the typed z's (never sent: no Enter)
    wait_until(reader, session, lambda lines: "z" not in prompt_line(lines), 10)
    return finished - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git revision to compare (or '')")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    header(f"`{COMMAND}` in tmux 120x40: plain bash vs Conch ({args.runs} runs each, alternating)")
    root = isolate()
    env = isolated_env(root) | {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    tmux = Tmux(env)
    conchs = {"this tree": [str(CONCH)]}
    if args.against:
        path = revision_path(export_revision(args.against))
        conchs[args.against] = ["env", f"PYTHONPATH={path}", str(PYTHON), "-m", "conch"]
    sessions = {"plain bash": "plainbash"}
    reader = PaneReader(tmux.socket)
    try:
        bash = ["env", f"PS1={BASH_PROMPT}", "bash", "--norc", "--noprofile"]
        tmux.launch("plainbash", bash)
        for index, (name, command) in enumerate(conchs.items()):
            work = root / "work" / str(index)
            work.mkdir(parents=True)
            session = sessions[name] = f"conch{index}"
            tmux.launch(session, [*command, "--cwd", str(work)])
            wait_until(reader, session, lambda lines: APP_READY in "\n".join(lines), 20)
            tmux.send_keys(session, "C-space")  # Auto → Shell: nothing routes to an agent
        times: dict[str, list[float]] = {name: [] for name in sessions}
        keys: dict[str, list[float]] = {name: [] for name in conchs}
        for _ in range(args.runs):
            for name, session in sessions.items():
                if name == "plain bash":
                    times[name].append(flood_in_bash(reader, session))
                else:
                    times[name].append(flood_in_conch(reader, session, keys[name]))
    finally:
        reader.close()
        tmux.close()
    bash_median = statistics.median(times["plain bash"])
    for name, values in times.items():
        ratio = statistics.median(values) / bash_median
        print(figures(f"{name}: Enter → prompt back", values, "s", 1.0) + f"   ×{ratio:.2f}")
    for name, values in keys.items():
        print(figures(f"{name}: key during flood → in pane", values))
    print(f"   target: prompt back ≤ 1.3× plain bash; a key on screen ≤ 50 ms, max "
          f"(polled every {POLL * 1000:.0f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
