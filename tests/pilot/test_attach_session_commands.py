"""/rename and /new in `conch attach`'s window, on a real host: a title given in one window
shows in every attached window's status line; /new leaves the session running in the host
and shows a new, empty one in the same window."""

from __future__ import annotations

import json
from pathlib import Path

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp
from conch.tui.widgets.command_block import CommandBlock
from tests.host.conch_process import conch
from tests.pilot.conftest import shown_text, wait_for
from tests.pilot.test_attach_app_agent import SIZE, attached, project  # noqa: F401
from tests.pilot.test_attach_slash import status, submit, toasts


async def test_rename_shows_in_every_attached_window(project: Path) -> None:  # noqa: F811
    one = AttachApp(HostLink(str(project), name="one"))
    async with one.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(one))
        two = AttachApp(HostLink(str(project), session=one.link.session, name="two"))
        async with two.run_test(size=SIZE) as pilot_two:
            await wait_for(pilot_two, lambda: attached(two))
            await submit(pilot, one, "/rename")
            await wait_for(pilot, lambda: "/rename needs a title: /rename fix" in toasts(one))
            assert "“" not in status(one), "nothing was sent"
            await submit(pilot, one, "/rename fix [b]the[/b] login tests")
            await wait_for(pilot_two, lambda: "“fix [b]the[/b] login tests”" in status(two))
            await wait_for(pilot, lambda: "“fix [b]the[/b] login tests”" in status(one))
            assert "now called “fix [b]the[/b] login tests”" in toasts(one)
            assert not one.query(CommandBlock), "no /command went to bash"
    listed = json.loads(conch("ps", "--json").stdout)
    assert [row["title"] for row in listed] == ["fix [b]the[/b] login tests"]


async def test_new_leaves_the_session_running_and_shows_an_empty_new_one(
    project: Path,  # noqa: F811
) -> None:
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        await submit(pilot, app, "!echo old-session-line")
        await wait_for(pilot, lambda: "old-session-line" in shown_text(app.view))
        await wait_for(pilot, lambda: not app.view.is_running)
        old = app.link.session
        assert old is not None

        await submit(pilot, app, "/new")

        await wait_for(pilot, lambda: app.link.session not in (None, old) and attached(app))
        new = app.link.session
        assert new is not None and new[:8] in status(app) and old[:8] not in status(app)
        await wait_for(pilot, lambda: f"Left session {old[:8]}: it goes on in the host"
                       in shown_text(app.view))  # fmt: skip
        assert "Left session" not in toasts(app), "said in the conversation, covering nothing"
        assert not app.query(CommandBlock) and "old-session-line" not in shown_text(app.view)
        live = {row["id"] for row in json.loads(conch("ps", "--json").stdout)}
        assert live == {old, new}, "the old session goes on in the host"
        await submit(pilot, app, "!echo fresh-line")
        await wait_for(pilot, lambda: "fresh-line" in shown_text(app.view))
        assert len(app.query(CommandBlock)) == 1
