"""``conch complete [--cwd DIR] -- LINE``: print what Tab would offer at the end of LINE.

One candidate a line, exactly the text Tab inserts (escaped, directories ending in ``/``,
``~``/``$VAR`` kept as typed), in the order a menu shows them. Commands come from this
PATH and bash's builtins and keywords; programmable completion (git, bash-completion, the
``complete`` specs) runs in Conch's helper bash, as in the app. No session bash is
started, so the user's aliases and functions are not offered. Exit status 1 when there is
nothing to offer, like ``compgen``.
"""

from __future__ import annotations

import argparse
import os

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.completion import Completer, CompletionShell


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="conch complete",
        description="Print the candidates Tab would offer at the end of LINE, one a line.",
    )
    parser.add_argument("--cwd", metavar="DIR", help="where paths are relative to (default: .)")
    parser.add_argument("line", nargs="*", metavar="LINE", help="the words typed so far")
    args = parser.parse_args(argv)
    line = " ".join(args.line)
    cwd = os.path.abspath(os.path.expanduser(args.cwd or os.getcwd()))
    index = CommandIndex()
    index.refresh_path()
    shell = CompletionShell()
    try:
        completion = Completer(index, shell).complete(line, len(line), cwd)
    finally:
        shell.close()
    for candidate in completion.candidates:
        print(candidate.text)
    return 0 if completion.candidates else 1
