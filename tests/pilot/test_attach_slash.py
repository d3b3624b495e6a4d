"""Conch's own /commands in `conch attach`'s window, on a real host with the fake ACP agent:
/agents NAME switches the session's agent (every client's status line says it), /mode
switches this window's mode, and /help lists the window's commands instead of going to bash
as a path."""

from __future__ import annotations

import json
from pathlib import Path

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp, StatusLine
from conch.tui.widgets.command_block import CommandBlock
from conch_plugins.shell_mode.modes import ExecutionMode
from tests.host.conch_process import conch
from tests.peers.fake_agents import fake_acp_command, write_fake_acp_config
from tests.pilot.conftest import shown_text, wait_for
from tests.pilot.test_attach_app_agent import SIZE, attached, project  # noqa: F401


def status(app: AttachApp) -> str:
    return str(app.query_one(StatusLine).render())


def toasts(app: AttachApp) -> str:
    return "\n".join(str(note.message) for note in app._notifications)


async def submit(pilot: object, app: AttachApp, line: str) -> None:
    app.prompt.value = line
    await app.prompt.action_submit()


async def test_agents_name_switches_the_session_agent_for_every_client(project: Path) -> None:  # noqa: F811
    conch("host", "stop")  # the host reads the configuration when it starts
    second = json.dumps(fake_acp_command())
    write_fake_acp_config(more=f'\n[agents.second]\nkind = "acp"\ncommand = {second}\n')
    first = AttachApp(HostLink(str(project), name="one"))  # starts the host
    async with first.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(first), timeout=30)
        await wait_for(pilot, lambda: "agent fake" in status(first))  # the shared state
        await submit(pilot, first, "/agents second")
        await wait_for(pilot, lambda: "agent second" in status(first))
        # Said in the conversation, as the app's /agents NAME says it.
        await wait_for(pilot, lambda: "The next prompt goes to second." in shown_text(first.view))
        await submit(pilot, first, "/agents no-such-agent")
        await wait_for(pilot, lambda: "No agent named 'no-such-agent'. Known: " in
                       shown_text(first.view))  # fmt: skip
        assert "second" in shown_text(first.view).split("No agent named")[-1], "which exist"
        assert "no-such-agent" not in toasts(first), "said once, in the conversation"
        assert "agent second" in status(first), "an unknown name changes nothing"
        assert not first.query(CommandBlock), "no /command went to bash"


async def test_mode_and_help_in_the_window_say_what_they_do(project: Path) -> None:  # noqa: F811
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        await submit(pilot, app, "/mode shell")
        await wait_for(pilot, lambda: app.mode_provider.mode is ExecutionMode.SHELL)
        await submit(pilot, app, "/mode agent")  # Shell mode: a /command goes to bash …
        await wait_for(pilot, lambda: len(app.query(CommandBlock)) == 1)
        await wait_for(pilot, lambda: "✗" in shown_text(app.query_one(CommandBlock)))
        assert app.mode_provider.mode is ExecutionMode.SHELL
        await submit(pilot, app, "/mode")  # … and so does a bare /mode
        await wait_for(pilot, lambda: len(app.query(CommandBlock)) == 2 and not app.view.is_running)
        app.mode_provider.mode = ExecutionMode.AUTO
        await submit(pilot, app, "/help")
        await wait_for(pilot, lambda: "/agents [NAME]" in toasts(app))
        assert len(app.query(CommandBlock)) == 2, "nothing more ran in the shell"
