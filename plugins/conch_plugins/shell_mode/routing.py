"""Decide where a submitted line goes: the session shell or the agent.

Per-line overrides win in every mode: ``!`` sends to the shell, ``?`` to the
agent (the prefix is stripped). In Auto mode a line is shell when its first
word is something bash would run (alias, function, builtin, keyword,
executable, a path) or it starts with shell syntax; otherwise agent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.modes import ExecutionMode

SHELL_PREFIX = "!"
AGENT_PREFIX = "?"

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
_FIRST_WORD = re.compile(r"^[^\s;|&<>()]+")


class Target(StrEnum):
    SHELL = "shell"
    AGENT = "agent"


@dataclass(frozen=True)
class Route:
    """Where a line goes, the text to send there, and why."""

    target: Target
    text: str
    reason: str


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
    return _route_auto(line, stripped, index)


def _route_auto(line: str, stripped: str, index: CommandIndex) -> Route:
    if stripped[:1] in {"(", "{", "/", "."} or stripped.startswith("~/"):
        return Route(Target.SHELL, line, "starts with shell syntax or a path")
    if _ASSIGNMENT.match(stripped):
        return Route(Target.SHELL, line, "starts with a variable assignment")
    match = _FIRST_WORD.match(stripped)
    word = match.group(0) if match else ""
    if index.is_command(word):
        return Route(Target.SHELL, line, f"`{word}` is a command")
    return Route(Target.AGENT, stripped, f"`{word}` is not a command")
