"""Why the host went away: when it crashed as a whole, it wrote a report named with its pid.

The window sees the connection close first (the host's loop is torn down before the report
is written), so it looks until the host's process is gone, and a little after.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from conch.crash_report import host_report

LOOK_FOR = 3.0
"""Seconds to wait for a host that is still exiting to write its report."""


async def crash_report_of(host_pid: int, look_for: float = LOOK_FOR) -> Path | None:
    """The report the host ``host_pid`` wrote as it crashed; None if it did not crash (it
    was killed, stopped, or is still running and only the connection broke)."""
    if host_pid <= 0:
        return None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + look_for
    while True:
        exited = not _running(host_pid)
        report = await asyncio.to_thread(host_report, host_pid)
        if report is not None or exited or loop.time() >= deadline:
            return report
        await asyncio.sleep(0.05)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
