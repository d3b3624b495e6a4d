"""When Conch crashes: a report file in the state dir, one line on the terminal, a non-zero exit.

In the host a crash is usually one request's: the host writes the report, answers that
request with ``host_crash_message`` (the window shows it) and goes on serving its sessions.
If the host's main loop itself fails, it writes the report (named with its pid, so that a
window that lost the host finds it: ``host_report``) and exits with EXIT_CRASHED.

Textual's own crash screen prints the traceback with every frame's local variables, and in
Conch those are the session: typed lines, command output, agent answers, left on the
terminal for anyone to see. Instead the traceback (no locals) goes to a private file
(0600, in ``$XDG_STATE_HOME/conch/crashes``) and the terminal gets its path. No Textual here:
the app and the CLI both call it.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from pathlib import Path

from conch import __version__, paths, private

EXIT_CRASHED = 70
"""EX_SOFTWARE (sysexits.h): an internal error; Textual's own crash exit is 1."""


def reports_dir() -> Path:
    return paths.state_dir() / "crashes"


def write_report(error: BaseException) -> Path | None:
    """Write the report; its path, or None if even that failed (a full or read-only disk)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    lines = [
        f"Conch {__version__} crashed at {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"Command: conch {' '.join(sys.argv[1:])}",
        "",
        *traceback.format_exception(error),
    ]
    try:
        path = reports_dir() / f"crash-{stamp}-{os.getpid()}.txt"
        with os.fdopen(private.open_new_text(path), "w", encoding="utf-8") as handle:
            handle.write("\n".join(line.rstrip("\n") for line in lines) + "\n")
    except OSError:
        return None
    return path


def crash_message(error: BaseException, report: Path | None) -> str:
    """The one line for the terminal: what kind of error, and where the details are."""
    where = _where(report)
    return (
        f"Conch crashed ({type(error).__name__}); {where}. Your session is saved up to the "
        "last thing shown as done; `conch` reopens it."
    )


def host_report(host_pid: int) -> Path | None:
    """The report a host with this pid wrote when it crashed as a whole; None if none."""
    try:
        return next(iter(sorted(reports_dir().glob(f"crash-*-{host_pid}.txt"))), None)
    except OSError:
        return None


def host_died_message(error: BaseException, report: Path | None) -> str:
    """What the host's log says when its main loop failed and every session stopped."""
    where = _where(report)
    return (
        f"The Conch host crashed ({type(error).__name__}); {where}. Its sessions are saved; "
        "the next `conch` or `conch attach` starts a host that restores them."
    )


def host_crash_message(error: BaseException, report: Path | None) -> str:
    """What the window that asked is told when the host crashed answering it."""
    where = _where(report)
    return (
        f"Conch crashed ({type(error).__name__}) in the host while answering this window, so "
        f"that was not done; {where}. The host and its sessions go on."
    )


def _where(report: Path | None) -> str:
    return f"the report is {report}" if report else "no report could be written"
