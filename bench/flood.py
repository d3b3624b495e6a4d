"""`seq 1 1000000` (~7.9 MB through a pty): raw pty vs PersistentBash vs the app.

(a) raw pty: bash -c 'seq 1 1000000' on a fresh pty, read 64 KiB at a time to EOF.
(b) PersistentBash.execute with a sink that only counts bytes.
(c) the real app headless (run_test): Enter posted → on_shell_command_finished done.
Runs alternate a, b, c (5 each). Target: (c)/(a) ≤ 1.5.
(e) one line of the same size with no newline (`head -c N /dev/zero | tr`), in the
app: Enter → finished, against (c). Target: within 2× of (c) (it was quadratic).
(d) key latency during the flood in the app: a key every 50 ms; each is timed
from posting it to the prompt's value changing (the Input.Changed message's own
time stamp), and to the first composed frame after that (the one that shows it).
Target: on screen within 50 ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import figures, header, isolate
from benchlib.timed_app import make_timed_app
from conch_plugins.shell_mode.command_result import CommandSink

RUNS = 5
COUNT = 1_000_000
COMMAND = f"seq 1 {COUNT}"
KEY_EVERY = 0.05

ROOT = isolate()
WORK = ROOT / "work"


def raw_pty() -> tuple[float, int]:
    """Seconds and bytes for the command on a bare pty (no Conch at all)."""
    master, slave = os.openpty()
    started = time.perf_counter()
    child = subprocess.Popen(
        ["bash", "-c", COMMAND],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        cwd=WORK,
    )
    os.close(slave)
    total = 0
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the slave side is closed
            break
        if not data:
            break
        total += len(data)
    child.wait()
    elapsed = time.perf_counter() - started
    os.close(master)
    return elapsed, total


class CountingSink(CommandSink):
    def __init__(self) -> None:
        self.chars = 0

    def on_output(self, text: str) -> None:
        self.chars += len(text)


async def main_async() -> None:
    from textual import events
    from textual.widgets import Input

    from conch_plugins.shell_mode.persistent_bash import PersistentBash
    from conch_plugins.shell_mode.shell_options import ShellOptions

    bare = PersistentBash(WORK, ShellOptions(source_bashrc=False))
    bare.start()
    app = make_timed_app(WORK)
    raw: list[float] = []
    shell: list[float] = []
    in_app: list[float] = []
    raw_bytes = shell_chars = 0
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await asyncio.wait_for(app.started.wait(), 30)
            while app.shell.bash.shell.is_busy:
                await asyncio.sleep(0.01)
            prompt = app.query_one("#prompt-input", Input)

            async def run_in_app(command: str = COMMAND) -> float:
                prompt.value = command
                await pilot.pause()
                app.finished.clear()
                started = time.perf_counter()
                app.post_message(events.Key("enter", "\r"))
                await asyncio.wait_for(app.finished.wait(), 60)
                return app.finished_at - started

            for _ in range(RUNS):
                # (a) and (b) block the event loop on purpose: the idle app
                # then costs them nothing.
                seconds, raw_bytes = raw_pty()
                raw.append(seconds)
                sink = CountingSink()
                started = time.perf_counter()
                bare.execute(COMMAND, sink, timeout=60)
                shell.append(time.perf_counter() - started)
                shell_chars = sink.chars
                in_app.append(await run_in_app())
            block = app.conversation.children[-1]
            lines = getattr(getattr(block, "output", None), "total_lines", "?")
            one_line = f"head -c {raw_bytes} /dev/zero | tr '\\0' x"
            long_line = [await run_in_app(one_line) for _ in range(RUNS)]

            # (d) keys while the flood runs.
            prompt.value = COMMAND
            await pilot.pause()
            app.finished.clear()
            app.post_message(events.Key("enter", "\r"))
            while app.shell.running_block is None:
                await asyncio.sleep(0.001)
            to_handled: list[float] = []
            to_frame: list[float] = []
            lost = 0
            next_press = time.perf_counter()
            while not app.finished.is_set():
                next_press += KEY_EVERY
                app.changed.clear()
                app.frames.clear()
                sent = time.perf_counter()
                app.post_message(events.Key("x", "x"))
                try:
                    await asyncio.wait_for(app.changed.wait(), 2)
                except TimeoutError:
                    lost += 1
                    continue
                handled = app.changed_at
                to_handled.append(handled - sent)
                deadline = time.perf_counter() + 1
                frame = None
                while time.perf_counter() < deadline:
                    frame = next((t for t in app.frames if t >= handled), None)
                    if frame is not None:
                        break
                    await asyncio.sleep(0.001)
                if frame is not None:
                    to_frame.append(frame - sent)
                await asyncio.sleep(max(0.0, next_press - time.perf_counter()))
            await asyncio.wait_for(app.finished.wait(), 60)
    finally:
        bare.close()

    med_a, med_b, med_c = (statistics.median(values) for values in (raw, shell, in_app))
    print(f"   output: {raw_bytes:,} bytes on the raw pty, {shell_chars:,} chars via "
          f"PersistentBash, {lines:,} lines counted by the app's block")  # fmt: skip
    print(figures("(a) raw pty", raw, "s", 1.0))
    print(figures("(b) PersistentBash.execute, counting sink", shell, "s", 1.0))
    print(figures("(c) app headless, Enter → finished", in_app, "s", 1.0))
    print(f"   ratios of medians: (b)/(a) = {med_b / med_a:.2f}   (c)/(a) = {med_c / med_a:.2f}"
          "   target (c)/(a) ≤ 1.5")  # fmt: skip
    print(figures(f"(e) app, one {raw_bytes:,}-byte line, Enter → finished", long_line, "s", 1.0))
    print(f"   ratio of medians: (e)/(c) = {statistics.median(long_line) / med_c:.2f}"
          "   target ≤ 2")  # fmt: skip
    print(figures("(d) key → prompt value changed during flood", to_handled))
    print(figures("(d) key → next frame during flood", to_frame))
    print(f"   keys answered {len(to_handled)}, unanswered within 2 s {lost}"
          "   target: on screen within 50 ms, max")  # fmt: skip


def main() -> None:
    header(f"Flood: `{COMMAND}` ({RUNS} runs each, alternating)")
    asyncio.run(main_async())


if __name__ == "__main__":
    main()
