"""The real Conch in tmux against commands that fight its end-of-command sentinel.

Typed one key at a time as a person would, or pasted in one go; the screen is
read with capture-pane. Skipped only when tmux is not installed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import (
    TMUX,
    ConchTerminal,
    block_status,
    find_blocks,
    is_finished,
    launch_conch,
    named,
    status_line,
)

pytestmark = pytest.mark.skipif(
    TMUX is None, reason="tmux is not on PATH; these tests drive Conch inside tmux"
)

KEY_PAUSE = 0.02
"""Between keys when typing like a person (not a wait for a result)."""


@pytest.fixture
def conch(tmp_path: Path) -> Iterator[ConchTerminal]:
    with launch_conch(tmp_path) as terminal:
        yield terminal


def type_by_hand(conch: ConchTerminal, text: str) -> None:
    for char in text:
        # A lone ";" argument separates tmux commands; "\\;" is the key itself.
        conch.type("\\;" if char == ";" else char)
        time.sleep(KEY_PAUSE)


def paste(conch: ConchTerminal, text: str) -> None:
    """A bracketed paste, as a terminal delivers a clipboard paste."""
    conch.tmux("set-buffer", "-b", "hostile", text)
    conch.tmux("paste-buffer", "-p", "-b", "hostile", "-t", "conch")


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
    type_by_hand(conch, "PROMPT_COMMAND='echo hi'")
    conch.send("Enter")
    finished_block(conch, "PROMPT_COMMAND='echo hi'")
    paste(conch, "echo next-one")
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
    type_by_hand(conch, command)
    conch.send("Enter")
    block = finished_block(conch, command)
    assert any("CONCH:0:/etc" in line for line in block.splitlines()[1:]), block
    assert re.match(r"✗ exit 1\b", block_status(block)), block
    assert status_line(conch.screen()) == "~/work"
    after = conch.run("echo after-the-forgery")
    assert after.splitlines()[1] == "after-the-forgery", after


@pytest.mark.e2e
def test_ctrl_c_ends_a_sleep_whose_prompt_command_was_removed(conch: ConchTerminal) -> None:
    command = "unset PROMPT_COMMAND; sleep 100"
    paste(conch, command)
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
    type_by_hand(conch, "exec bash")
    conch.send("Enter")
    block = finished_block(conch, "exec bash")
    assert block_status(block).startswith("✓ 0"), block
    after = conch.run("echo $((6 * 7))")
    assert "42" in after.splitlines()[1:], after
    assert block_status(after).startswith("✓ 0"), after
