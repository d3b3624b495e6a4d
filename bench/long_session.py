"""Enter → the frame that shows a command's finished block, over a long session.

The real app, headless (120x40), journaling to a new session: CMD (default `echo x`) in
Shell mode, N times (default 400); each is timed from posting Enter to the first composed
frame after the command finished (TimedApp.shown_at). Medians per 100 commands and the
ratio of the last 100 to the first 100 (flat is 1.0).

Without --against: once with Conch's folding of old blocks (conversation_trim: at most
LIVE_LIMIT mounted) and once with it switched off, in one run. With --against REV: this
tree and REV (exported with `git archive`, run with this venv), folding on, each in a
child process of its own, one after the other, twice (this, REV, this, REV) so both see
the machine's load. With --attach: this tree's `conch attach` window (AttachApp, headless)
on a session of a real detached host — the session runs in the host, the window folds its
old items as the app does — alternating with the app, twice each, with the window process's
CPU time over each command (less moved by the machine's load than the wall clock). Prints
figures; asserts nothing.

    .venv/bin/python bench/long_session.py [--commands N] [--command CMD] [--against REV]
                                           [--attach]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    PYTHON,
    export_revision,
    header,
    isolate,
    isolated_env,
    revision_path,
    running_host,
)
from benchlib.timed_app import make_timed_app, make_timed_attach_app

WINDOW = 100


async def enter_to_frame(root: Path, commands: int, command: str, fold: bool) -> list[float]:
    from textual import events

    from conch.tui import conversation_trim
    from conch_plugins.shell_mode.modes import ExecutionMode

    limit = conversation_trim.LIVE_LIMIT
    if not fold:
        conversation_trim.LIVE_LIMIT = 10**9
    try:
        app = make_timed_app(root / "work")
        times: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await app.started.wait()
            await pilot.pause(0.5)
            app.mode_provider.mode = ExecutionMode.SHELL
            prompt = app.prompt_bar.input
            for _ in range(commands):
                prompt.value = command
                await pilot.pause(0)
                app.finished.clear()
                started = time.perf_counter()
                app.post_message(events.Key("enter", "\r"))
                await app.finished.wait()
                await asyncio.wait_for(app.shown.wait(), 5)
                times.append(app.shown_at - started)
                await asyncio.sleep(0.01)  # a settled app between commands
        return times
    finally:
        conversation_trim.LIVE_LIMIT = limit


async def attach_enter_to_frame(
    root: Path, commands: int, command: str
) -> tuple[list[float], list[float]]:
    """The same, in a `conch attach` window on a host session (the host is running); also
    the window process's CPU time over each (Enter → that frame), which the machine's load
    moves far less than the wall-clock time: the host, bash and this window are three
    processes that each wait for a core when the machine is busy."""
    from textual import events

    work = root / "work"
    work.mkdir(exist_ok=True)
    app = make_timed_attach_app(work)
    times: list[float] = []
    cpu: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.attached:
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        for _ in range(commands):
            app.prompt.value = command
            await pilot.pause(0)
            app.finished.clear()
            started = time.perf_counter()
            started_cpu = time.process_time()
            app.post_message(events.Key("enter", "\r"))
            await asyncio.wait_for(app.finished.wait(), 10)
            await asyncio.wait_for(app.shown.wait(), 5)
            times.append(app.shown_at - started)
            cpu.append(time.process_time() - started_cpu)
            await asyncio.sleep(0.01)  # a settled app between commands
    return times, cpu


def attach_in_child(root: Path, commands: int, command: str) -> tuple[list[float], list[float]]:
    """One attach-window run in a fresh process, against the host under ``root``: the
    times, and the window's CPU time for each."""
    args = [str(PYTHON), __file__, "--child-attach", str(root), "--commands", str(commands),
            "--command", command]  # fmt: skip
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    figures = json.loads(done.stdout.splitlines()[-1])
    return figures["times"], figures["cpu"]


def windows(times: list[float]) -> str:
    parts = []
    for start in range(0, len(times), WINDOW):
        median = statistics.median(times[start : start + WINDOW]) * 1000
        parts.append(f"{start + 1}-{min(start + WINDOW, len(times))}: {median:5.1f}")
    first = statistics.median(times[:WINDOW])
    last = statistics.median(times[-WINDOW:])
    return "  ".join(parts) + f" ms   last/first {last / first:4.2f}"


def in_child(path: str | None, commands: int, command: str) -> list[float]:
    """One run (folding on) in a fresh process; ``path``: PYTHONPATH of another revision."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = path
    args = [str(PYTHON), __file__, "--child", "--commands", str(commands), "--command", command]
    done = subprocess.run(args, env=env, check=True, capture_output=True, text=True)
    times: list[float] = json.loads(done.stdout.splitlines()[-1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=400)
    parser.add_argument("--command", default="echo x")
    parser.add_argument("--against", default="", help="git revision to compare with")
    parser.add_argument("--attach", action="store_true", help="also the attach client")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-attach", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        times = asyncio.run(enter_to_frame(isolate(), args.commands, args.command, True))
        print(json.dumps(times))
        return
    if args.child_attach:
        root = Path(args.child_attach)
        os.environ.update(isolated_env(root))
        os.environ["XDG_RUNTIME_DIR"] = str(root / "run")
        from conch.tui.frame_rate import raise_frame_rate

        raise_frame_rate()  # as `conch attach` does, before Textual is imported
        times, cpu = asyncio.run(attach_enter_to_frame(root, args.commands, args.command))
        print(json.dumps({"times": times, "cpu": cpu}))
        return
    header(f"Enter → frame showing the finished block, {args.commands}× `{args.command}` "
           "(headless app, Shell mode)")  # fmt: skip
    if args.attach:
        root = isolate()
        with running_host(root):
            for _ in range(2):
                times = in_child(None, args.commands, args.command)
                print(f"{'the app':<22} {windows(times)}", flush=True)
                times, cpu = attach_in_child(root, args.commands, args.command)
                print(f"{'attached (host)':<22} {windows(times)}", flush=True)
                print(f"{'  its CPU time':<22} {windows(cpu)}", flush=True)
        return
    if args.against:
        other = revision_path(export_revision(args.against))
        for _ in range(2):
            for label, path in (("this tree", None), (args.against, other)):
                times = in_child(path, args.commands, args.command)
                print(f"{label:<22} {windows(times)}", flush=True)
        return
    root = isolate()
    for fold in (True, False):
        times = asyncio.run(enter_to_frame(root, args.commands, args.command, fold))
        label = "folding old blocks" if fold else "everything mounted"
        print(f"{label:<22} {windows(times)}", flush=True)


if __name__ == "__main__":
    main()
