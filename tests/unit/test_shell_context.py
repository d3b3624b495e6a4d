"""What the agent is told of the shell since its last prompt (agents/shell_context.py)."""

from __future__ import annotations

from conch.agents.shell_context import (
    MAX_KEPT,
    MAX_OUTPUT_CHARS,
    MAX_TOTAL_CHARS,
    ShellActivity,
    ShellContextLog,
)


def test_a_long_output_is_told_by_its_end_and_said_to_be_cut() -> None:
    log = ShellContextLog()
    log.record(ShellActivity("seq 1 100000", 0, "/w", "x" * 50_000 + "THE-END\n"))
    told = log.take()
    assert "[…earlier output cut…]" in told and "THE-END" in told
    assert len(told) < MAX_OUTPUT_CHARS + 200
    assert log.take() == "", "told once"


def test_a_session_with_no_prompt_for_days_keeps_a_bounded_log_and_tells_the_newest() -> None:
    log = ShellContextLog()
    for number in range(MAX_KEPT * 3):
        log.record(ShellActivity(f"echo {number}", 0, "/w", f"{number}\n" + "y" * 10_000))
    assert len(log) == MAX_KEPT
    told = log.take()
    assert f"$ echo {MAX_KEPT * 3 - 1}" in told and len(told) <= MAX_TOTAL_CHARS + 100
