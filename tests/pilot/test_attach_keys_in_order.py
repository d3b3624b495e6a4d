"""Keys typed in a burst in `conch attach`'s window, on a real host, go where they were meant:
those typed after Ctrl+O, before the picker shows (the window asks the host which sessions
are live first), are the picker's, and an Esc among them means it does not show."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import TextArea

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp
from conch.host.client import HostConnection
from conch.tui.widgets.ask_choice import AskChoice
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.paste_review import PasteReview
from conch.tui.widgets.session_picker import SessionPicker
from conch_plugins.shell_mode.modes import ExecutionMode
from tests.host.conftest import clients  # noqa: F401
from tests.pilot.conftest import shown_text, wait_for
from tests.pilot.test_attach_app_agent import (  # noqa: F401
    SIZE,
    attached,
    permission_box,
    project,
    reject_with_tab_then_2,
)
from tests.pilot.test_attach_sessions import session_with_line


def hold_live_sessions(app: AttachApp, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """The host's answer to "which sessions are live" comes only once the event is set."""
    gate = asyncio.Event()
    ask = app.link.live_sessions

    async def slow() -> list[dict[str, Any]]:
        await gate.wait()
        return await ask()

    monkeypatch.setattr(app.link, "live_sessions", slow)
    return gate


def burst(app: AttachApp, *keys: str) -> None:
    """All keys queued at once, as a fast typist's or a terminal's burst arrives."""
    for key in keys:
        character = " " if key == "space" else key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


async def test_keys_typed_before_the_picker_shows_are_its_own(
    project: Path,  # noqa: F811
    clients: list[HostConnection],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl+O x Down Enter in one go: the letter is not typed in the prompt, Down and Enter
    are not history and a submitted line: the picker opens the session below this one."""
    other = await session_with_line(clients, project, "line-of-other", keep=True)
    app = AttachApp(HostLink(str(project), name="one", new=True))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        mine = app.link.session
        gate = hold_live_sessions(app, monkeypatch)

        burst(app, "ctrl+o", "x", "down", "enter")

        await pilot.pause(0.1)
        assert not isinstance(app.screen, SessionPicker), "the host has not answered yet"
        assert app.prompt.value == "", "no key of the burst went to the prompt"
        gate.set()

        await wait_for(pilot, lambda: app.link.session == other and attached(app))
        await wait_for(pilot, lambda: "line-of-other" in shown_text(app.view))
        assert app.prompt.value == "" and mine != other
        assert not any(block.command == "x" for block in app.query(CommandBlock))
        await pilot.press("y")
        assert app.prompt.value == "y", "the keys go to the prompt again"


async def test_escape_typed_before_the_picker_shows_closes_it_and_later_keys_go_to_the_prompt(
    project: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        session = app.link.session
        gate = hold_live_sessions(app, monkeypatch)

        burst(app, "ctrl+o", "down", "escape", "o", "k")

        await wait_for(pilot, lambda: app.prompt.value == "ok")
        gate.set()
        await pilot.pause(0.2)
        assert not isinstance(app.screen, SessionPicker), "Esc closed it before it showed"
        assert app.focused is app.prompt and app.link.session == session
        await pilot.press("!")
        assert app.prompt.value == "ok!"


def keys_of(text: str) -> list[str]:
    """Key names for typing ``text``."""
    return [{" ": "space"}.get(character, character) for character in text]


async def test_keys_in_the_paste_review_act_in_the_order_typed_and_after_ctrl_s_go_to_the_prompt(
    project: Path,  # noqa: F811
) -> None:
    """In one burst: Down, End, a word, Backspace, Enter, a line, Ctrl+S, more letters. The
    arrows and Backspace edit where the letters before them left the cursor, Ctrl+S sends
    the text so edited, and the letters after it are typed in the prompt."""
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.mode_provider.mode = ExecutionMode.SHELL
        app.prompt.post_message(events.Paste("echo one\necho two"))
        await wait_for(pilot, lambda: isinstance(app.screen, PasteReview))
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))

        burst(app, "down", "end", *keys_of(" 2x"), "backspace", "enter",
              *keys_of("echo three"), "ctrl+s", *keys_of("echo four"))  # fmt: skip

        await wait_for(pilot, lambda: not isinstance(app.screen, PasteReview))
        await wait_for(pilot, lambda: "✓ 0" in shown_text(app.view))
        output = [line.removeprefix("▌ ") for line in shown_text(app.view).splitlines()]
        assert output[-4:-1] == ["one", "two 2", "three"], output
        await wait_for(pilot, lambda: app.prompt.value == "echo four")
        assert app.focused is app.prompt


async def test_keys_typed_before_a_permission_box_appears_never_answer_it(
    project: Path,  # noqa: F811
) -> None:
    """`?gate`, Enter, then Tab and answer keys in the same burst, all typed before the
    agent asks: they are the prompt's. The box that then appears stays open, unanswered,
    until Tab and a key given once it is there."""
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))

        burst(app, *keys_of("?gate"), "enter", "tab", "y", "1", "a")

        box = await permission_box(app, pilot)
        await wait_for(pilot, lambda: app.prompt.value.endswith("y1a"))
        assert app.focused is app.prompt and box.is_open and not box.sent
        await reject_with_tab_then_2(app, pilot)


async def test_a_tab_typed_before_the_box_appeared_does_not_give_it_the_keys(
    project: Path,  # noqa: F811
) -> None:
    """A Tab typed just before the box appeared, handled just after (the window was busy):
    it is not the user's act for a box they had not seen, so the `y` after it is typed in the
    prompt and answers nothing."""
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "?gate"
        typed_before = time.monotonic()
        await pilot.press("enter")
        box = await permission_box(app, pilot)

        late_tab = events.Key("tab", None)
        late_tab.time = typed_before  # typed before the box was there
        app.post_message(late_tab)
        app.post_message(events.Key("y", "y"))

        await wait_for(pilot, lambda: app.prompt.value.endswith("y"))
        assert app.focused is app.prompt and box.is_open and not box.sent
        await reject_with_tab_then_2(app, pilot)


async def test_tab_an_answer_and_a_line_in_one_burst_each_go_where_they_were_meant(
    project: Path,  # noqa: F811
) -> None:
    """With the box there: Tab, 2, then a line typed on, in one burst. Tab gives the box the
    keys, 2 rejects, and the letters after it are the prompt's, in the order typed."""
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "?gate"
        await pilot.press("enter")
        await permission_box(app, pilot)

        burst(app, "tab", "2", *keys_of("echo after"), "backspace", "left", "x")

        await wait_for(pilot, lambda: "Reject: Edit notes.txt" in shown_text(app.view))
        await wait_for(pilot, lambda: app.prompt.value == "echo aftxe")
        assert app.focused is app.prompt
        await wait_for(pilot, lambda: "outcome=reject" in shown_text(app.view), timeout=30)


async def test_the_route_question_takes_tab_and_its_key_in_a_burst_and_the_rest_is_typed(
    project: Path,  # noqa: F811
) -> None:
    """Auto mode asks about `true`; then Tab, s and a new line with an edit in one burst: s
    runs `true` in the shell, and the line after it is typed, edited in order, in the
    prompt."""
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "true"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.query(AskChoice)) == 1)

        burst(app, "tab", "s", *keys_of("lx"), "backspace", "s")

        await wait_for(pilot, lambda: "true  → ran in the shell" in shown_text(app.view))
        await wait_for(pilot, lambda: app.prompt.value == "ls")
        assert app.focused is app.prompt
        await wait_for(pilot, lambda: "✓ 0" in shown_text(app.view))
