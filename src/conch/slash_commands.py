"""Conch's own commands: ``/help``, ``/mode shell``, ``/clear``… (no Textual).

A line is a slash command only when its first word is one of these names exactly, so a
path such as ``/usr/bin/env`` still runs in the shell. Shell mode sends everything to bash.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlashCommand:
    name: str
    arguments: str
    help: str


SLASH_COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("/help", "", "keys, modes and these commands"),
    SlashCommand("/mode", "auto|shell|agent", "switch the prompt's mode"),
    SlashCommand(
        "/agents", "[NAME]", "the agents Conch knows; with NAME, use it from the next prompt"
    ),
    SlashCommand("/sessions", "", "list, search, open, rename, fork or delete sessions (Ctrl+O)"),
    SlashCommand("/new", "", "start a new session here (this one is kept)"),
    SlashCommand("/fork", "", "fork this session from one of its turns"),
    SlashCommand("/rename", "TITLE", "give this session a title"),
    SlashCommand("/cancel", "", "stop the agent's turn (Esc)"),
    SlashCommand("/quit", "", "leave Conch (Ctrl+Q)"),
    SlashCommand("/exit", "", "leave Conch"),
)
_BY_NAME = {command.name: command for command in SLASH_COMMANDS}


def parse_slash(line: str) -> tuple[SlashCommand, str] | None:
    """The command a line names and its argument text, or None for any other line."""
    stripped = line.strip()
    name, _, rest = stripped.partition(" ")
    command = _BY_NAME.get(name.lower())
    return (command, rest.strip()) if command is not None else None


def matching(prefix: str) -> list[SlashCommand]:
    """The commands whose name starts with ``prefix`` (which starts with ``/``)."""
    return [command for command in SLASH_COMMANDS if command.name.startswith(prefix.lower())]


def help_text() -> str:
    rows = [f"{c.name} {c.arguments}".ljust(24) + c.help for c in SLASH_COMMANDS]
    keys = [
        "Ctrl+Space  cycle Auto → Shell → Agent; ! or ? sends one line to the shell / agent",
        "Tab  complete (menu: Tab/Shift+Tab move, Enter or → take, Esc close)",
        "→  take the grey suggestion from history · Up/Down history · Ctrl+R search it",
        "Ctrl+C  interrupt the command · Esc  cancel the agent's turn · Ctrl+Q quit",
    ]
    return "\n".join([*rows, "", *keys])
