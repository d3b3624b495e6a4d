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
    parser.add_argument(
        "--agent", metavar="NAME", help="the agent for this run (see `conch agents`)"
    )
    parser.add_argument(
        "--new", action="store_true", help="start a new session (default: reopen this directory's)"
    )
    parser.add_argument("--resume", metavar="ID", help="reopen session ID (see `conch sessions`)")
    parser.add_argument(
        "command",
        nargs="?",
        choices=["agents", "route", "complete", "sessions"],
        help="agents: list configured and preset agents; "
        "route: print Auto mode's decision (shell, agent, ask) for each line on stdin; "
        "complete [--cwd DIR] -- LINE: print Tab's candidates for the end of LINE; "
        "sessions [export ID]: list sessions, or print one as Markdown",
    )
    parser.add_argument(
        "--explain", action="store_true", help="with route: add a tab and the reason"
    )
    return parser


def list_agents() -> int:
    """``conch agents``: every agent Conch knows, and whether it can run here."""
    from conch.agents.listing import describe_agents
    from conch.config import load_config

    rows, problems = describe_agents(load_config())
    print("\n".join(rows))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words[:1] == ["complete"]:
        from conch.complete_cli import main as complete

        return complete(words[1:])
    if words[:1] == ["sessions"]:
        from conch.sessions_cli import main as sessions

        return sessions(words[1:])
    args = build_parser().parse_args(words)
    if args.command == "agents":
        return list_agents()
    cwd = os.path.abspath(os.path.expanduser(args.cwd)) if args.cwd else os.getcwd()
    if not os.path.isdir(cwd):
        print(f"conch: --cwd {args.cwd!r} is not a directory", file=sys.stderr)
        return 2
    if args.command == "route":
        from conch.route_cli import run

        return run(args.explain, cwd)
    from conch.frame_rate import raise_frame_rate

    raise_frame_rate()
    from conch.app import ConchApp
    from conch.config import load_config
    from conch.plugin_host import PluginLoadError, load_plugins
    from conch.session_opening import SessionChoiceError, open_session

    try:
        plugins = load_plugins()
    except PluginLoadError as error:
        print(f"conch: {error}", file=sys.stderr)
        return 1
    loaded = load_config()
    try:
        link = open_session(cwd, loaded, args.agent, new=args.new, resume=args.resume)
    except SessionChoiceError as error:
        print(f"conch: {error}", file=sys.stderr)
        return 1
    ConchApp(cwd, loaded, plugins, agent_name=args.agent, session=link).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
