"""``conch attach [ID] [--observe] [--new]``: show a host session in this terminal.

Attaches to session ID (an id or a unique prefix), or to this directory's last session, or to
a new one (``--new``); starts the host first when none runs. Leaving (``/detach``, Ctrl+D on
an empty prompt, closing the window) detaches: the session goes on in the host. Ctrl+Q quits,
and stops the session too when no other client is attached and nothing runs or waits.
Textual is imported only once the arguments are good and there is a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys


def attach_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conch attach",
        description="Show a session the Conch host runs; it goes on when you detach.",
        epilog="Keys: Ctrl+Q quits, and stops the session if it is idle and no other client "
        "is attached · /detach, or Ctrl+D on an empty prompt, detaches (the session goes on; "
        "Ctrl+D ends a running command's input) · Ctrl+C interrupts the running command · "
        "Tab completes from the session's shell · Up/Down recall lines (another client's too), "
        "Ctrl+R searches them, or restarts a host that went away. Closing the window "
        "detaches. Lines go where "
        "the app sends them: Auto mode by default, !LINE to the shell, ?LINE to the agent, "
        "Ctrl+Space cycles the mode · Esc stops the agent's turn · Tab gives a waiting "
        "question (a permission, shell-or-agent) the keys · /cancel N withdraws a queued "
        "prompt · /agents NAME switches the session's agent · /help lists the rest.",
    )
    parser.add_argument(
        "session", nargs="?", metavar="ID", help="the session (default: this directory's last)"
    )
    parser.add_argument(
        "--observe", action="store_true", help="watch only: this client cannot type"
    )
    parser.add_argument("--new", action="store_true", help="attach to a new session")
    parser.add_argument(
        "--agent", metavar="NAME", help="switch the session to this agent (see `conch agents`)"
    )
    parser.add_argument(
        "--name",
        help='how other clients see this one, e.g. in a permission\'s "by" (default: '
        "user@machine and the terminal, e.g. pts/3)",
    )
    return parser


def attach_main(argv: list[str], cwd: str | None = None) -> int:
    args = attach_parser().parse_args(argv)
    if args.session and args.new:
        attach_parser().error("give a session ID or --new, not both")
    if args.agent and args.observe:
        attach_parser().error("an observer cannot switch the agent: --agent or --observe")
    where = os.path.abspath(os.path.expanduser(cwd)) if cwd else os.getcwd()
    if not os.path.isdir(where):
        print(f"conch attach: --cwd {cwd!r} is not a directory", file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("conch attach: needs a terminal (stdin and stdout); `conch ps` lists the "
              "host's sessions without one", file=sys.stderr)  # fmt: skip
        return 2
    from conch.tui.frame_rate import raise_frame_rate

    raise_frame_rate()  # before Textual is imported
    from conch.clients.attach.host_link import HostLink
    from conch.clients.attach.tui.attach_app import AttachApp
    from conch.host.handshake import Role

    role: Role = "observer" if args.observe else "controller"
    name = args.name.strip() if args.name and args.name.strip() else None
    link = HostLink(
        where, session=args.session, new=args.new, role=role, name=name, agent=args.agent
    )
    app = AttachApp(link)
    app.run()
    if app.farewell:
        print(app.farewell, file=sys.stderr if app.return_code else sys.stdout)
    return app.return_code or 0
