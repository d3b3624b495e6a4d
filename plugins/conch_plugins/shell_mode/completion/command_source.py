"""Command names for a word in command position, from the session's CommandIndex.

The index already holds what the user's bash would run (aliases, functions, builtins,
keywords, PATH executables; BashSupervisor refreshes it after every command), so no bash
is asked here. When a name is several things, the kind shown is the one bash would run:
alias, then keyword, function, builtin, then the PATH command.
"""

from __future__ import annotations

from conch_plugins.shell_mode.command_check import BASH_BUILTINS, BASH_KEYWORDS, CommandIndex
from conch_plugins.shell_mode.completion.model import Candidate

_HIDDEN_PREFIX = "__conch"
"""Conch's own functions in the session bash (conch_init.bash) are not the user's."""


def command_candidates(index: CommandIndex, prefix: str) -> list[Candidate]:
    """Every command name starting with ``prefix``, each under the kind bash would run."""
    if not index.executables:
        index.refresh_path()
    names = BASH_KEYWORDS | BASH_BUILTINS | index.aliases | index.functions | index.executables
    candidates = []
    for name in names:
        if name.startswith(prefix) and not name.startswith(_HIDDEN_PREFIX):
            kind = command_kind(index, name) or "command"
            candidates.append(Candidate(text=name, display=name, kind=kind))
    return candidates


def command_kind(index: CommandIndex, name: str) -> str | None:
    """The kind bash would run for ``name``, or None when it is no command."""
    if name in index.aliases:
        return "alias"
    if name in BASH_KEYWORDS:
        return "keyword"
    if name in index.functions:
        return "function"
    if name in BASH_BUILTINS:
        return "builtin"
    if name in index.executables:
        return "command"
    return None
