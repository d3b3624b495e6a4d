"""Sessions from inside `conch attach`'s window, on a real host: Ctrl+O lists this journal's
sessions with the host's live ones marked (state, clients); choosing one by keys moves the
window to it (the one left goes on in the host; a stored one is revived) and shows only its
lines. /fork and the picker's `f` fork through the host and move the window to the fork;
an observer's fork is refused with the reason. The picker's rename and delete go through the
host: a live session is renamed, a stored one deleted, a live one's delete refused."""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp
from conch.host.client import HostConnection
from conch.host.runtime import host_places
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from conch.tui.widgets.fork_picker import ForkPicker
from conch.tui.widgets.session_picker import SessionPicker
from tests.host.conch_process import conch
from tests.host.conftest import clients  # noqa: F401
from tests.host.test_host_sessions import events_until, is_kind
from tests.pilot.conftest import shown_text, wait_for
from tests.pilot.test_attach_app_agent import SIZE, attached, project  # noqa: F401
from tests.pilot.test_attach_conversation_keys import footer_keys
from tests.pilot.test_attach_slash import status, submit, toasts


async def session_with_line(
    opened: list[HostConnection], cwd: Path, line: str, *, keep: bool
) -> str:
    """A new session in the host that ran ``echo line``: kept live (this client stays
    attached) or stopped (stored only)."""
    connection = await HostConnection.open(host_places().socket, role="controller")
    opened.append(connection)
    reply = await connection.request("attach", role="controller", cwd=str(cwd), new=True)
    await connection.request("submit", line=f"echo {line}")
    await events_until(connection, is_kind("shell_end"))
    if not keep:
        stopped = await connection.request("detach", stop_if_idle=True)
        assert stopped["stopped"], stopped
    return str(reply["session"])


async def stored_and_live(opened: list[HostConnection], cwd: Path) -> tuple[str, str]:
    """Two sessions besides the window's: one stopped (stored only), one the host runs."""
    stored = await session_with_line(opened, cwd, "line-of-stored", keep=False)
    return stored, await session_with_line(opened, cwd, "line-of-live", keep=True)


def live_ids() -> set[str]:
    return {row["id"] for row in json.loads(conch("ps", "--json").stdout)}


def picker_of(app: AttachApp) -> SessionPicker | None:
    screen = app.screen
    return screen if isinstance(screen, SessionPicker) and screen.summaries else None


def row_text(picker: SessionPicker, session: str) -> str:
    index = [summary.record.id for summary in picker.summaries].index(session)
    return str(picker.options.get_option_at_index(index).prompt)


async def highlight(pilot: Pilot[None], picker: SessionPicker, session: str) -> None:
    """Arrow keys from the highlighted row down or up to ``session``."""
    target = [summary.record.id for summary in picker.summaries].index(session)
    now = picker.options.highlighted or 0
    for _ in range(abs(target - now)):
        await pilot.press("down" if target > now else "up")
    await wait_for(pilot, lambda: picker.options.highlighted == target)


async def choose(pilot: Pilot[None], picker: SessionPicker, session: str) -> None:
    """Arrow keys to ``session``, then Enter."""
    await highlight(pilot, picker, session)
    await pilot.press("enter")


async def test_ctrl_o_lists_live_and_stored_sessions_and_opens_the_chosen_one(
    project: Path,  # noqa: F811
    clients: list[HostConnection],  # noqa: F811
) -> None:
    stored, live = await stored_and_live(clients, project)
    app = AttachApp(HostLink(str(project), name="one", new=True))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        await submit(pilot, app, "!echo line-of-mine")
        await wait_for(pilot, lambda: "line-of-mine" in shown_text(app.view))
        mine = app.link.session
        assert mine is not None

        await pilot.press("ctrl+o")

        await wait_for(pilot, lambda: picker_of(app) is not None)
        picker = picker_of(app)
        assert picker is not None and len(picker.summaries) == 3
        assert "open here · live · idle · 1 client" in row_text(picker, mine)
        assert "live · idle · 1 client" in row_text(picker, live)
        assert "live" not in row_text(picker, stored), "a stored session is not marked live"
        await choose(pilot, picker, live)

        await wait_for(pilot, lambda: app.link.session == live and attached(app))
        await wait_for(pilot, lambda: "line-of-live" in shown_text(app.view))
        assert "line-of-mine" not in shown_text(app.view)
        assert live[:8] in status(app)
        assert live_ids() == {mine, live}, "the session left goes on in the host"

        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: picker_of(app) is not None)
        picker = picker_of(app)
        assert picker is not None
        assert "open here · live · idle · 2 clients" in row_text(picker, live)
        await choose(pilot, picker, stored)

        await wait_for(pilot, lambda: app.link.session == stored and attached(app))
        await wait_for(pilot, lambda: "line-of-stored" in shown_text(app.view))
        assert "line-of-live" not in shown_text(app.view)
        assert live_ids() == {mine, live, stored}, "the host revived the stored session"
        await submit(pilot, app, "!echo typed-in-stored")
        await wait_for(pilot, lambda: "typed-in-stored" in shown_text(app.view))


async def test_escape_closes_the_picker_and_the_window_stays(project: Path) -> None:  # noqa: F811
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        session = app.link.session
        await submit(pilot, app, "/sessions")
        await wait_for(pilot, lambda: picker_of(app) is not None)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SessionPicker))
        await wait_for(pilot, lambda: app.focused is app.prompt)
        await pilot.press("x")
        assert app.prompt.value == "x", "the keys go to the prompt again"
        assert app.link.session == session and attached(app)


