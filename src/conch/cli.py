"""The ``conch`` command. Imports stay lazy so ``conch --version`` is instant."""

from __future__ import annotations

import argparse
import os
import sys

from conch import __version__

SUBCOMMANDS = ("agents", "route", "complete", "sessions", "host", "ps", "attach")
# Options that only mean something when the TUI starts; a subcommand refuses them.
_TUI_OPTIONS = {"new": "--new", "agent": "--agent", "resume": "--resume"}
_TAKES_VALUE = frozenset({"--cwd", "--agent", "--resume"})
_COMMANDS_HELP = """commands (each has its own --help):
  agents                       list configured and preset agents, and whether each can run
  route [--explain]            print Auto mode's decision (shell, agent, ask) per stdin line
  complete [--cwd DIR] LINE    print Tab's candidates for the end of LINE
  sessions [--search TEXT]     list sessions with their sizes (newest first), or those matching
  sessions export ID           print a session as Markdown
  sessions delete ID           delete a session and its events (--detach-forks to keep forks)
  sessions prune [--older-than DAYS]
                               drop old sessions' stored outputs (conversation and tails kept)
  sessions salvage FILE        copy what a damaged journal file still holds into this one
  host [start|status|stop]     the Conch host, which will run sessions outside the window
  ps [--json]                  the sessions the host runs now
  attach [ID] [--observe] [--new] [--agent NAME]
                               show a session the host runs (starting the host if needed);
                               detaching leaves it running

With no command, conch starts the TUI; it needs a terminal (stdin and stdout)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conch",
        description="One prompt for your real shell and a coding agent.",
        epilog=_COMMANDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        choices=SUBCOMMANDS,
        metavar="COMMAND",
        help="agents, route, complete, sessions, host, ps or attach (below); without one, "
        "the TUI starts",
    )
    parser.add_argument("--explain", action="store_true", help=argparse.SUPPRESS)
    return parser


def split_command(words: list[str]) -> tuple[list[str], str | None, list[str]]:
    """The global options, the subcommand (if any) and the subcommand's own words.

    ``conch --new sessions`` names ``sessions`` after an option: it is still the command,
    and what follows it belongs to the command's own parser."""
    position = 0
    while position < len(words):
        word = words[position]
        if word == "--":
            break
        if word in _TAKES_VALUE:
            position += 2
        elif word.startswith("-"):
            position += 1
        elif word in SUBCOMMANDS:
            return words[: position + 1], word, words[position + 1 :]
        else:
            break
    return words, None, []


def list_agents() -> int:
    """``conch agents``: every agent Conch knows, and whether it can run here."""
    from conch.agents.listing import describe_agents
    from conch.config import load_config

    rows, problems = describe_agents(load_config(), os.getcwd())
    print("\n".join(rows))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``conch``; a crash anywhere leaves a report file, one line and a non-zero exit."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except Exception as error:
        from conch.crash_report import EXIT_CRASHED, crash_message, write_report

        print(crash_message(error, write_report(error)), file=sys.stderr)
        return EXIT_CRASHED


def run(words: list[str]) -> int:
    parser = build_parser()
    options, command, rest = split_command(words)
    args = parser.parse_args(options)
    if command is not None:
        refused = [flag for name, flag in _TUI_OPTIONS.items() if getattr(args, name)]
        if refused:
            parser.error(f"{refused[0]} is for starting the TUI; `conch {command}` takes no "
                         f"{refused[0]} (see `conch {command} --help`)")  # fmt: skip
        return run_command(parser, command, args, rest)
    if args.explain:
        parser.error("--explain goes with route: `conch route --explain`")
    cwd = os.path.abspath(os.path.expanduser(args.cwd)) if args.cwd else os.getcwd()
    if not os.path.isdir(cwd):
        print(f"conch: --cwd {args.cwd!r} is not a directory", file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the TUI cannot read keys or draw; it used to spin a core.
        print("conch: the TUI needs a terminal (stdin and stdout); without one use "
              "`conch route`, `conch complete` or `conch sessions`", file=sys.stderr)  # fmt: skip
        return 2
    return run_tui(cwd, args)


def run_in_host(cwd: str, args: argparse.Namespace) -> int:
    """``[ui] in_host``: the session runs in the Conch host, shown by ``conch attach``'s
    window (the global options become attach's: --resume ID, --new, --agent)."""
    from conch.clients.attach.command import attach_main

    words = [args.resume] if args.resume else []
    words += ["--new"] if args.new else []
    words += ["--agent", args.agent] if args.agent else []
    return attach_main(words, cwd)


def run_command(
    parser: argparse.ArgumentParser, command: str, args: argparse.Namespace, rest: list[str]
) -> int:
    """One subcommand, with its own words (and its own --help)."""
    if args.explain and command != "route":
        parser.error("--explain goes with route: `conch route --explain`")
    if args.cwd is not None and command not in ("route", "complete", "attach"):
        parser.error(f"--cwd does not apply to `conch {command}`")
    if command == "complete":
        from conch.complete_cli import main as complete

        return complete(["--cwd", args.cwd, *rest] if args.cwd else rest)
    if command == "sessions":
        from conch.sessions_cli import main as sessions

        return sessions(rest)
    if command == "route":
        from conch.route_cli import main as route

        return route(rest, explain=args.explain, cwd=args.cwd)
    if command == "host":
        from conch.host_cli import host_main

        return host_main(rest)
    if command == "attach":
        from conch.clients.attach.command import attach_main

        return attach_main(rest, args.cwd)
    if command == "ps":
        from conch.host_cli import ps_main

        return ps_main(rest)
    argparse.ArgumentParser(
        prog="conch agents",
        description="List configured and preset agents, and whether each can run here.",
    ).parse_args(rest)
    return list_agents()


def run_tui(cwd: str, args: argparse.Namespace) -> int:
    from conch.tui.frame_rate import raise_frame_rate

    raise_frame_rate()  # before Textual is imported
    from conch.config import load_config
    from conch.plugin_host import PluginLoadError, load_plugins
    from conch.session_opening import SessionChoiceError, open_session
    from conch.tui.app import ConchApp

    loaded = load_config()
    if loaded.config.ui.in_host:
        return run_in_host(cwd, args)
    try:
        plugins = load_plugins()
    except PluginLoadError as error:
        print(f"conch: {error}", file=sys.stderr)
        return 1
    try:
        link = open_session(cwd, loaded, args.agent, new=args.new, resume=args.resume)
    except SessionChoiceError as error:
        print(f"conch: {error}", file=sys.stderr)
        return 1
    app = ConchApp(cwd, loaded, plugins, agent_name=args.agent, session=link)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
