"""``conch route [--explain]``: print what Auto mode would decide for each line on stdin.

One decision a line (``shell``, ``agent`` or ``ask``), in input order, exactly as Auto mode
decides it (the plugins' ``conch_route_line``, the ``!``/``?`` prefixes included), with
this PATH, bash's builtins and keywords, and the user's aliases and functions: the user's
session bash is started once (with ~/.bashrc) to learn them, then closed. Nothing read
from stdin is run.

Each input line is one item: a multi-line paste cannot be given as is. The routing corpus
stores a newline as the two characters ``\\n``; such a line is routed as typed, backslash and
all, not unescaped. ``--explain`` adds a tab and the reason (and the correction, for a typo).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from conch.plugin_host import PluginLoadError, shell_feature
from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.modes import ExecutionMode


def session_index(cwd: str) -> CommandIndex:
    """The command index of a real session bash started in ``cwd`` (rc files sourced)."""
    from conch_plugins.shell_mode.bash_process import ShellStartError
    from conch_plugins.shell_mode.bash_supervisor import BashSupervisor
    from conch_plugins.shell_mode.shell_options import ShellOptions

    session = BashSupervisor(shell_feature().new_bash(cwd, ShellOptions(source_bashrc=True)))
    try:
        session.start()
    except ShellStartError as error:
        print(f"conch route: {error}; using PATH and builtins only", file=sys.stderr)
        index = CommandIndex()
        index.refresh_path()
        return index
    finally:
        session.close()
    return session.index


def route_lines(lines: TextIO, out: TextIO, index: CommandIndex, explain: bool) -> None:
    """Write one decision per line of ``lines`` to ``out``."""
    for raw in lines:
        line = raw.rstrip("\r\n")
        route = shell_feature().route(line, ExecutionMode.AUTO, index)
        reason = route.reason
        if route.suggestion is not None:
            reason += f"; did you mean `{route.suggestion}`?"
        out.write(f"{route.target.value}\t{reason}\n" if explain else f"{route.target.value}\n")
        out.flush()  # one answer per line as it comes, for interactive use


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conch route",
        description="Print Auto mode's decision (shell, agent or ask) for each line on stdin, "
        "one a line, in order. Nothing read is run.",
    )
    parser.add_argument("--explain", action="store_true", help="add a tab and the reason")
    parser.add_argument(
        "--cwd", metavar="DIR", help="start the session bash in DIR (default: here)"
    )
    return parser


def main(argv: list[str], explain: bool = False, cwd: str | None = None) -> int:
    """``conch route [--explain] [--cwd DIR]``; ``explain``/``cwd`` come from options given
    before the word ``route``."""
    args = build_parser().parse_args(argv)
    where = os.path.abspath(os.path.expanduser(args.cwd or cwd or os.getcwd()))
    if not os.path.isdir(where):
        print(f"conch route: --cwd {where!r} is not a directory", file=sys.stderr)
        return 2
    return run(explain or args.explain, where)


def run(explain: bool, cwd: str | None = None) -> int:
    try:
        shell_feature()
    except PluginLoadError as error:
        print(f"conch route: {error}", file=sys.stderr)
        return 1
    index = session_index(cwd or os.getcwd())
    route_lines(sys.stdin, sys.stdout, index, explain)
    return 0
