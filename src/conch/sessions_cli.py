"""``conch sessions``: list the journal's sessions, export one as Markdown, delete one.

    conch sessions [--search TEXT]          id, title, cwd, last used; newest first
    conch sessions export ID [--full] [--ansi]
                                            the session as Markdown on stdout; long command
                                            outputs cut (--full: all of them), colours
                                            dropped (--ansi: kept)
    conch sessions delete ID [--detach-forks]

IDs may be shortened to any unique prefix (the list shows 8 characters). Reading needs no
lock, so this works while Conch runs. A missing journal is not "no sessions" when the marker
says one existed: then the sessions were wiped, and this says so (exit status 1).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from conch.sessions.errors import JournalError
from conch.sessions.journal import Journal
from conch.sessions.locations import check_storage, journal_path, root_marker_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conch sessions",
        description="List the journal's sessions (newest first), export one as Markdown, or "
        "delete one. IDs may be shortened to any unique prefix.",
        epilog="examples: conch sessions --search auth | conch sessions export 3f2a91c0 | "
        "conch sessions delete 3f2a91c0",
    )
    parser.add_argument("--search", metavar="TEXT", help="only sessions whose title, "
                        "directory or first input contains TEXT")  # fmt: skip
    commands = parser.add_subparsers(dest="command")
    export = commands.add_parser("export", help="print a session as Markdown")
    export.add_argument("id", help="a session id (or a unique prefix of one)")
    export.add_argument(
        "--full",
        action="store_true",
        help="every line of every command's output (long ones are cut)",
    )
    export.add_argument("--ansi", action="store_true",
                        help="keep the colour codes of command output")  # fmt: skip
    delete = commands.add_parser("delete", help="delete a session and its events, for good")
    delete.add_argument("id", help="a session id (or a unique prefix of one)")
    delete.add_argument(
        "--detach-forks", action="store_true", help="also when forks of it exist (they are kept)"
    )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    path, marker = journal_path(), root_marker_path()
    if not path.exists():
        loss = check_storage(path, marker, None)
        if loss is not None:
            print(f"conch sessions: {loss.message}", file=sys.stderr)
            return 1
        if args.command is None:
            print("No sessions yet.")
            return 0
        print(f"conch sessions: no session {args.id!r}: there are no sessions yet", file=sys.stderr)
        return 1
    try:
        with Journal.open(path, root_marker=marker) as journal:
            if journal.storage_loss is not None:
                print(f"conch sessions: {journal.storage_loss.message}", file=sys.stderr)
            if args.command == "export":
                from conch.sessions.export import MAX_OUTPUT_LINES, ExportOptions, session_markdown

                limit = None if args.full else MAX_OUTPUT_LINES
                options = ExportOptions(ansi=args.ansi, max_output_lines=limit)
                sys.stdout.write(session_markdown(journal, journal.resolve_id(args.id), options))
                return 0
            if args.command == "delete":
                session_id = journal.resolve_id(args.id)
                journal.delete(session_id, detach_forks=args.detach_forks)
                print(f"Deleted session {session_id}.")
                return 0
            return list_sessions(journal, args.search)
    except JournalError as error:
        print(f"conch sessions: {error}", file=sys.stderr)
        return 1


def list_sessions(journal: Journal, search: str | None) -> int:
    summaries = journal.list_sessions(search)
    if not summaries:
        print("No sessions match." if search else "No sessions yet.")
    else:
        rows = [
            (
                summary.record.id[:8],
                _clip(summary.display_title, 40),
                _clip(_short_home(summary.record.cwd), 40),
                time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.record.last_used_at)),
            )
            for summary in summaries
        ]
        header = ("ID", "TITLE", "CWD", "LAST USED")
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(3)]
        for row in (header, *rows):
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                  + "  " + row[3])  # fmt: skip
    loss = journal.recorded_storage_loss()
    if loss is not None and journal.storage_loss is None:  # not already said by this run
        print(f"note: {loss.message}", file=sys.stderr)
    return 0


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_home(path: str) -> str:
    home = os.path.expanduser("~").rstrip("/")
    if path == home:
        return "~"
    return "~" + path[len(home) :] if path.startswith(home + "/") else path
