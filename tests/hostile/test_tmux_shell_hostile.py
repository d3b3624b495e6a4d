"""The real Conch in tmux against commands that fight its end-of-command sentinel.

Typed one key at a time as a person would, or pasted in one go; the screen is
read with capture-pane. Skipped only when tmux is not installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import (
    ConchTerminal,
    block_status,
    find_blocks,
    is_finished,
    launch_conch,
    named,
    needs_tmux,
    status_line,
)

pytestmark = needs_tmux

KEY_PAUSE = 0.02
"""Between keys when typing like a person (not a wait for a result)."""


@pytest.fixture
def conch(tmp_path: Path) -> Iterator[ConchTerminal]:
    with launch_conch(tmp_path) as terminal:
        yield terminal


def finished_block(conch: ConchTerminal, command: str, timeout: float = 15) -> str:
    def finished(screen: str) -> bool:
        blocks = find_blocks(screen, command)
        return bool(blocks) and is_finished(blocks[-1])

    screen = conch.wait_for(named(finished, f"block for {command!r} to finish"), timeout)
    return find_blocks(screen, command)[-1]


@pytest.mark.e2e
def test_a_prompt_command_the_user_sets_still_runs_and_later_commands_finish(
    conch: ConchTerminal,
) -> None:
    conch.type_line_slowly("PROMPT_COMMAND='echo hi'", KEY_PAUSE)
    finished_block(conch, "PROMPT_COMMAND='echo hi'")
    conch.paste("echo next-one")
    conch.send("Enter")
    block = finished_block(conch, "echo next-one")
    lines = block.splitlines()
    assert "next-one" in lines[1:], block
    assert "hi" in lines[1:], block
    assert block_status(block).startswith("✓ 0"), block


@pytest.mark.e2e
def test_a_forged_end_marker_is_shown_as_text_and_false_still_fails(
    conch: ConchTerminal,
) -> None:
    command = r"printf '\037\036CONCH:0:/etc\036\037'; false"
    conch.type_line_slowly(command, KEY_PAUSE)
    block = finished_block(conch, command)
    assert any("CONCH:0:/etc" in line for line in block.splitlines()[1:]), block
    assert re.match(r"✗ exit 1\b", block_status(block)), block
    assert status_line(conch.screen()) == "~/work"
    after = conch.run("echo after-the-forgery")
    assert after.splitlines()[1] == "after-the-forgery", after


@pytest.mark.e2e
def test_ctrl_c_ends_a_sleep_whose_prompt_command_was_removed(conch: ConchTerminal) -> None:
    command = "unset PROMPT_COMMAND; sleep 100"
    conch.paste(command)
    conch.send("Enter")
    conch.wait_for(named(lambda s: "▶ unset" in status_line(s), "the sleep to be running"))
    conch.send("C-c")
    block = finished_block(conch, command)
    assert re.match(r"✗ exit 130 interrupted", block_status(block)), block
    after = conch.run("echo prompt-works")
    assert after.splitlines()[1] == "prompt-works", after


@pytest.mark.e2e
def test_exec_bash_finishes_and_the_new_bash_runs_the_next_command(
    conch: ConchTerminal,
) -> None:
    conch.type_line_slowly("exec bash", KEY_PAUSE)
    block = finished_block(conch, "exec bash")
    assert block_status(block).startswith("✓ 0"), block
    after = conch.run("echo $((6 * 7))")
    assert "42" in after.splitlines()[1:], after
    assert block_status(after).startswith("✓ 0"), after
