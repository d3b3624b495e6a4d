"""The attach view when a full-screen program runs in another client: its running block says
so in one line, also when the host said it before the block was built, and stops saying it
when the program ends."""

from __future__ import annotations

from textual.app import App

from conch.clients.attach.tui.session_view import SessionView
from conch.sessions import events as ev
from tests.pilot.conftest import wait_for
from tests.pilot.test_attach_session_view import Journal, ViewApp, blocks

ELSEWHERE = "vim is running in another client"


async def test_the_running_block_says_where_vim_runs_until_it_ends() -> None:
    journal = Journal()
    running = journal.command("vim notes.txt", status=None)
    app: App[None] = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        view.show_history(running)
        await pilot.pause()
        view.show_full_screen("vim")
        await wait_for(pilot, lambda: ELSEWHERE in blocks(app)[0])
        view.show_full_screen(None)
        await wait_for(pilot, lambda: ELSEWHERE not in blocks(app)[0])
        assert "running…" in blocks(app)[0]


async def test_a_block_built_after_the_notice_says_it_too_and_its_end_clears_it() -> None:
    journal = Journal()
    app: App[None] = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        view.show_history([])
        view.show_full_screen("less")  # the notice came before the command's events
        view.add_events(journal.command("less log.txt", status=None))
        await wait_for(pilot, lambda: "less is running in another client" in blocks(app)[0])
        view.show_full_screen(None)
        end = ev.shell_end(0, "/w", duration=1.0)
        view.add_events([journal.add(ev.SHELL_END, ev.SHELL, end)])
        await wait_for(pilot, lambda: "✓ 0" in blocks(app)[0])
        assert "another client" not in blocks(app)[0]
