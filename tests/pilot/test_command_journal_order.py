"""The block of a command shows as finished before its end is journaled; the journal still
reads each command's input, start, output and end before the next command's."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual import events

from conch.sessions import events as ev
from conch.tui.widgets.command_block import CommandBlock
from tests.pilot.conftest import submit, wait_for, wait_for_shell
from tests.pilot.test_privacy import journaled, journaled_app


async def at_once_when(predicate: Callable[[], bool], timeout: float = 15) -> None:
    """Return on the first turn of the event loop where ``predicate()`` holds (wait_for
    looks every 20 ms: too late to catch what follows at once)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {predicate}"
        await asyncio.sleep(0)


async def test_commands_typed_back_to_back_are_journaled_one_after_the_other(
    project_dir: Path, tmp_path: Path
) -> None:
    app = journaled_app(project_dir, tmp_path)
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "!echo one")
        for ran, word in enumerate(("two", "three"), start=1):
            # The next line goes in the moment the last block shows finished, as Enter does.
            await at_once_when(
                lambda ran=ran: app.shell.bash.commands_run == ran and not app.shell.running_block
            )
            app.prompt_bar.input.value = f"!echo {word}"
            app.post_message(events.Key("enter", "\r"))
            await at_once_when(lambda ran=ran: app.shell.bash.commands_run == ran + 1)
        await wait_for(pilot, lambda: app.shell.running_block is None)
        await wait_for(pilot, lambda: len(app.query(CommandBlock)) == 3)
        await wait_for(
            pilot, lambda: sum(event.kind == ev.SHELL_END for event in journaled(app)) == 3
        )
        order = [
            (event.kind, event.payload.get("text") or event.payload.get("command") or "")
            for event in journaled(app)
            if event.kind in (ev.USER_INPUT, ev.SHELL_START, ev.SHELL_END)
        ]
        expected = []
        for word in ("one", "two", "three"):
            expected += [
                (ev.USER_INPUT, f"!echo {word}"),
                (ev.SHELL_START, f"echo {word}"),
                (ev.SHELL_END, ""),
            ]
        assert order == expected
