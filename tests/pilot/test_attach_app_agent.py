"""`conch attach`'s window under Pilot, on a real host running the fake ACP agent (the real
protocol): keys typed at the prompt never answer a permission, Tab then a key does; the
host's "ask" keeps the line in the prompt; an observer's box takes no keys.

The agent's ``gate`` prompt asks permission and waits for the answer, so nothing here is
decided by sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp, StatusLine
from conch.clients.attach.tui.shared_permission import OBSERVER_KEYS, SharedPermission
from conch.host.client import HostConnection
from conch.host.runtime import host_places
from conch.tui.widgets.ask_choice import AskChoice
from conch.tui.widgets.command_block import CommandBlock
from tests.host.conch_process import conch
from tests.peers.fake_agents import write_fake_acp_config
from tests.pilot.conftest import shown_text, wait_for

SIZE = (120, 45)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project dir, and a host of its own whose sessions use the fake ACP agent."""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    where = tmp_path / "project"
    where.mkdir()
    write_fake_acp_config()
    started = conch("host")
    assert started.returncode == 0, started.stderr
    yield where
    conch("host", "stop")


def attached(app: AttachApp) -> bool:
    return "● attached to" in str(app.query_one(StatusLine).render())


async def permission_box(app: AttachApp, pilot: Any) -> SharedPermission:
    """The permission box the agent is waiting on, once it is drawn (seen by the user)."""
    await wait_for(pilot, lambda: app.view.waiting_permission() is not None, timeout=30)
    box = app.view.waiting_permission()
    assert box is not None
    await wait_for(pilot, lambda: "Tab, then:" in shown_text(box))
    return box


async def reject_with_tab_then_2(app: AttachApp, pilot: Any) -> None:
    """Tab gives the box the keys, 2 rejects; the agent hears it."""
    await pilot.press("tab", "2")
    await wait_for(pilot, lambda: "Reject: Edit notes.txt" in shown_text(app.view))
    await wait_for(pilot, lambda: "outcome=reject" in shown_text(app.view), timeout=30)


async def test_keys_at_the_prompt_never_answer_and_tab_then_a_key_does(project: Path) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "?gate"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.view.waiting_permission() is not None, timeout=30)
        box = app.view.waiting_permission()
        assert box is not None
        await pilot.press("y", "n", "1", "2", "a")
        assert app.prompt.value == "yn12a" and app.focused is app.prompt
        assert box.is_open and not box.sent, "no key typed at the prompt reached the box"
        await pilot.press("tab")
        assert app.focused is box
        assert "▶ keys go to this box" in shown_text(box)
        await pilot.press("2")
        assert app.focused is app.prompt, "the answer gives the keys back at once"
        # The box settles, then the turn ends and is shown whole: read the conversation. The
        # one window on the session answered: like the app, it names nobody.
        await wait_for(pilot, lambda: "Reject: Edit notes.txt" in shown_text(app.view))
        assert "(by pilot)" not in shown_text(app.view)
        assert app.focused is app.prompt and app.prompt.value == "yn12a"
        await wait_for(pilot, lambda: "outcome=reject" in shown_text(app.view), timeout=30)


async def test_an_ask_keeps_the_line_in_the_prompt_and_enter_again_runs_it(
    project: Path,
) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "true"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.query(AskChoice)) == 1)
        assert app.prompt.value == "true" and app.focused is app.prompt
        assert "Enter again: shell (recommended)" in shown_text(app.query_one(AskChoice))
        await pilot.press("enter")

        def ran() -> bool:
            return any("✓ 0" in shown_text(block) for block in app.query(CommandBlock))

        await wait_for(pilot, ran)
        assert "true  → ran in the shell" in shown_text(app.query_one(AskChoice))
        assert app.prompt.value == ""


async def test_an_observer_sees_the_question_and_no_key_of_its_answers_it(
    project: Path,
) -> None:
    laptop = await HostConnection.open(host_places().socket, "controller", "laptop")
    try:
        session = (await laptop.request("attach", cwd=str(project)))["session"]
        link = HostLink(str(project), session=session, role="observer", name="watcher")
        app = AttachApp(link)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: attached(app))
            await laptop.request("submit", line="gate", mode="agent")
            await wait_for(pilot, lambda: app.view.waiting_permission() is not None, timeout=30)
            box = app.view.waiting_permission()
            assert box is not None
            await wait_for(pilot, lambda: OBSERVER_KEYS in shown_text(box))  # drawn
            await pilot.press("tab", "y", "1")
            assert app.focused is not box and box.is_open and not box.sent
            state = link.state
            assert state is not None
            await wait_for(pilot, lambda: len(state.questions) == 1)
            [question] = state.questions
            await laptop.request("answer", question=question, option="allow")
            await wait_for(
                pilot, lambda: "Allow (by laptop): Edit notes.txt" in shown_text(app.view)
            )
    finally:
        await laptop.close()


async def test_tab_then_a_sends_the_asked_line_to_the_agent(project: Path) -> None:
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "test"
        await pilot.press("enter")
        await wait_for(pilot, lambda: [ask.shown_at is not None for ask in app.query(AskChoice)]
                       == [True])  # fmt: skip
        await pilot.press("tab", "a")
        await wait_for(pilot, lambda: "received: test" in shown_text(app.view), timeout=30)
        assert "test  → sent to the agent" in shown_text(app.query_one(AskChoice))
        assert not app.query(CommandBlock), "nothing ran in the shell"
        assert app.focused is app.prompt and app.prompt.value == ""
