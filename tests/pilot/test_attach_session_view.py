"""The attach client's session view under Pilot: journal events in, the app's own widgets out.

Events are the journal's records as the host sends them (built with the journal's payload
builders); the view shows history on attach, then each live event changes one widget.
"""

from __future__ import annotations

from textual.app import App, ComposeResult

from conch.clients.attach.tui.session_view import LIVE_LIMIT, TRIM_COUNT, SessionView
from conch.sessions import events as ev
from conch.sessions.records import Event, JsonObject
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.conversation import Conversation
from conch.tui.widgets.earlier_items import EarlierItems
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.restored import RECENT_ITEMS
from tests.pilot.conftest import shown_text, wait_for


class Journal:
    """Numbered events, as one session's journal holds them."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, kind: str, sender: str, payload: JsonObject) -> Event:
        event = Event("s1", len(self.events), 100.0 + len(self.events), kind, sender, payload)
        self.events.append(event)
        return event

    def command(self, command: str, output: str = "", status: int | None = 0) -> list[Event]:
        added = [
            self.add(ev.USER_INPUT, ev.USER, ev.user_input(command, "shell", "/w")),
            self.add(ev.SHELL_START, ev.SHELL, ev.shell_start(command, "/w")),
        ]
        if output:
            added.append(self.add(ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(output)))
        if status is not None:
            end = ev.shell_end(status, "/w", duration=0.01)
            added.append(self.add(ev.SHELL_END, ev.SHELL, end))
        return added


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SessionView()


def blocks(app: App[None]) -> list[str]:
    return [shown_text(block) for block in app.query(CommandBlock)]


async def test_history_shows_finished_and_running_commands_and_the_running_one_streams() -> None:
    journal = Journal()
    journal.command("echo done-before", "done-before\n")
    journal.command("tail -f log", "first line\n", status=None)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        view.show_history(journal.events)
        await pilot.pause()
        shown = blocks(app)
        assert "done-before" in shown[0] and "✓ 0" in shown[0]
        assert "first line" in shown[1] and "running…" in shown[1]
        assert view.is_running
        view.add_events([journal.add(ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output("second\n"))])
        await wait_for(pilot, lambda: "second" in blocks(app)[1])
        view.add_events([journal.add(ev.SHELL_END, ev.SHELL, ev.shell_end(130, "/w",
                         duration=2.0, interrupted_by_user=True))])  # fmt: skip
        await wait_for(pilot, lambda: "exit 130 interrupted" in blocks(app)[-1])
        assert len(blocks(app)) == 2 and not view.is_running
        assert "first line" in blocks(app)[1] and "second" in blocks(app)[1]


async def test_live_commands_and_notices_are_added_below_the_history() -> None:
    journal = Journal()
    journal.command("true")
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        view.show_history(journal.events)
        view.add_events(journal.command("echo live", "live\n"))
        view.add_events([journal.add(ev.NOTICE, ev.CONCH, ev.notice("bash had exited", "warning"))])
        await pilot.pause()
        assert len(blocks(app)) == 2 and "live" in blocks(app)[1] and "✓ 0" in blocks(app)[1]
        notice = app.query_one(Notice)
        assert "bash had exited" in shown_text(notice) and notice.has_class("-warning")


async def test_a_long_history_mounts_its_recent_items_and_still_takes_live_ones() -> None:
    journal = Journal()
    for number in range(RECENT_ITEMS + 12):
        journal.command(f"echo n{number}", f"n{number}\n")
    journal.command("sleep 5", status=None)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        view.show_history(journal.events)
        await pilot.pause()
        assert len(app.query(EarlierItems)) == 1
        assert len(app.query(CommandBlock)) == RECENT_ITEMS
        view.add_events([journal.add(ev.SHELL_END, ev.SHELL, ev.shell_end(0, "/w",
                         duration=5.0))])  # fmt: skip
        await wait_for(pilot, lambda: "✓ 0" in blocks(app)[-1])
        assert "$ sleep 5" in blocks(app)[-1].splitlines()[0]


async def test_a_reattach_overlapping_the_history_shows_nothing_twice() -> None:
    journal = Journal()
    first = journal.command("echo once", "once\n")
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        view.show_history(journal.events)
        view.add_events(first)
        await pilot.pause()
        assert len(blocks(app)) == 1


async def test_a_live_command_that_ends_is_finished_in_place_not_rebuilt() -> None:
    """One widget for the command's whole life: the view lays out once at its end, not twice
    (a new widget mounted after the old one, and the old one removed)."""
    journal = Journal()
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        view.show_history([])
        view.add_events(journal.command("echo live", "live\n", status=None))
        await wait_for(pilot, lambda: "live" in "".join(blocks(app)))
        running = app.query_one(CommandBlock)
        view.add_events([journal.add(ev.SHELL_END, ev.SHELL, ev.shell_end(3, "/w", duration=0.2))])
        await wait_for(pilot, lambda: "✗ exit 3" in blocks(app)[0])
        assert app.query_one(CommandBlock) is running


async def test_a_long_live_session_folds_its_oldest_items_and_brings_them_back() -> None:
    journal = Journal()
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        view.show_history([])
        for number in range(LIVE_LIMIT + 1):
            view.add_events(journal.command(f"echo n{number}", f"n{number}\n"))
            await pilot.pause()
        await wait_for(pilot, lambda: len(app.query(EarlierItems)) == 1)
        mounted = len(app.query(CommandBlock))
        assert mounted == LIVE_LIMIT - TRIM_COUNT
        assert "$ echo n40 " in blocks(app)[-1] and "$ echo n16 " in blocks(app)[0]
        earlier = app.query_one(EarlierItems)
        assert earlier.hidden_count == LIVE_LIMIT + 1 - mounted
        view.add_events(journal.command("echo after-fold", "after-fold\n"))
        await wait_for(pilot, lambda: "after-fold" in blocks(app)[-1])
        conversation = app.query_one(Conversation)

        def scrolled_back_to_the_first() -> bool:
            conversation.scroll_home(animate=False)  # as a reader keeps scrolling up
            return any("$ echo n0 " in block for block in blocks(app))

        await wait_for(pilot, scrolled_back_to_the_first)
