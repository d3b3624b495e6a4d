"""Which words the user's shell would run as a command.

The index knows PATH executables (read from the directories, no process per
lookup), bash builtins and keywords, and the aliases and functions defined in
the session's bash (refreshed by the caller after commands that may define
them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

BASH_KEYWORDS = frozenset(
    [
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "case",
        "esac",
        "for",
        "select",
        "while",
        "until",
        "do",
        "done",
        "in",
        "function",
        "time",
        "{",
        "}",
        "!",
        "[[",
        "]]",
        "coproc",
    ]
)
BASH_BUILTINS = frozenset(
    [
        ".",
        ":",
        "[",
        "alias",
        "bg",
        "bind",
        "break",
        "builtin",
        "caller",
        "cd",
        "command",
        "compgen",
        "complete",
        "compopt",
        "continue",
        "declare",
        "dirs",
        "disown",
        "echo",
        "enable",
        "eval",
        "exec",
        "exit",
        "export",
        "false",
        "fc",
        "fg",
        "getopts",
        "hash",
        "help",
        "history",
        "jobs",
        "kill",
        "let",
        "local",
        "logout",
        "mapfile",
        "popd",
        "printf",
        "pushd",
        "pwd",
        "read",
        "readarray",
        "readonly",
        "return",
        "set",
        "shift",
        "shopt",
        "source",
        "suspend",
        "test",
        "times",
        "trap",
        "true",
        "type",
        "typeset",
        "ulimit",
        "umask",
        "unalias",
        "unset",
        "wait",
    ]
)

# What the session bash prints for `query_names_command`: one name a line,
# aliases and functions in two sections.
ALIASES_AND_FUNCTIONS_QUERY = (
    "compgen -a; echo '\x1d'; compgen -A function; echo '\x1d'; builtin printf '%s' \"$PATH\""
)


@dataclass
class CommandIndex:
    """The set of names that run something in the user's bash."""

    aliases: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    executables: set[str] = field(default_factory=set)
    _path: str | None = None
    _path_stamp: tuple[str, tuple[float, ...]] | None = None

    def refresh_path(self, path: str | None = None) -> None:
        """Re-read executables from PATH (cheap: one scandir per directory)."""
        path = os.environ.get("PATH", "") if path is None else path
        found: set[str] = set()
        for directory in path.split(os.pathsep):
            try:
                with os.scandir(directory or ".") as entries:
                    for entry in entries:
                        if _is_executable(entry):
                            found.add(entry.name)
            except OSError:
                continue
        self.executables = found
        self._path = path

    def update_from_query(self, output: str) -> None:
        """Take the aliases, functions and PATH printed by ``ALIASES_AND_FUNCTIONS_QUERY``.

        PATH comes from the user's bash (rc files often extend it), and its
        executables are re-read only when a PATH directory changed.
        """
        aliases, _, rest = output.replace("\r", "").partition("\x1d")
        functions, _, path = rest.partition("\x1d")
        self.aliases = {name for name in aliases.split("\n") if name}
        self.functions = {name for name in functions.split("\n") if name}
        if path.strip():
            self.refresh_path_if_changed(path.strip())

    def refresh_path_if_changed(self, path: str) -> None:
        """One stat per PATH directory; a full re-read only after an install or a PATH change."""
        stamp = (path, tuple(_modified(directory) for directory in path.split(os.pathsep)))
        if stamp != self._path_stamp:
            self.refresh_path(path)
            self._path_stamp = stamp

    def is_command(self, word: str) -> bool:
        """True when bash would run ``word`` as a command name."""
        if not word:
            return False
        if word in BASH_KEYWORDS or word in BASH_BUILTINS:
            return True
        if word in self.aliases or word in self.functions:
            return True
        if "/" in word:
            path = os.path.expanduser(word)
            return os.access(path, os.X_OK) and not os.path.isdir(path)
        if self._path is None:
            self.refresh_path()
        return word in self.executables


def _modified(directory: str) -> float:
    try:
        return os.stat(directory or ".").st_mtime
    except OSError:
        return -1.0


def _is_executable(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file() and os.access(entry.path, os.X_OK)
    except OSError:
        return False
