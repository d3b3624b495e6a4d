"""Sessions in the host: how fast a client hears of a line, and how far a second one lags.

    .venv/bin/python bench/host_stream.py

A real detached `conch host`, two clients on its socket following one session (both in this
process, each reading its own connection).
(a) submit → the first event (the journaled input) at the submitting client, and submit → the
    command's shell_end, for `true`; 10 warm-up + 60 runs.
(b) A streamed line: a loop in the session echoes each line sent to its stdin (send_input);
    send → the line's output at the first client and at the second, and the second's lag
    behind the first (signed: the host writes both frames in one loop turn, so which one this
    process reads first is chance). 60 lines back to back (a steady stream: batched, so up
    to HOST_OUTPUT_DELAY late), then 60 lines each after a quiet spell (committed at once).
(c) One commit with synchronous=FULL (this disk's fsync), 50 appends: what each output batch
    costs.
(d) The host's VmRSS with one idle session, 2 s after the last command, and its bash's.
Targets: second client ≤ 100 ms behind the first; host idle RSS ≤ 60 MB.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import children, figures, header, isolate, running_host, status_kb

ROOT = isolate()

from conch.host.client import HostConnection, ask_host  # noqa: E402
from conch.host.runtime import host_places  # noqa: E402
from conch.host.session_engine import HOST_OUTPUT_DELAY  # noqa: E402
from conch.sessions import events as ev  # noqa: E402
from conch.sessions.journal import Journal  # noqa: E402

WARM_UP = 10
RUNS = 60
LINES = 60
COMMITS = 50
FIELDS = ("VmRSS", "VmHWM", "RssAnon")


async def until(connection: HostConnection, kind: str, text: str = "") -> float:
    """The moment the first event of ``kind`` (containing ``text``) arrives."""
    while True:
        event = (await connection.next_event(timeout=30))["event"]
        if event["kind"] == kind and text in str(event["payload"].get("text", "")):
            return time.perf_counter()


async def submit_figures(first: HostConnection) -> None:
    to_input: list[float] = []
    to_end: list[float] = []
    for run in range(WARM_UP + RUNS):
        sent = time.perf_counter()
        await first.request("submit", line="true")
        heard = await until(first, ev.USER_INPUT)
        ended = await until(first, ev.SHELL_END)
        if run >= WARM_UP:
            to_input.append(heard - sent)
            to_end.append(ended - sent)
    print(figures("(a) submit → input event at the client", to_input))
    print(figures("(a) submit → shell_end of `true`", to_end))


async def stream_figures(first: HostConnection, second: HostConnection, gap: float) -> None:
    """Lines sent ``gap`` seconds after the previous one arrived: 0 is a steady stream
    (batched), more than HOST_OUTPUT_DELAY a line after a quiet spell (committed at once)."""
    await first.request("submit", line='while IFS= read -r line; do echo "out-$line"; done')
    await until(first, ev.SHELL_START)
    await until(second, ev.SHELL_START)
    at_first: list[float] = []
    at_second: list[float] = []
    lags: list[float] = []
    for number in range(LINES):
        await asyncio.sleep(gap)
        marker = f"out-{number:04d}"
        sent = time.perf_counter()
        await first.request("send_input", text=f"{number:04d}\n")
        first_heard, second_heard = await asyncio.gather(
            until(first, ev.SHELL_OUTPUT, marker), until(second, ev.SHELL_OUTPUT, marker)
        )
        at_first.append(first_heard - sent)
        at_second.append(second_heard - sent)
        lags.append(second_heard - first_heard)
    await first.request("send_input", text="", eof=True)
    await until(first, ev.SHELL_END)
    await until(second, ev.SHELL_END)
    label = f"lines {gap * 1000:.0f} ms apart"
    print(figures(f"(b) {label}: send → first client", at_first))
    print(figures(f"(b) {label}: send → second client", at_second))
    # Both clients read in this process: below zero, the second one's frame was read first.
    print(figures(f"(b) {label}: second − first", lags, "µs", 1e6))


def commit_figures() -> None:
    durations: list[float] = []
    with tempfile.TemporaryDirectory(dir=ROOT) as where:
        journal = Journal.open(Path(where) / "bench.sqlite")
        session = journal.create_session(where, "shell", "")
        for number in range(COMMITS):
            started = time.perf_counter()
            journal.append(session.id, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(f"{number}\n"))
            durations.append(time.perf_counter() - started)
        journal.close()
    print(figures("(c) one commit, synchronous=FULL", durations))


def rss_figures(host_pid: int) -> None:
    time.sleep(2.0)  # idle: what the host holds between commands, not a decision
    for label, pid in [("(d) host, one idle session", host_pid),
                       *[("    its bash", child) for child in children(host_pid)]]:  # fmt: skip
        values = status_kb(pid, *FIELDS)
        parts = "   ".join(f"{key} {values.get(key, 0) / 1024:6.1f} MB" for key in FIELDS)
        print(f"{label:<44} pid {pid:<7} {parts}")


async def measure() -> int:
    socket_path = host_places().socket
    first = await HostConnection.open(socket_path)
    attached = await first.request("attach", cwd=str(ROOT / "work"), new=True)
    second = await HostConnection.open(socket_path, role="observer")
    await second.request("attach", session=attached["session"], role="observer")
    await submit_figures(first)
    await stream_figures(first, second, 0.0)
    await stream_figures(first, second, 2 * HOST_OUTPUT_DELAY)
    print(f"    output committed every {HOST_OUTPUT_DELAY * 1000:.0f} ms at most while streaming")
    # The second client heard everything the first did; drop its backlog before the idle figure.
    await second.close()
    await first.close()
    status = await ask_host(socket_path, "status")
    return int(status["pid"])


def main() -> None:
    header("host_stream: sessions in the host, two clients on one session")
    with running_host(ROOT):
        host_pid = asyncio.run(measure())
        commit_figures()
        rss_figures(host_pid)
    print("   targets: second client ≤ 100 ms behind the first; host idle RSS ≤ 60 MB")


if __name__ == "__main__":
    main()
