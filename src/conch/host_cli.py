"""``conch host`` and ``conch ps``: start, inspect and stop the host; list live sessions.

Plain text for people, ``--json`` for scripts. Every failure is one line that
says what to do, and a non-zero exit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from conch.host.client import HostGone, HostNotRunning, HostRequestFailed, ask_host
from conch.host.handshake import HandshakeRefused
from conch.host.runtime import RuntimeDirError, host_places


def host_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conch host",
        description="The Conch host runs sessions, so they outlive their window.",
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=["start", "status", "stop"],
        default="start",
        help="start (default): start a host in the background unless one runs; "
        "status: what the running host is doing; stop: stop it",
    )
    parser.add_argument(
        "--foreground", action="store_true", help="run the host in this terminal (debugging)"
    )
    parser.add_argument("--log-to-file", action="store_true", help=argparse.SUPPRESS)
    return parser


def ps_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conch ps", description="List the sessions the Conch host is running."
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array of sessions: id, title, cwd, agent, model, state (idle, "
        "running, working, needs-input, stopped, failed), clients (a count), attached "
        "([{name, role}]: who, e.g. user@machine pts/3, as controller or observer), "
        "last_activity (Unix time)",
    )
    return parser


def host_main(argv: list[str]) -> int:
    args = host_parser().parse_args(argv)
    from conch.host import process

    if args.foreground:
        return process.run_host(to_terminal=not args.log_to_file)
    try:
        if args.action == "stop":
            answer = _ask("stop")
            print(f"stopped the Conch host (pid {answer['pid']})")
            return 0
        if args.action == "start" and not process.is_running():
            process.start_detached()
        _print_status(_ask("status"))
    except (HostNotRunning, HostGone, HandshakeRefused, HostRequestFailed, RuntimeDirError) as e:
        print(f"conch host: {e}", file=sys.stderr)
        return 1
    return 0


def ps_main(argv: list[str]) -> int:
    args = ps_parser().parse_args(argv)
    try:
        sessions: list[dict[str, Any]] = _ask("ps")
    except HostNotRunning:
        if args.json:
            print("[]")
        else:
            print("No Conch host is running, so no session is live (`conch sessions` lists all).")
        return 0
    except (HostGone, HandshakeRefused, HostRequestFailed, RuntimeDirError) as error:
        print(f"conch ps: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(sessions, indent=2))
    elif not sessions:
        print("The Conch host runs no session right now.")
    else:
        for row in sessions:
            agent = row["agent"] or "-"
            if row.get("model"):
                agent += f"/{row['model']}"
            print(
                f"{row['id'][:8]}  {row['state']:<11} {row['clients']} client(s)  "
                f"{agent:<10} {row['title'] or '(untitled)'}  {row['cwd']}"
            )
    return 0


def _ask(method: str) -> Any:
    places = host_places()
    status: Any = None

    async def go() -> Any:
        nonlocal status
        if method == "stop":
            status = await ask_host(places.socket, "status")
        return await ask_host(places.socket, method)

    answer = asyncio.run(go())
    if method == "stop" and isinstance(status, dict):
        return {**answer, "pid": status.get("pid")}
    return answer


def _print_status(status: dict[str, Any]) -> None:
    up = time.time() - float(status.get("started_at", time.time()))
    print(
        f"Conch host {status['conch']} · pid {status['pid']} · up {up:.0f} s · "
        f"{status['sessions']} live session(s) · {status['clients']} client(s)\n"
        f"socket {status['socket']}\nlog    {status['log']}"
    )
