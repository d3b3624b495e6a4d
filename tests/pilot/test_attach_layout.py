"""`conch attach`'s window on a real host: what is typed, a command run and the shared
state's updates cost no layout of the whole screen beyond the command's own block (each
layout redoes every mounted block: ~10 ms with 40 of them, before the block could show); and
a queued prompt shows in the queue line as typed.

Layout requests are counted where they are made (the widget's ``refresh(layout=True)``), not
timed, so the checks do not depend on the machine's load.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widget import Widget

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp
from conch.clients.attach.tui.prompt_row import QueueLine
from conch.tui.widgets.command_block import CommandBlock
from tests.pilot.conftest import shown_text, wait_for
from tests.pilot.test_attach_app_agent import SIZE, attached, project  # noqa: F401


def layouts_asked(monkeypatch: pytest.MonkeyPatch, widget: Widget) -> list[str]:
    """Each layout ``widget`` asks for from now on (by whom: the widget's class)."""
    asked: list[str] = []
    refresh = widget.refresh

    def counted(*regions: object, layout: bool = False, **options: bool) -> Widget:
        if layout:
            asked.append(type(widget).__name__)
        return refresh(*regions, layout=layout, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(widget, "refresh", counted)
    return asked


def finished_blocks(app: AttachApp, command: str) -> int:
    return sum(1 for block in app.query(CommandBlock)
               if block.command == command and block.result is not None)  # fmt: skip


async def test_typing_and_running_a_command_lay_out_nothing_but_its_block(
    project: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "!true"
        await pilot.press("enter")
        await wait_for(pilot, lambda: finished_blocks(app, "true") == 1)
        asked = layouts_asked(monkeypatch, app.prompt)
        asked += layouts_asked(monkeypatch, app.query_one(QueueLine))
        await pilot.press(*"!true")
        assert app.prompt.value == "!true"
        await pilot.press("enter")
        # The shared state changes at the command's start and end; its queue stays empty.
        await wait_for(pilot, lambda: finished_blocks(app, "true") == 2)
        await wait_for(pilot, lambda: app.prompt.value == "")
        assert asked == [], "the prompt line and the queue line only repaint"
        assert "✓" in shown_text(app.query(CommandBlock).last())


async def test_a_queued_prompt_shows_as_typed_and_goes_when_it_runs(
    project: Path,  # noqa: F811
) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        line = app.query_one(QueueLine)
        app.prompt.value = "?wait"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "✦ wait" in shown_text(app.view), timeout=30)
        app.prompt.value = "?run [b]this[/b] later"
        await pilot.press("enter")
        await wait_for(pilot, lambda: line.display, timeout=30)
        assert "1. run [b]this[/b] later" in str(line.render()), "shown as typed, not as markup"
        await pilot.press("escape")  # the running turn stops; the queued prompt runs
        await wait_for(pilot, lambda: not line.display, timeout=30)
        assert str(line.render()) == ""
