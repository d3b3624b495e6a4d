"""``conch sessions``: list the journal's sessions, export one as Markdown, delete one, win
space back, salvage a damaged journal.

    conch sessions [--search TEXT]          id, title, cwd, size, last used; newest first
    conch sessions export ID [--full] [--ansi]
                                            the session as Markdown on stdout; long command
                                            outputs cut (--full: all of them), colours
                                            dropped (--ansi: kept)
    conch sessions delete ID [--detach-forks]
    conch sessions prune [--older-than DAYS]  drop old sessions' stored outputs (tails kept)
    conch sessions salvage FILE             copy what can be read from a damaged journal

IDs may be shortened to any unique prefix (the list shows 8 characters). Reading needs no
lock, so this works while Conch runs. A missing journal is not "no sessions" when the marker
says one existed: then the sessions were wiped, and this says so (exit status 1).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from conch.sessions.errors import JournalDamagedError, JournalError
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
    prune = commands.add_parser(
        "prune", help="drop the stored outputs of sessions not used for DAYS days; the "
        "conversation, the commands and each output's last lines stay")  # fmt: skip
    prune.add_argument(
        "--older-than", metavar="DAYS", type=float, default=30.0,
        help="sessions last used over DAYS days ago (default 30; 0: all)")  # fmt: skip
    salvage = commands.add_parser(
        "salvage", help="copy every readable session of a damaged journal file into this one"
    )
    salvage.add_argument("file", help="the damaged journal (e.g. journal.db.damaged-DATE)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    path, marker = journal_path(), root_marker_path()
    if args.command == "salvage":
        return salvage_file(Path(args.file), path)
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
            if args.command == "prune":
                return prune(journal, args.older_than)
            return list_sessions(journal, args.search)
    except JournalDamagedError as error:
        print(f"conch sessions: {error}. Start `conch` to set it aside and salvage it into "
              "a new journal.", file=sys.stderr)  # fmt: skip
        return 1
    except JournalError as error:
        print(f"conch sessions: {error}", file=sys.stderr)
        return 1


def salvage_file(source: Path, path: Path) -> int:
    """``conch sessions salvage FILE``: FILE is only read (from a copy)."""
    from conch.sessions.salvage import salvage

    if not source.is_file():
        print(f"conch sessions: {source} is not a file", file=sys.stderr)
        return 1
    if source.resolve() == path.resolve():
        print(f"conch sessions: {source} is the journal in use; to salvage it, rename it "
              "first (Conch does that when it finds it damaged)", file=sys.stderr)  # fmt: skip
        return 1
    try:
        with Journal.open(path, root_marker=root_marker_path()) as journal:
            report = salvage(source, journal)
    except (JournalError, OSError) as error:
        print(f"conch sessions: {error}", file=sys.stderr)
        return 1
    print(f"{report.summary.capitalize()} from {source} into {path}. {source} was not changed.")
    return 0


def prune(journal: Journal, older_than: float) -> int:
    open_now = {summary.record.id for summary in journal.list_sessions()
                if journal.is_writer_alive(summary.record.id)}  # fmt: skip
    report = journal.prune_outputs(older_than, open_now)
    days = f"{older_than:g} day" + ("" if older_than == 1 else "s")
    print(f"Pruned {report.outputs} stored output(s) ({human_size(report.bytes_dropped)}) of "
          f"sessions not used for {days}; the journal went from "
          f"{human_size(report.file_before)} to {human_size(report.file_after)}.")  # fmt: skip
    if report.sessions_open:
        print(f"{report.sessions_open} session(s) open in a running Conch were left as they are.")
    if not report.shrunk:
        print("The file could not be compacted while another Conch has it open; the space "
              "is reused for new sessions. Run this with Conch closed to shrink it.")  # fmt: skip
    return 0


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def list_sessions(journal: Journal, search: str | None) -> int:
    summaries = journal.list_sessions(search)
    if not summaries:
        print("No sessions match." if search else "No sessions yet.")
    else:
        sizes = journal.session_sizes()
        rows = [
            (
                summary.record.id[:8],
                _clip(summary.display_title, 40),
                _clip(_short_home(summary.record.cwd), 40),
                human_size(sizes.get(summary.record.id, 0)),
                time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.record.last_used_at)),
            )
            for summary in summaries
        ]
        header = ("ID", "TITLE", "CWD", "SIZE", "LAST USED")
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(4)]
        for row in (header, *rows):
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                  + "  " + row[4])  # fmt: skip
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
