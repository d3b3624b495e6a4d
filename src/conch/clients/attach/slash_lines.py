"""Conch's own ``/commands`` typed in ``conch attach``: which one a line is, and what it asks.

The names are the app's (conch.slash_commands), plus ``/detach``; as in the app a line is a
command only when its first word is one exactly (``/usr/bin/env`` still runs), and Shell mode
sends every line to bash except ``/detach`` and ``/cancel``, which belong to this window. The
commands the attach window cannot do yet say so with what to do instead, rather than going
to bash as a path that does not exist. Plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from conch.slash_commands import SLASH_COMMANDS, parse_slash
from conch_plugins.shell_mode.modes import ExecutionMode

DETACH_COMMAND = "/detach"
WINDOW_COMMANDS = frozenset({DETACH_COMMAND, "/cancel"})
"""This window's own: taken in every mode, Shell mode too."""
ATTACH_MEANINGS = {
    "/cancel": "withdraw queued prompt N (Esc stops the running turn)",
    "/new": "leave this session (it goes on in the host) for a new one here",
    "/rename": "give this session a title (every client shows it)",
    "/sessions": "open a live or stored session here, or fork one (Ctrl+O)",
    "/fork": "fork this session from one of its turns; this window goes to the fork",
}
"""What a command does here, where it differs from the app's help."""
NOT_HERE_YET: dict[str, str] = {}
"""Commands of the app the window cannot do yet, and what to do instead (none now)."""
ATTACH_KEYS = (
    "Ctrl+Space  cycle Auto → Shell → Agent; ! or ? sends one line to the shell / agent",
    "Tab  gives a waiting question (a permission, shell-or-agent) the keys",
    "Ctrl+C  interrupt the command · Esc  stop the agent's turn",
    "Ctrl+O  sessions: live ones (in the host) and stored ones; Enter opens, f forks",
    "Ctrl+D  detach (on an empty prompt) · Ctrl+Q  quit, stopping the session if idle",
)


@dataclass(frozen=True)
class SlashLine:
    """A ``/command`` line: its name (lower case) and the text after it."""

    name: str
    argument: str


def slash_line(line: str, mode: ExecutionMode) -> SlashLine | None:
    """The command ``line`` names in ``mode``, or None when it goes to the shell or agent."""
    stripped = line.strip()
    first = stripped.split(maxsplit=1)[0].lower() if stripped else ""
    if first in WINDOW_COMMANDS:
        return SlashLine(first, stripped[len(first) :].strip())
    if mode is ExecutionMode.SHELL:
        return None
    parsed = parse_slash(stripped)
    if parsed is None:
        return None
    command, argument = parsed
    return SlashLine(command.name, argument)


def not_here_yet(name: str) -> str | None:
    """Why ``name`` does nothing in the attach window yet, and what to do instead."""
    reason = NOT_HERE_YET.get(name)
    return f"{name} is not in the attach window yet: {reason}." if reason else None


def attach_help() -> str:
    """``/help`` in the attach window: the commands it takes, then its keys."""
    rows = [f"{DETACH_COMMAND}".ljust(24) + "leave; the session goes on in the host"]
    for command in SLASH_COMMANDS:
        if command.name in NOT_HERE_YET:
            continue
        usage = "[N]" if command.name == "/cancel" else command.arguments
        meaning = ATTACH_MEANINGS.get(command.name, command.help)
        rows.append(f"{command.name} {usage}".ljust(24) + meaning)
    return "\n".join([*rows, "", *ATTACH_KEYS])


def mode_named(argument: str) -> ExecutionMode | None:
    """``/mode ARG``'s mode, or None for anything else."""
    return {mode.value: mode for mode in ExecutionMode}.get(argument.strip().lower())
