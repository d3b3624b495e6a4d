"""How Conch looks: one SVG per state, stored in the top-level snapshots/ folder.

Snapshot tests are sync (snap_compare runs its own event loop) and wait for
the shell's output inside ``run_before``: a snapshot taken right after a key
press would capture an empty block and still pass (NOTES.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from conch.tui.widgets.permission_prompt import PermissionPrompt
from conch.tui.widgets.tool_call_block import ToolCallBlock
from conch_plugins.shell_mode.modes import ExecutionMode
from tests.peers.fake_openai_server import FakeOpenAIServer, text, tool_call
from tests.pilot.conftest import AppFactory, ask, run_command, submit, wait_for, wait_for_shell

SIZE = (100, 24)

pytestmark = pytest.mark.usefixtures("fixed_durations")


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """The plugin's snap_compare with a steady cursor: the prompt's cursor blinks on a
    timer, so on a loaded machine a picture caught it on or off by chance."""

    def compare(app: object, *, run_before: Callable[..., object] | None = None,
                **options: object) -> bool:  # fmt: skip
        async def steady(pilot: Pilot[None]) -> None:
            if run_before is not None:
                await run_before(pilot)  # type: ignore[misc]
            for field in pilot.app.query(Input):
                field.cursor_blink = False
            await pilot.pause()

        return snap_compare(app, run_before=steady, **options)

    return compare


def in_mode(mode: ExecutionMode) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await wait_for_shell(pilot)
        pilot.app.mode_provider.mode = mode  # type: ignore[attr-defined]
        await pilot.pause()

    return run_before


def test_prompt_in_auto_mode_with_footer(
    snap_compare: Callable[..., bool], make_app: AppFactory
) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=in_mode(ExecutionMode.AUTO))


def test_prompt_in_shell_mode(snap_compare: Callable[..., bool], make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=in_mode(ExecutionMode.SHELL))


def test_prompt_in_agent_mode(snap_compare: Callable[..., bool], make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=in_mode(ExecutionMode.AGENT))


def test_coloured_command_block(snap_compare: Callable[..., bool], make_app: AppFactory) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await wait_for_shell(pilot)
        await run_command(
            pilot, r"printf '\e[31mred\e[0m \e[1;32mbold green\e[0m \e[44mon blue\e[0m\n'"
        )

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_failed_command_block(snap_compare: Callable[..., bool], make_app: AppFactory) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await wait_for_shell(pilot)
        await run_command(pilot, "ls /no/such/dir")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_no_agent_notice(snap_compare: Callable[..., bool], make_app: AppFactory) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        from conch.tui.widgets.agent_turn import AgentTurn

        app = pilot.app
        await wait_for_shell(pilot)
        await submit(pilot, "explain the build")
        await wait_for(
            pilot, lambda: bool(app.query(AgentTurn)) and app.query(AgentTurn).last().ended
        )
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run_before)


def test_running_command_takes_stdin(
    snap_compare: Callable[..., bool], make_app: AppFactory
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        await wait_for_shell(pilot)
        await submit(pilot, "read -p 'Your name: ' name; echo hi $name")
        await wait_for(pilot, lambda: "Your name" in app.shell.running_block.output.text()  # type: ignore[attr-defined]
                       if app.shell.running_block else False)  # type: ignore[attr-defined]  # fmt: skip
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_streamed_agent_answer(
    snap_compare: Callable[..., bool], make_agent_app: AppFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(
        text(
            "Here is the plan:\n\n",
            "1. read the **failing** test\n",
            "2. fix `parse()`\n\n",
            "```python\ndef parse(line):\n    return line.split()\n```\n",
        )
    )

    async def run_before(pilot: Pilot[None]) -> None:
        await wait_for_shell(pilot)
        await ask(pilot, "how do we fix the parser?")

    assert snap_compare(make_agent_app(), terminal_size=(100, 30), run_before=run_before)


def test_tool_call_block(
    snap_compare: Callable[..., bool],
    make_agent_app: AppFactory,
    fake_llm: FakeOpenAIServer,
    project_dir: Path,
) -> None:
    (project_dir / "notes.txt").write_text("remember the milk\n")
    fake_llm.script(tool_call("read_file", path="notes.txt"), text("Your notes mention milk."))

    async def run_before(pilot: Pilot[None]) -> None:
        await wait_for_shell(pilot)
        turn = await ask(pilot, "what do my notes say?")
        turn.query_one(ToolCallBlock).collapsed = False
        await pilot.pause()

    assert snap_compare(make_agent_app(), terminal_size=(100, 30), run_before=run_before)


def test_permission_prompt_with_diff(
    snap_compare: Callable[..., bool],
    make_agent_app: AppFactory,
    fake_llm: FakeOpenAIServer,
    project_dir: Path,
) -> None:
    (project_dir / "app.py").write_text("def greet():\n    return 'hi'\n")
    fake_llm.script(
        tool_call("edit_file", path="app.py", old_text="'hi'", new_text="'hello'"), text("Done.")
    )

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        await wait_for_shell(pilot)
        await submit(pilot, "?say hello instead")
        await wait_for(pilot, lambda: bool(app.query(PermissionPrompt)))
        await pilot.pause(0.1)

    assert snap_compare(make_agent_app(), terminal_size=(100, 30), run_before=run_before)


def test_ask_choice_for_an_ambiguous_line(
    snap_compare: Callable[..., bool], make_agent_app: AppFactory
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        from conch.tui.widgets.ask_choice import AskChoice

        app = pilot.app
        await wait_for_shell(pilot)
        await submit(pilot, "gti status please")
        await wait_for(pilot, lambda: bool(app.query(AskChoice)))
        await pilot.pause()

    assert snap_compare(make_agent_app(), terminal_size=SIZE, run_before=run_before)


def _failed_then_offer(line: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        from conch.tui.widgets.error_offer import ErrorOffer

        app = pilot.app
        await wait_for_shell(pilot)
        await run_command(pilot, line)
        await wait_for(pilot, lambda: bool(app.query(ErrorOffer)))
        await pilot.pause()

    return run_before


def test_did_you_mean_offer(snap_compare: Callable[..., bool], make_app: AppFactory) -> None:
    run_before = _failed_then_offer("gti --version")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_send_to_agent_offer_after_an_error(
    snap_compare: Callable[..., bool], make_agent_app: AppFactory
) -> None:
    """With an agent configured (with none, a note says so instead of an offer)."""
    run_before = _failed_then_offer("!make the failing tests pass")
    assert snap_compare(make_agent_app(), terminal_size=SIZE, run_before=run_before)


def test_tab_completion_menu(
    snap_compare: Callable[..., bool], make_app: AppFactory, project_dir: Path
) -> None:
    for name in ("config.toml", "config.yaml", "conftest.py", "constraints.txt"):
        (project_dir / name).write_text("")
    (project_dir / "contrib").mkdir()

    async def run_before(pilot: Pilot[None]) -> None:
        from conch.tui.widgets.completion_menu import CompletionMenu

        await wait_for_shell(pilot)
        prompt = pilot.app.prompt_bar.input  # type: ignore[attr-defined]
        prompt.value = "cat con"
        prompt.cursor_position = len(prompt.value)
        await pilot.press("tab")
        await wait_for(pilot, lambda: pilot.app.query_one(CompletionMenu).is_open)
        await pilot.press("tab", "tab")  # the second candidate highlighted and previewed
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
