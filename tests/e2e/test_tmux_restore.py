"""A restart in a real terminal shows each command as it ended: how long it ran, and whether
Ctrl+C stopped it, exactly as the live block said."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import (
    EXITED_MARK,
    TMUX,
    ConchTerminal,
    block_status,
    find_blocks,
    is_finished,
    launch_conch,
    named,
)

pytestmark = pytest.mark.skipif(
    TMUX is None, reason="tmux is not on PATH; these tests drive Conch inside tmux"
)

KEY_PAUSE = 0.03
"""Between keys, as a quick typist."""
INTERRUPTED = re.compile(r"^✗ exit 130 interrupted · \d+(\.\d)? (s|ms)$")


def type_by_hand(conch: ConchTerminal, text: str) -> None:
    """One key at a time, as a person types."""
    for char in text:
        conch.type(char)
        time.sleep(KEY_PAUSE)


def sleep_block(screen: str) -> str | None:
    blocks = find_blocks(screen, "sleep 30")
    return blocks[-1] if blocks and is_finished(blocks[-1]) else None


@pytest.mark.e2e
def test_a_command_stopped_with_ctrl_c_restores_as_interrupted_with_its_duration(
    tmp_path: Path,
) -> None:
    with launch_conch(tmp_path) as conch:
        type_by_hand(conch, "sleep 30")
        conch.send("Enter")
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
