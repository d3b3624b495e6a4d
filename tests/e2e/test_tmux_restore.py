"""A restart in a real terminal shows what was there: each command as it ended (how long it
ran, whether Ctrl+C stopped it) and each permission where it was asked, before what the agent
went on sending while the user decided."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import (
    EXITED_MARK,
    block_lines,
    block_status,
    find_blocks,
    is_finished,
    launch_conch,
    named,
    needs_tmux,
)

pytestmark = needs_tmux

FAKE_ACP_AGENT = Path(__file__).resolve().parent.parent / "peers" / "fake_acp_agent.py"
KEY_PAUSE = 0.03
"""Between keys, as a quick typist."""
INTERRUPTED = re.compile(r"^✗ exit 130 interrupted · \d+(\.\d)? (s|ms)$")


def sleep_block(screen: str) -> str | None:
    blocks = find_blocks(screen, "sleep 30")
    return blocks[-1] if blocks and is_finished(blocks[-1]) else None


@pytest.mark.e2e
def test_a_command_stopped_with_ctrl_c_restores_as_interrupted_with_its_duration(
    tmp_path: Path,
) -> None:
    with launch_conch(tmp_path) as conch:
        conch.type_line_slowly("sleep 30", KEY_PAUSE)
        conch.wait_for("Ctrl+C interrupts", timeout=20)
        time.sleep(1.0)  # let it run a while, so the duration is worth keeping
        conch.send("C-c")
        screen = conch.wait_for(named(sleep_block, "sleep 30 to end"), timeout=20)
        live = block_status(sleep_block(screen) or "")
        assert INTERRUPTED.match(live), live
        conch.send("C-q")
        conch.wait_for(EXITED_MARK, timeout=20)
    with launch_conch(tmp_path) as again:
        screen = again.wait_for(named(sleep_block, "the restored sleep 30"), timeout=20)
        assert block_status(sleep_block(screen) or "") == live, screen


def acp_config(script: str) -> str:
    command = ", ".join(f'"{part}"' for part in (sys.executable, str(FAKE_ACP_AGENT), script))
    return f'[agent]\ndefault = "fake"\n\n[agents.fake]\nkind = "acp"\ncommand = [{command}]\n'


def turn_order(screen: str) -> list[str]:
    """The lines of the turn that matter here, in the order they are on screen."""
    marks = ("Edit notes.txt", "Meanwhile I read", "Read notes.txt", "outcome=allow")
    return [line for line in block_lines(screen) if any(mark in line for mark in marks)]


@pytest.mark.e2e
def test_a_permission_restores_where_it_was_asked_before_what_came_meanwhile(
    tmp_path: Path,
) -> None:
    config = acp_config("permission_streaming")
    with launch_conch(tmp_path, config) as conch:
        conch.type_line_slowly("?edit notes.txt", KEY_PAUSE)
        conch.wait_for(named(lambda s: "Meanwhile I read" in s and "Allow" in s,
                             "the question and what came after it"), timeout=30)  # fmt: skip
        conch.send("Tab")  # the question takes keys only once the user gives it the focus
        conch.send("y")
        screen = conch.wait_for(named(lambda s: "outcome=allow" in s, "the answer"), timeout=30)
        live = turn_order(screen)
        assert [line for line in live if "Allow" in line] == ["Allow: Edit notes.txt"], screen
        asked = live.index("Allow: Edit notes.txt")
        assert "Meanwhile" in live[asked + 1] and "outcome=allow" in live[-1], live
        conch.send("C-q")
        conch.wait_for(EXITED_MARK, timeout=20)
    with launch_conch(tmp_path, config) as again:
        screen = again.wait_for(named(lambda s: "outcome=allow" in s, "the restored turn"),
                                timeout=20)  # fmt: skip
        assert turn_order(screen) == live, screen
