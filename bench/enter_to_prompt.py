"""Enter → prompt ready for `true`, through the real app (headless) and bare.

App figure: from posting the Enter key to the end of the app's
``on_shell_command_finished`` (the block has its ✓ status, ``running_block``
is None again). "To next frame" adds the wait for the next composed screen.
Bare figures: ``PersistentBash.execute("true")`` alone, and ``BashSupervisor.run``
(execute plus the alias/function refresh query the app does after each
command). Target (issue): app median ≤ 15 ms.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import figures, header, isolate
from benchlib.timed_app import make_timed_app

WARMUP = 10
RUNS = 100
COMMAND = "true"

ROOT = isolate()
WORK = ROOT / "work"


def bench_bare() -> None:
    from conch_plugins.shell_mode.bash_supervisor import BashSupervisor
    from conch_plugins.shell_mode.command_result import CollectingSink
    from conch_plugins.shell_mode.persistent_bash import PersistentBash
    from conch_plugins.shell_mode.shell_options import ShellOptions

    shell = PersistentBash(WORK, ShellOptions(source_bashrc=False))
    shell.start()
    try:
        samples: list[float] = []
        for index in range(WARMUP + RUNS):
            started = time.perf_counter()
            shell.execute(COMMAND, CollectingSink(), timeout=10)
            if index >= WARMUP:
                samples.append(time.perf_counter() - started)
        print(figures("PersistentBash.execute('true')", samples))
    finally:
        shell.close()

    session = BashSupervisor(PersistentBash(WORK, ShellOptions(source_bashrc=False)))
    session.start()
    try:
        samples = []
        for index in range(WARMUP + RUNS):
            started = time.perf_counter()
            session.run(COMMAND, CollectingSink(), timeout=10)
            if index >= WARMUP:
                samples.append(time.perf_counter() - started)
        print(figures("BashSupervisor.run('true') (+names refresh)", samples))
    finally:
        session.close()


async def bench_app() -> None:
    from textual import events
    from textual.widgets import Input

    app = make_timed_app(WORK)
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.wait_for(app.started.wait(), 30)
        shell = app.shell.bash.shell
        while not (shell.is_alive and not shell.is_busy):
            await asyncio.sleep(0.01)
        # Shell mode: Auto mode asks about a bare `true` (a command and a reply alike).
        from conch_plugins.shell_mode.modes import ExecutionMode

        app.mode_provider.mode = ExecutionMode.SHELL
        await pilot.pause()
        prompt = app.query_one("#prompt-input", Input)
        to_finish: list[float] = []
        not_shown = 0
        to_frame: list[float] = []
        for index in range(WARMUP + RUNS):
            prompt.value = COMMAND
            await pilot.pause(0)
            app.finished.clear()
            app.frames.clear()
            started = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))
            await asyncio.wait_for(app.finished.wait(), 10)
            block = app.conversation.children[-1]
            result = getattr(block, "result", None)
            if app.shell.running_block is not None or result is None or result.exit_status != 0:
                not_shown += 1
            finished = app.finished_at
            # Let the next frame be composed (Textual caps at 60 fps).
            deadline = time.perf_counter() + 0.5
            while time.perf_counter() < deadline and not any(t >= finished for t in app.frames):
                await asyncio.sleep(0.001)
            frame = next((t for t in app.frames if t >= finished), None)
            if index >= WARMUP:
                to_finish.append(finished - started)
                if frame is not None:
                    to_frame.append(frame - started)
            # A settled app between runs, as between a person's keystrokes.
            await asyncio.sleep(0.02)
        print(figures("app: Enter → command finished", to_finish))
        print(figures("app: Enter → next frame after it", to_frame))
        blocks = len(app.conversation.children)
        if not_shown:
            print(f"   {not_shown} run(s) ended without a ✓ block or with the app still busy")
        for label, values in (("finished", to_finish), ("next frame", to_frame)):
            first, last = sorted(values[:10]), sorted(values[-10:])
            print(
                f"   growth ({label}): median of first 10 runs {first[5] * 1000:.2f} ms, "
                f"last 10 {last[5] * 1000:.2f} ms ({blocks} blocks at the end)"
            )


def main() -> None:
    header(f"Enter → prompt ready for `{COMMAND}` ({WARMUP} warm-up, {RUNS} runs)")
    bench_bare()
    asyncio.run(bench_app())
    print("   target: app median ≤ 15 ms")


if __name__ == "__main__":
    main()