async def test_fork_at_a_chosen_turn_moves_the_window_to_the_fork(project: Path) -> None:  # noqa: F811
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        for word in ("first-one", "second-two"):
            await submit(pilot, app, f"!echo {word}")
            await wait_for(pilot, lambda w=word: "$ echo " + w in shown_text(app.view))
            await wait_for(pilot, lambda: not app.view.is_running)
        original = app.link.session
        assert original is not None

        await submit(pilot, app, "/fork")
        await wait_for(pilot, lambda: isinstance(app.screen, ForkPicker))
        await pilot.press("down")  # newest first: the first command is the second row
        await pilot.press("enter")

        await wait_for(pilot, lambda: app.link.session not in (None, original) and attached(app))
        await wait_for(pilot, lambda: "first-one" in shown_text(app.view))
        assert "second-two" not in shown_text(app.view), "the fork ends at the chosen turn"
        await wait_for(pilot, lambda: f"Left session {original[:8]}" in shown_text(app.view))
        assert "Left session" not in toasts(app), "said in the conversation, covering nothing"
        fork = app.link.session
        assert fork is not None and live_ids() == {original, fork}

        await pilot.press("ctrl+o")  # the picker's f forks the highlighted (current) one
        await wait_for(pilot, lambda: picker_of(app) is not None)
        await pilot.press("f")
        await wait_for(pilot, lambda: app.link.session not in (None, fork) and attached(app))
        await wait_for(pilot, lambda: "first-one" in shown_text(app.view))
        second_fork = app.link.session
        assert second_fork is not None and live_ids() == {original, fork, second_fork}


async def test_an_observer_is_told_it_cannot_fork(project: Path) -> None:  # noqa: F811
    one = AttachApp(HostLink(str(project), name="one"))
    async with one.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(one))
        session = one.link.session
        watcher = AttachApp(HostLink(str(project), session=session, role="observer", name="w"))
        async with watcher.run_test(size=SIZE) as watching:
            await wait_for(watching, lambda: attached(watcher))
            await watching.press("ctrl+o")
            await wait_for(watching, lambda: picker_of(watcher) is not None)
            await watching.press("f")
            await wait_for(watching, lambda: "Not forked: this client is attached as an "
                           "observer" in toasts(watcher))  # fmt: skip
            assert watcher.link.session == session and attached(watcher)
            assert live_ids() == {session}


async def test_the_footer_and_the_palette_offer_sessions_and_fork(project: Path) -> None:  # noqa: F811
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        await wait_for(pilot, lambda: footer_keys(app).get("ctrl+o") == "Sessions")
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Sessions" in commands
        commands["Fork this session"].callback()
        await wait_for(pilot, lambda: isinstance(app.screen, ForkPicker))
        await wait_for(pilot, lambda: "Nothing to fork yet" in shown_text(app.screen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is app.prompt)
        commands["Sessions"].callback()
        await wait_for(pilot, lambda: picker_of(app) is not None)


async def test_a_line_entered_while_the_window_moves_stays_in_the_prompt(
    project: Path,  # noqa: F811
) -> None:
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        old = app.link.session
        await app.window_sessions.move_to(None)  # as /new, the picker and /fork do
        app.prompt.value = "!echo typed-early"
        await app.submitted(Input.Submitted(app.prompt, "!echo typed-early"))  # not attached yet

        assert app.prompt.value == "!echo typed-early", "the line is kept"
        await wait_for(
            pilot, lambda: "Still attaching: the line stays in the prompt" in toasts(app)
        )
        await wait_for(pilot, lambda: app.link.session not in (None, old) and attached(app))
        assert "went away" not in status(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "typed-early" in shown_text(app.view))
        assert app.prompt.value == ""


def picker_message(picker: SessionPicker) -> str:
    return str(picker.query_one(".session-picker--message", Static).render())


async def test_the_picker_renames_a_live_session_through_the_host_and_deletes_a_stored_one(
    project: Path,  # noqa: F811
    clients: list[HostConnection],  # noqa: F811
) -> None:
    stored, live = await stored_and_live(clients, project)
    app = AttachApp(HostLink(str(project), name="one", new=True))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: picker_of(app) is not None)
        picker = picker_of(app)
        assert picker is not None

        await highlight(pilot, picker, live)
        await pilot.press("r", *"deploy", "space", *"fix", "enter")

        await wait_for(pilot, lambda: "Renamed" in picker_message(picker))
        assert picker_message(picker).endswith("to “deploy fix”.")
        await wait_for(pilot, lambda: "deploy fix" in row_text(picker, live))
        with Journal.open(journal_path()) as journal:
            assert journal.get_session(live).title == "deploy fix"
        listed = {row["id"]: row["title"] for row in json.loads(conch("ps", "--json").stdout)}
        assert listed[live] == "deploy fix", "the host's live session has the new title"

        await pilot.press("d")
        await wait_for(pilot, lambda: picker_message(picker).startswith("Delete"))
        await pilot.press("y")
        await wait_for(pilot, lambda: "running in the host" in picker_message(picker))
        assert "Ctrl+Q" in picker_message(picker)
        assert live in [summary.record.id for summary in picker.summaries]

        await highlight(pilot, picker, stored)
        await pilot.press("d")
        await wait_for(pilot, lambda: picker_message(picker).startswith("Delete"))
        await pilot.press("y")

        await wait_for(
            pilot, lambda: stored not in [summary.record.id for summary in picker.summaries]
        )
        with Journal.open(journal_path()) as journal:
            assert stored not in {summary.record.id for summary in journal.list_sessions()}
        assert live_ids() == {app.link.session, live}
