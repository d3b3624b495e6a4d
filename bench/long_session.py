"""Enter → next frame over a long session: 400 commands, with and without folding old blocks.

The real app, headless (120x40), journaling to a new session: `echo x` in Shell mode, 400
times; each is timed from posting Enter to the first composed frame after the command
finished. Medians per 100 commands, once with Conch's folding of old blocks
(conversation_trim: at most LIVE_LIMIT mounted) and once with it switched off, in one run.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import header, isolate
from benchlib.timed_app import make_timed_app

COMMANDS = 400
ROOT = isolate()


async def enter_to_frame(fold: bool) -> list[float]:
    from textual import events

    from conch.tui import conversation_trim
    from conch_plugins.shell_mode.modes import ExecutionMode

    limit = conversation_trim.LIVE_LIMIT
    if not fold:
        conversation_trim.LIVE_LIMIT = 10**9
    try:
        app = make_timed_app(ROOT / "work")
        times: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await app.started.wait()
            await pilot.pause(0.5)
            app.mode_provider.mode = ExecutionMode.SHELL
            prompt = app.prompt_bar.input
            for _ in range(COMMANDS):
                prompt.value = "echo x"
                await pilot.pause(0)
                app.finished.clear()
                started = time.perf_counter()
                app.post_message(events.Key("enter", "\r"))
                await app.finished.wait()
                finished = app.finished_at
                while not any(t >= finished for t in app.frames[-3:]):
                    await asyncio.sleep(0.001)
                times.append(next(t for t in app.frames if t >= finished) - started)
                await asyncio.sleep(0.01)  # a settled app between commands
        return times
    finally:
        conversation_trim.LIVE_LIMIT = limit


def main() -> None:
    header(f"Enter → next frame over {COMMANDS} commands (headless app, Shell mode)")
    for fold in (True, False):
        times = asyncio.run(enter_to_frame(fold))
        parts = []
        for start in range(0, COMMANDS, 100):
            median = statistics.median(times[start : start + 100]) * 1000
            parts.append(f"{start + 1}-{start + 100}: {median:5.1f} ms")
        label = "folding old blocks" if fold else "everything mounted"
        print(f"{label:<22} " + "   ".join(parts))


if __name__ == "__main__":
    main()
