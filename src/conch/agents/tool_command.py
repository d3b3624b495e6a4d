"""The run_command tool's pure parts: its timeout argument and its result as text.

The command itself runs in the user's bash through AgentShell, driven by the
backend (openai_running_command); this module only decides how long it may
run and what the model reads afterwards. Must never: run a command or ask
permission.
"""

from __future__ import annotations

import re
from typing import Any

from conch.agents.tool_arguments import number_argument

COMMAND_RESULT_CHARS = 10_000
COMMAND_TIMEOUT_DEFAULT = 120.0
COMMAND_TIMEOUT_MAX = 600.0
ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def command_timeout(args: dict[str, Any]) -> float:
    timeout = number_argument(args, "timeout", COMMAND_TIMEOUT_DEFAULT)
    return min(max(timeout, 1.0), COMMAND_TIMEOUT_MAX)


def strip_ansi(text: str) -> str:
    return ANSI_ESCAPE.sub("", text)


def command_result_for_model(
    output: str, exit_status: int | None, *, timed_out: bool, timeout: float
) -> str:
    """The command's outcome as the model reads it: plain text, the tail if long."""
    text = strip_ansi(output).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > COMMAND_RESULT_CHARS:
        text = (
            f"[output truncated: showing the last {COMMAND_RESULT_CHARS:,} "
            f"of {len(text):,} characters]\n" + text[-COMMAND_RESULT_CHARS:]
        )
    if timed_out:
        status = f"The command timed out after {timeout:.0f} s and was interrupted."
    elif exit_status is None:
        status = "The shell running the command exited."
    else:
        status = f"Exit status {exit_status}."
    return f"{status}\n{text}" if text.strip() else f"{status} (no output)"
