"""The ``conch`` command. Imports stay lazy so ``conch --version`` is instant."""

from __future__ import annotations

import argparse
import os
import sys

from conch import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conch", description="One prompt for your real shell and a coding agent."
    )
    parser.add_argument("--version", action="version", version=f"conch {__version__}")
    parser.add_argument("--cwd", metavar="DIR", help="start the session in DIR (default: here)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cwd = os.path.abspath(os.path.expanduser(args.cwd)) if args.cwd else os.getcwd()
    if not os.path.isdir(cwd):
        print(f"conch: --cwd {args.cwd!r} is not a directory", file=sys.stderr)
        return 2
    from conch.app import ConchApp
    from conch.config import load_config
    from conch.plugin_host import PluginLoadError, load_plugins

    try:
        plugins = load_plugins()
    except PluginLoadError as error:
        print(f"conch: {error}", file=sys.stderr)
        return 1
    ConchApp(cwd, load_config(), plugins).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
