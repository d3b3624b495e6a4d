"""`conch attach`'s window has the app's conversation keys, under Pilot on a real host: PageUp
and Ctrl+End, a view scrolled up that output from another client does not move, Ctrl+Y
copies a block, Ctrl+C copies a selection (and otherwise still interrupts or clears), the
palette and the footer offer them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from textual.geometry import Offset
from textual.pilot import Pilot
from textual.selection import Selection

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp, StatusLine
from conch.host.client import HostConnection
from conch.host.runtime import host_places
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.more_below import MoreBelow
from tests.host.conch_process import conch
from tests.pilot.conftest import wait_for

SIZE = (100, 30)


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project dir (~/project: a block's header fits one row) and a host of its own (a
    private runtime dir holds its socket)."""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    where = isolated_home / "project"
    where.mkdir()
    started = conch("host")
    assert started.returncode == 0, started.stderr
    yield where
    conch("host", "stop")


@pytest.fixture
async def laptop(project: Path) -> AsyncIterator[HostConnection]:
    """Another controller of the host, whose commands are output arriving from elsewhere."""
    connection = await HostConnection.open(host_places().socket, "controller", "laptop")
    yield connection
    await connection.close()


def attached(app: AttachApp) -> bool:
    return "● attached to" in str(app.query_one(StatusLine).render())


def footer_keys(app: AttachApp) -> dict[str, str]:
    """What the footer offers: key → description, for the bindings it shows."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


def last_block_done(app: AttachApp, command: str) -> bool:
    """Whether the newest block is ``command``'s and finished (old blocks fold away, so
    counting them says nothing)."""
    blocks = app.query(CommandBlock)
    if not blocks or app.view.is_running:
        return False
    last = blocks.last()
    return last.command == command and last.result is not None


def more_below(app: AttachApp) -> MoreBelow:
    return app.query_one(MoreBelow)


async def run_here(app: AttachApp, pilot: Pilot[None], line: str) -> None:
    """Type a shell line at the attach prompt (the fast way) and wait for its block to end."""
    app.prompt.value = f"!{line}"
    await pilot.press("enter")
    await wait_for(pilot, lambda: last_block_done(app, line))


async def test_page_up_holds_the_view_while_output_arrives_and_ctrl_end_returns(
    project: Path, laptop: HostConnection
) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        for n in range(60):
            await run_here(app, pilot, f"echo output-{n}")
        conversation = app.view.conversation
        await wait_for(pilot, lambda: "pageup" in footer_keys(app))
        assert conversation.is_following and not more_below(app).display

        await pilot.press("pageup")
        await wait_for(pilot, lambda: more_below(app).display)
        assert not conversation.is_following
        top, below = conversation.scroll_y, conversation.rows_below
        assert top < conversation.max_scroll_y and below > 20

        # Another client runs a command: its block grows below the view, which stays put.
        await laptop.request("attach", session=app.link.session)
        await laptop.request("submit", line="seq 1 30", mode="shell")
        await wait_for(pilot, lambda: last_block_done(app, "seq 1 30"))
        await wait_for(pilot, lambda: conversation.rows_below >= below + 30)
        assert conversation.scroll_y == top and not conversation.is_following

        def marker_counts_them() -> bool:  # the line is redrawn a frame after the view grows
            said = str(more_below(app).render())
            return f"↓ {conversation.rows_below} more lines below" in said

        await wait_for(pilot, marker_counts_them)
        assert conversation.scroll_y == top

        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: not more_below(app).display)
        assert conversation.is_following
        assert conversation.scroll_y == conversation.max_scroll_y

        await pilot.press("ctrl+y")
        assert app.clipboard == "$ seq 1 30\n" + "\n".join(str(n) for n in range(1, 31))


async def test_ctrl_page_up_ctrl_home_and_ctrl_y_on_the_block_being_read(project: Path) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        await run_here(app, pilot, "echo before")
        await run_here(app, pilot, "seq 1 100")
        await run_here(app, pilot, "echo after")
        conversation = app.view.conversation
        blocks = list(app.query(CommandBlock))
        await pilot.press("ctrl+y")
        assert app.clipboard == "$ echo after\nafter"
        await pilot.press("ctrl+pageup")  # to where seq's output begins
        assert conversation.scroll_y == blocks[1].virtual_region.y
        await pilot.press("ctrl+y")
        assert app.clipboard == "$ seq 1 100\n" + "\n".join(str(n) for n in range(1, 101))
        await pilot.press("ctrl+home")
        assert conversation.scroll_y == 0 and not conversation.is_following
        # Down block by block (a notice may stand above the commands) to where seq begins,
        # then past it: "echo after" is on the last page, so the view follows again.
        for _ in range(3):
            await pilot.press("ctrl+pagedown")
            if conversation.scroll_y == blocks[1].virtual_region.y:
                break
        assert conversation.scroll_y == blocks[1].virtual_region.y
        await pilot.press("ctrl+pagedown")
        assert conversation.is_following


async def test_ctrl_c_copies_a_selection_and_otherwise_clears_or_interrupts(
    project: Path,
) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        await run_here(app, pilot, "printf 'alpha one\\nbeta two\\ngamma three\\n'")
        block = app.query(CommandBlock).last()
        assert footer_keys(app)["ctrl+c"] == "Interrupt/Clear"
        app.screen.selections = {block: Selection(Offset(6, 1), Offset(5, 3))}
        await pilot.pause()
        assert footer_keys(app)["ctrl+c"] == "Copy"
        app.prompt.value = "half typed"
        await pilot.press("ctrl+c")
        assert app.clipboard == "one\nbeta two\ngamma"
        assert app.prompt.value == "half typed" and not app.screen.selections
        await pilot.pause()
        assert footer_keys(app)["ctrl+c"] == "Interrupt/Clear"
        await pilot.press("ctrl+c")  # nothing selected: the prompt is cleared, as before
        assert app.prompt.value == ""

        app.prompt.value = "!sleep 30"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.view.is_running)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: last_block_done(app, "sleep 30"))
        assert app.clipboard == "one\nbeta two\ngamma"


async def test_the_palette_offers_scrolling_and_copying(project: Path) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ["Scroll up a page", "Scroll down a page", "Scroll to the previous block",
                      "Scroll to the next block", "Scroll to the top",
                      "Scroll to the bottom", "Copy block", "Copy selected text"]:  # fmt: skip
            assert title in titles
        await run_here(app, pilot, "echo palette")
        copy = next(c for c in app.get_system_commands(app.screen) if c.title == "Copy block")
        copy.callback()
        assert app.clipboard == "$ echo palette\npalette"


async def test_the_footer_lists_the_keys_and_an_observer_sees_only_its_own(
    project: Path, laptop: HostConnection
) -> None:
    session = (await laptop.request("attach", cwd=str(project)))["session"]
    link = HostLink(str(project), session=session, role="observer", name="watcher")
    app = AttachApp(link)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        keys = footer_keys(app)
        assert keys["ctrl+q"] == "Quit" and keys["ctrl+d"] == "EOF/Detach"
        assert "ctrl+c" not in keys and "escape" not in keys, "an observer interrupts nothing"
        await laptop.request("submit", line="seq 1 100", mode="shell")
        await wait_for(pilot, lambda: last_block_done(app, "seq 1 100"))
        await wait_for(pilot, lambda: "pageup" in footer_keys(app))
        await pilot.press("pageup")  # an observer reads back too
        await wait_for(pilot, lambda: more_below(app).display)
