"""Tab → menu on screen, in the real app (headless), as the user sees it.

Times a Tab press from the key to the first composed frame after the menu opened (or the
line changed, for a single candidate). Cases: a prefix with 100 matches in a directory of
10,000 files, the same directory's 10,000 names at once (nothing is cut), and
``git ch`` / ``git checkout ma`` in a real repository through bash-completion (first call,
then repeats). Targets (issue 5): menu visible ≤ 30 ms; programmable ≤ 60 ms on repeat.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import figures, header, isolate
from benchlib.timed_app import make_timed_app

ROOT = isolate()
WORK = ROOT / "work"
REPEATS = 10


def make_tree() -> tuple[Path, Path]:
    files = WORK / "many"
    files.mkdir()
    for number in range(10_000):
        (files / f"file_{number:05d}").touch()
    repo = WORK / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}  # fmt: skip
    for args in (("init", "-q", "-b", "main"), ("commit", "-q", "--allow-empty", "-m", "x")):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    for branch in ("maint", "master-old", "feature/a", "release-1.0"):
        subprocess.run(["git", "branch", branch], cwd=repo, check=True, capture_output=True)
    return files, repo


async def tab_to_frame(app: Any, pilot: Any, line: str) -> float:
    """Seconds from pressing Tab on ``line`` to the frame that shows the result."""
    from conch.tui.widgets.completion_menu import CompletionMenu

    menu = app.query_one(CompletionMenu)
    prompt = app.prompt_bar.input
    menu.close()
    prompt.value = line
    prompt.cursor_position = len(line)
    await pilot.pause()
    frames_before = len(app.frames)
    started = time.perf_counter()
    await pilot.press("tab")
    deadline = started + 5
    while not (menu.is_open or prompt.value != line) and time.perf_counter() < deadline:
        await asyncio.sleep(0.0005)
    shown_at = time.perf_counter()
    while len(app.frames) == frames_before and time.perf_counter() < deadline:
        await asyncio.sleep(0.0005)
    frame = next((t for t in app.frames[frames_before:] if t >= shown_at), app.frames[-1])
    return frame - started


async def run() -> None:
    files, repo = make_tree()
    app = make_timed_app(WORK)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.started.wait()
        await pilot.pause(0.5)  # the helper bash warms up after the shell starts

        async def case(label: str, cwd: Path, line: str, first_apart: bool = False) -> None:
            app.cwd_provider.cwd = str(cwd)
            times = [await tab_to_frame(app, pilot, line) for _ in range(REPEATS + 1)]
            if first_apart:
                print(figures(f"{label}: first", times[:1], "ms", 1000.0))
                times = times[1:]
            print(figures(f"{label}: repeat" if first_apart else label, times, "ms", 1000.0))

        await case("100 of 10,000 files (cat file_012)", files, "cat file_012")
        await case("10,000 of 10,000 files (cat file_)", files, "cat file_")
        await case("command word (gi)", WORK, "gi")
        if Path("/usr/share/bash-completion/bash_completion").exists():
            await case("git ch", repo, "git ch", first_apart=True)
            await case("git checkout ma", repo, "git checkout ma", first_apart=True)
        else:
            print("-- git cases skipped: bash-completion is not installed")
    print("   targets: menu visible ≤ 30 ms; programmable ≤ 60 ms on repeat")


def main() -> None:
    header("Tab → menu on screen (headless app, key to frame)")
    asyncio.run(run())


if __name__ == "__main__":
    main()
