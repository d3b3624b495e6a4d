"""`conch attach`'s window under Pilot, on a real host: a line this client ran that failed
gets the app's offer under it — "did you mean `git status`?", or "send it to the agent?" —
answered only after Tab, never by keys typed at the prompt; with no agent configured there is
no offer to send it there; a line another client ran gets no offer here.

The agent is the fake ACP agent (the real protocol); ``echo`` says back what it received.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.app import App

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp, StatusLine
from conch.host.client import HostConnection
from conch.host.runtime import host_places
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.error_offer import ErrorOffer
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.failure_offer import NO_AGENT_MESSAGE, Offer
from tests.host.conch_process import conch
from tests.peers.fake_agents import write_fake_acp_config
from tests.pilot.conftest import shown_text, wait_for

SIZE = (120, 45)
HostFactory = Callable[..., Path]


@pytest.fixture
def start_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HostFactory]:
    """Start a host of its own for a git repository, with the fake agent as the default
    agent or with no agent at all; stopped after the test."""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    where = tmp_path / "project"
    where.mkdir()
    subprocess.run(["git", "init", "-q", str(where)], check=True, timeout=30)
    started = False

    def start(*, agent: bool) -> Path:
        nonlocal started
        write_fake_acp_config(default=agent)
        done = conch("host")
        assert done.returncode == 0, done.stderr
        started = True
        return where

    yield start
    if started:
        conch("host", "stop")


def attached(app: AttachApp) -> bool:
    return "● attached to" in str(app.query_one(StatusLine).render())


def finished(app: AttachApp, command: str) -> CommandBlock | None:
    for block in app.query(CommandBlock):
        if block.command == command and block.result is not None:
            return block
    return None


async def test_gti_status_offers_git_status_and_tab_then_enter_runs_it(
    start_host: HostFactory,
) -> None:
    project = start_host(agent=True)
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "gti status"
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.query(ErrorOffer)))
        offer = app.query_one(ErrorOffer)
        assert (offer.offer.kind, offer.offer.text) == ("correction", "git status")
        await wait_for(pilot, lambda: "Did you mean `git status`?" in shown_text(offer))
        assert finished(app, "gti status") is not None, "shown once the block ended"
        assert app.focused is app.prompt, "the offer never takes the focus"
        assert app.view.conversation.is_following, "the view stays at the bottom"
        await pilot.press("tab")
        assert app.focused is offer
        await pilot.press("enter")
        await wait_for(pilot, lambda: finished(app, "git status") is not None)
        block = finished(app, "git status")
        assert block is not None
        await wait_for(pilot, lambda: "No commits yet" in shown_text(block))
        assert offer.done and app.focused is app.prompt


async def test_letters_typed_while_the_offer_shows_land_in_the_prompt_and_answer_nothing(
    start_host: HostFactory,
) -> None:
    project = start_host(agent=True)
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "gti status"
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.query(ErrorOffer)))
        offer = app.query_one(ErrorOffer)
        await pilot.press("y", "e", "s")  # `y` would accept it, had it the focus
        assert app.prompt.value == "yes" and app.focused is app.prompt
        assert offer.done, "typing dismisses it"
        await wait_for(pilot, lambda: "(dismissed)" in shown_text(offer))
        await pilot.press("tab")
        assert app.focused is app.prompt, "nothing left for Tab to go to"


def told(turn: AgentTurn) -> str:
    """What the fake agent says it received, once its turn is done ("" before)."""
    shown = shown_text(turn)
    if "✓ done" not in shown:
        return ""
    return shown.partition("received: ")[2].rpartition("✓ done")[0].strip()


async def test_a_request_that_failed_in_the_shell_is_offered_to_the_agent(
    start_host: HostFactory,
) -> None:
    project = start_host(agent=True)
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "!find all python files"
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.query(ErrorOffer)))
        offer = app.query_one(ErrorOffer)
        assert (offer.offer.kind, offer.offer.text) == ("agent", "find all python files")
        await wait_for(pilot, lambda: "send it to the agent?" in shown_text(offer))
        assert not app.query(AgentTurn), "never sent without the user's key"
        await pilot.press("tab", "y")
        # The agent got the line, after the commands run since its last prompt (the failed
        # one among them), as the app sends it: its answer ends with the line.
        line = offer.offer.text

        def answers() -> list[str]:
            return [told(turn) for turn in app.query(AgentTurn)]

        await wait_for(pilot, lambda: any(told.endswith(line) for told in answers()), timeout=30)
        assert app.focused is app.prompt


async def test_with_no_agent_configured_a_failed_request_is_told_so_and_not_offered(
    start_host: HostFactory,
) -> None:
    project = start_host(agent=False)
    app = AttachApp(HostLink(str(project), name="pilot"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app))
        app.prompt.value = "!find all python files"
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(NO_AGENT_MESSAGE in shown_text(notice)
                                          for notice in app.query(Notice)))  # fmt: skip
        assert not app.query(ErrorOffer), "no offer to send it to an agent there is not"
        await pilot.press("tab")
        assert app.focused is app.prompt


async def test_a_line_another_client_ran_that_failed_gets_no_offer_here(
    start_host: HostFactory,
) -> None:
    project = start_host(agent=True)
    laptop = await HostConnection.open(host_places().socket, "controller", "laptop")
    try:
        session = (await laptop.request("attach", cwd=str(project)))["session"]
        app = AttachApp(HostLink(str(project), session=session, name="pilot"))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: attached(app))
            await laptop.request("submit", line="gti status")
            await wait_for(pilot, lambda: finished(app, "gti status") is not None)
            app.prompt.value = "gti log"  # this client's own failure: its offer comes after
            await pilot.press("enter")
            await wait_for(pilot, lambda: bool(app.query(ErrorOffer)))
            assert [offer.offer.text for offer in app.query(ErrorOffer)] == ["git log"]
    finally:
        await laptop.close()


async def test_an_offer_that_lapses_before_it_is_drawn_is_drawn_dismissed() -> None:
    """An offer comes from the host while the user types: an edit may dismiss it before it
    was ever drawn."""
    offer = ErrorOffer(Offer("correction", "git status", "Did you mean `git status`?"))
    offer.dismiss_quietly()
    app: App[None] = App()
    async with app.run_test() as pilot:
        await app.mount(offer)
        await wait_for(pilot, lambda: shown_text(offer) != "")
        assert offer.done and shown_text(offer) == "Did you mean `git status`?  (dismissed)"
