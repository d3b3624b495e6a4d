"""A paste of several lines is held for review and submitted whole, wherever it goes."""

from __future__ import annotations

from textual import events

from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.paste_review import PasteReview
from conch_plugins.shell_mode.modes import ExecutionMode
from tests.pilot.conftest import AppFactory, submit, wait_for, wait_for_shell


async def test_a_multi_line_paste_in_agent_mode_goes_to_the_agent_as_one_prompt(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        app.mode_provider.mode = ExecutionMode.AGENT
        app.prompt_bar.input.post_message(events.Paste("why does this fail?\nTraceback: boom\n"))
        await wait_for(pilot, lambda: isinstance(app.screen, PasteReview))
        review = app.screen
        assert isinstance(review, PasteReview)
        assert review.destination == "the agent, as one prompt"
        assert not app.query(AgentTurn), "nothing is sent before Ctrl+S"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(app.query(AgentTurn)))
        assert app.query(AgentTurn).last().prompt == "why does this fail?\nTraceback: boom"


async def test_a_multi_line_paste_while_a_command_runs_feeds_it_every_line(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "head -n 2")
        await wait_for(pilot, lambda: app.shell.running_block is not None)
        app.prompt_bar.input.post_message(events.Paste("alpha\nbeta"))
        await wait_for(pilot, lambda: isinstance(app.screen, PasteReview))
        review = app.screen
        assert isinstance(review, PasteReview)
        assert review.destination == "the running `head -n 2` as its input"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.shell.running_block is None)
        output = app.query(CommandBlock).last().output.text()
        assert output.splitlines()[-2:] == ["alpha", "beta"], output
