"""Enter → an `echo`'s output on screen, in a real terminal (tmux), over a long session.

Each Conch runs in a 120x40 pane of a private tmux server and is driven through a
tmux control-mode client (`tmux -C`): keys go in on its stdin, and every byte the
pane writes comes back as `%output`, read by a thread that timestamps it. For each
command `echo abcd""efgh` (other letters each time) is typed in one go, the bench
waits until the prompt shows it, then sends Enter and waits for the bytes `abcdefgh`
(the output; the typed line never holds them) to be written to the terminal. That is
what a person sees, minus tmux's own redraw.

Compares this worktree with another git revision (default `main`, exported with
`git archive` and run with this venv) in one run, commands interleaved so both see
the same machine load. Medians over commands 1–50 and over 201–250 (blocks fold
after 40 mounted, so the late window shows whether the cost grows). Prints
figures; asserts nothing.

With --attach, this tree's `conch attach` runs too: its session lives in the Conch host
(started by attach, stopped at the end), so its figure is Enter → output through the host.

    .venv/bin/python bench/echo_latency.py [--against REV] [--commands N] [--attach]
"""

from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
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

WINDOW = 50
APP_READY = "Type a command"
ATTACH_READY = "● attached to"
LATE_START = 200
TIMEOUT = 10.0


class ControlClient:
    """A `tmux -C` client attached to one session: send commands, watch pane output."""

    def __init__(self, socket: str, session: str) -> None:
        self.process = subprocess.Popen(
            ["tmux", "-L", socket, "-C", "attach-session", "-t", session],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.session = session
        self.chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        # Big reads straight from the fd, stamped per read: iterating the unbuffered pipe
        # read it a byte at a time and added ~11 ms to every figure.
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        pending = b""
        while chunk := os.read(fd, 65536):
            stamp = time.perf_counter()
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                if line.startswith(b"%output "):
                    data = line.split(b" ", 2)[2]
                    self.chunks.put((stamp, _unescape(data)))

    def command(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")

    def type(self, text: str) -> None:
        self.command(f"send-keys -t {self.session} -l '{text}'")

    def drain(self) -> None:
        while not self.chunks.empty():
            self.chunks.get_nowait()

    def wait_for(self, token: bytes, timeout: float) -> float | None:
        """perf_counter() of the read that completed ``token`` in the pane's output."""
        seen = b""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            try:
                stamp, data = self.chunks.get(timeout=left)
            except queue.Empty:
                return None
            seen = seen[-len(token) :] + data
            if token in seen:
                return stamp

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=5)


def _unescape(data: bytes) -> bytes:
    """Control mode writes bytes < 32 and backslash as \\ooo octal."""
    if b"\\" not in data:
        return data
    out = bytearray()
    index = 0
    while index < len(data):
        if data[index] == 0x5C and index + 3 < len(data) + 1:
            out.append(int(data[index + 1 : index + 4], 8))
            index += 4
        else:
            out.append(data[index])
            index += 1
    return bytes(out)


@dataclass(frozen=True)
class Launch:
    """How one Conch under test starts: its command, the text that says it is ready, and
    whether Ctrl+Space must switch it to Shell mode (the attach client sends lines to bash)."""

    command: list[str]
    ready: str = APP_READY
    shell: bool = True


def measure(clients: dict[str, ControlClient], commands: int, tmux: Tmux) -> dict[str, list[float]]:
    """Enter → output seconds per command, per Conch, commands interleaved."""
    times: dict[str, list[float]] = {name: [] for name in clients}
    for number in range(commands):
        # Every letter differs from the last command's: the terminal is sent only the
        # cells that changed, and the new output row lands where the last one was.
        token = "".join(chr(97 + (number + i) % 26) for i in range(8))
        for name, client in clients.items():
            client.drain()
            client.type(f'echo {token[:4]}""{token[4:]}')
            if client.wait_for(f'""{token[4:]}'.encode(), TIMEOUT) is None:
                raise SystemExit(f"{name}: the typed command never showed")
            time.sleep(0.05)  # let the prompt settle (suggestions, cursor)
            client.drain()
            started = time.perf_counter()
            client.command(f"send-keys -t {client.session} Enter")
            shown = client.wait_for(token.encode(), TIMEOUT)
            if shown is None:
                pane = tmux.capture(client.session)
                raise SystemExit(f"{name}: no output for command {number + 1}; pane:\n{pane}")
            times[name].append(shown - started)
            client.wait_for("✓".encode(), TIMEOUT)  # finished before the next one
            time.sleep(0.05)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git revision to compare (or '')")
    parser.add_argument("--commands", type=int, default=LATE_START + WINDOW)
    attach_help = "also `conch attach` (this tree): the session runs in the host"
    parser.add_argument("--attach", action="store_true", help=attach_help)
    args = parser.parse_args()
    header(f"Enter → echo output on screen, tmux 120x40, {args.commands} commands each")
    root = isolate()
    env = isolated_env(root) | {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    tmux = Tmux(env)
    launch = {"this tree": Launch([str(CONCH)])}
    if args.attach:
        launch["this tree, attached"] = Launch([str(CONCH), "attach"], ATTACH_READY, shell=False)
    if args.against:
        tree = export_revision(args.against)
        path = revision_path(tree)
        command = ["env", f"PYTHONPATH={path}", str(PYTHON), "-m", "conch"]
        launch[args.against] = Launch(command)
    clients: dict[str, ControlClient] = {}
    try:
        for index, (name, how) in enumerate(launch.items()):
            work = root / "work" / str(index)
            work.mkdir(parents=True)
            session = f"conch{index}"
            tmux.launch(session, [*how.command[:1], "--cwd", str(work), *how.command[1:]])
            if tmux.wait_for(session, how.ready, 20.0) is None:
                raise SystemExit(f"{name} did not start:\n{tmux.capture(session)}")
            if how.shell:
                tmux.send_keys(session, "C-space")  # Auto → Shell: nothing routes to an agent
            clients[name] = ControlClient(tmux.socket, session)
        times = measure(clients, args.commands, tmux)
    finally:
        for client in clients.values():
            client.close()
        if args.attach:
            stop = [str(CONCH), "host", "stop"]
            subprocess.run(stop, env={**os.environ, **env}, capture_output=True, timeout=30)
        tmux.close()
    for name, values in times.items():
        print(figures(f"{name}: commands 1–{WINDOW}", values[:WINDOW]))
        late = values[LATE_START : LATE_START + WINDOW]
        print(figures(f"{name}: commands {LATE_START + 1}–{LATE_START + WINDOW}", late))
    print("   timed from writing Enter to the control client to the %output that held the")
    print("   echo's output; target ≤ 0.8× Toad's 31–37 ms (about 25 ms), flat over the session")


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "120")
    main()
