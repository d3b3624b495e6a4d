"""An ACP agent in the real app: a real subprocess speaking ACP over stdio."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conch.tui.app import ConchApp
from conch.tui.widgets.markdown_segment import MarkdownSegment
from conch.tui.widgets.plan_view import PlanView
from conch.tui.widgets.tool_call_block import ToolCallBlock
from tests.pilot.conftest import answer_permission, ask, submit, wait_for, wait_for_shell


async def test_acp_agent_plan_and_answer_are_shown(make_acp_app: Callable[[str], ConchApp]) -> None:
    app = make_acp_app("plan")
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        turn = await ask(pilot, "plan the fix")
        plan = str(turn.query_one(PlanView).render())
        assert "☑ Read the code" in plan and "◐ Fix the bug" in plan
        assert "planned" in "".join(m.source for m in turn.query(MarkdownSegment))
        assert turn.has_class("-ok")


async def test_acp_terminal_runs_in_the_turns_cwd_and_shows_output(
    make_acp_app: Callable[[str], ConchApp], project_dir: Path
) -> None:
    app = make_acp_app("terminal")
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        turn = await ask(pilot, "run something")
        block = turn.tool_blocks["run-1"]
        assert isinstance(block, ToolCallBlock)
        assert "hi" in block.output and str(project_dir) in block.output


async def test_acp_permission_request_is_answered_from_the_ui(
    make_acp_app: Callable[[str], ConchApp],
) -> None:
    app = make_acp_app("permission")
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?change the file")
        await answer_permission(pilot, "y")
        turn = app.query("AgentTurn").last()
        await wait_for(pilot, lambda: turn.ended)  # type: ignore[attr-defined]
        assert turn.has_class("-ok")


async def test_a_missing_acp_agent_explains_how_to_install_it(
    make_acp_app: Callable[[str], ConchApp], project_dir: Path
) -> None:
    app = make_acp_app("chat")
    assert app.agent.choice.spec is not None
    object.__setattr__(app.agent.choice.spec, "command", ("no-such-agent-binary", "acp"))
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        turn = await ask(pilot, "hello?")
        shown = " ".join(str(s.render()) for s in turn.query(".agent-error"))
        assert "no-such-agent-binary" in shown
        assert turn.has_class("-failed")
