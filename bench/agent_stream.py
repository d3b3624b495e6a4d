"""Render cost of a streamed agent answer: 5,000 chunks into one agent turn.

Runs the real app headless; feeds MessageChunk events (as a backend would)
into a real AgentTurn and measures:
- per-chunk overhead: time spent in AgentTurn.apply for each chunk;
- event-loop stalls: lateness of a 5 ms ticker while streaming (a stalled
  loop is a frozen UI: no keys, no frames);
- frames: how many were composed and the longest gap between two (no
  frame is composed while nothing changes, so the flush interval of
  AgentTurn sets a floor on the typical gap);
- chunk to screen: from a chunk's apply to the first frame composed once
  the answer's widgets hold it (read from their ``source``), i.e. how late
  text appears.
Chunks arrive on a schedule of one every 2 ms (500 a second, a fast model).
Targets (issue 3): <= 5 ms per chunk, no frame over 50 ms.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import figures, header, isolate

CHUNKS = 5000
PACE = 0.002
WORDS = (
    "Conch ",
    "streams ",
    "`markdown` ",
    "**fast**, ",
    "and ",
    "keeps ",
    "the ",
    "UI ",
    "live. ",
)


def chunk_text(index: int) -> str:
    if index % 400 == 399:
        return "\n\n```python\nprint('hello')\n```\n\n"
    if index % 100 == 99:
        return "\n\n- a list item with `code`\n"
    return WORDS[index % len(WORDS)]


async def main_async() -> None:
    from conch.agents.events import MessageChunk, TurnContext, TurnEnded
    from conch.config import load_config
    from conch.plugin_host import load_plugins
    from conch.tui.app import ConchApp
    from conch.tui.widgets.agent_turn import AgentTurn

    frames: list[float] = []
    shown: list[int] = []  # characters of the answer held by its widgets at each frame
    watched: list[AgentTurn] = []

    class FrameStampingApp(ConchApp):
        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            frames.append(time.perf_counter())
            children = watched[0].children if watched else ()
            shown.append(sum(len(getattr(child, "source", "")) for child in children))
            super()._display(screen, renderable)

    work = isolate() / "work"
    work.mkdir(exist_ok=True)
    app = FrameStampingApp(work, load_config(), load_plugins())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        context = TurnContext(str(work), "agent", "bench", "", time.time(), str(work))
        turn = AgentTurn("stream 5,000 chunks", context)
        await app.conversation.add_block(turn)
        await pilot.pause(0.1)
        watched.append(turn)

        lateness: list[float] = []
        streaming = True

        async def ticker() -> None:
            while streaming:
                due = time.perf_counter() + 0.005
                await asyncio.sleep(0.005)
                lateness.append(max(0.0, time.perf_counter() - due))

        tick = asyncio.create_task(ticker())
        frames.clear()
        shown.clear()
        per_chunk: list[float] = []
        sent: list[tuple[float, int]] = []  # (when applied, answer length after it)
        started = time.perf_counter()
        for index in range(CHUNKS):
            before = time.perf_counter()
            await turn.apply(MessageChunk(chunk_text(index)))
            per_chunk.append(time.perf_counter() - before)
            sent.append((before, len(turn.answer_text)))
            # A fast model: 500 chunks a second. Sleep to the schedule, not a
            # fixed pause, so render time is not added on top.
            await asyncio.sleep(max(0.0, started + (index + 1) * PACE - time.perf_counter()))
        await turn.apply(TurnEnded("end_turn"))
        total = time.perf_counter() - started
        await pilot.pause(0.3)
        streaming = False
        await tick

    gaps = [b - a for a, b in itertools.pairwise(frames)]
    print(figures("AgentTurn.apply per chunk", per_chunk))
    print(figures("event-loop stall (5 ms ticker lateness)", lateness))
    print(figures("gap between frames", gaps))
    print(figures("chunk to screen (apply -> frame holding it)", on_screen(sent, frames, shown)))
    print(f"   {CHUNKS} chunks in {total:.2f} s, {len(frames)} frames composed, "
          f"{len(turn.answer_text):,} characters of Markdown")  # fmt: skip
    print("   targets: <= 5 ms per chunk; no frame over 50 ms")


def on_screen(sent: list[tuple[float, int]], frames: list[float], shown: list[int]) -> list[float]:
    """For each chunk, the delay to the first later frame whose widgets held it."""
    delays: list[float] = []
    frame = 0
    for applied, length in sent:
        while frame < len(frames) and (frames[frame] < applied or shown[frame] < length):
            frame += 1
        if frame == len(frames):
            break
        delays.append(frames[frame] - applied)
    return delays


def main() -> None:
    header("Agent answer streaming: 5,000 Markdown chunks into one turn (headless app)")
    asyncio.run(main_async())


if __name__ == "__main__":
    main()
