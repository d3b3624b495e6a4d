"""Decide where a submitted line goes: the session shell, the agent, or ask the user.

Per-line overrides win in every mode: ``!`` sends to the shell, ``?`` to the
agent (the prefix is stripped). Shell and Agent modes send everything their way.
In Auto mode route_decision.decide() reads the line against the user's real
command set: shell syntax and commands go to the shell, a command word followed
by prose and replies go to the agent, a mistyped command goes to the shell with a
suggested correction, and a line that reads both ways is ``ask``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.route_decision import decide

SHELL_PREFIX = "!"
AGENT_PREFIX = "?"


class Target(StrEnum):
    SHELL = "shell"
    AGENT = "agent"
    ASK = "ask"
    """Auto mode could not tell: the front end asks whether to run it or send it."""


@dataclass(frozen=True)
class Route:
    """Where a line goes, the text to send there, and why."""

    target: Target
    text: str
    reason: str
    suggestion: str | None = None
    """For a mistyped command (``gti status``), the line as probably meant."""


def route_line(line: str, mode: ExecutionMode, index: CommandIndex) -> Route:
    """Route one submitted line; nothing is run here."""
    stripped = line.strip()
    if stripped.startswith(SHELL_PREFIX):
        return Route(Target.SHELL, stripped[1:].lstrip(), "`!` prefix")
    if stripped.startswith(AGENT_PREFIX):
        return Route(Target.AGENT, stripped[1:].lstrip(), "`?` prefix")
    if mode is ExecutionMode.SHELL:
        return Route(Target.SHELL, line, "Shell mode")
    if mode is ExecutionMode.AGENT:
        return Route(Target.AGENT, stripped, "Agent mode")
    decision = decide(line, index)
    target = Target(decision.target)
    text = line if target is Target.SHELL else stripped
    return Route(target, text, decision.reason, decision.suggestion)
