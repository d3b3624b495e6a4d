"""The journal the host opens at its start, damaged or read-only: a real `conch host` process,
clients on its socket.

The host opens the journal as the app does: a damaged file is set aside untouched and
salvaged into a new journal, and the first window that attaches is told where it went (once,
not journaled: a later attach is not told again); a journal that cannot be written leaves
the host running its sessions unsaved, and every window that attaches is told so.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conch.host.client import HostConnection
from conch.host.live_list import live_list_path
from conch.host.runtime import host_places, runtime_dir
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path, root_marker_path
from tests.e2e.conch_terminal import stop_host
from tests.host.conch_process import conch
from tests.host.conftest import clients  # noqa: F401
from tests.hostile.conftest import damage, remount_read_only, write_journal
from tests.hostile.test_damaged_journal import project  # noqa: F401

Mount = Callable[[str], Path]


def start_host() -> None:
    started = conch("host")
    assert started.returncode == 0, started.stderr


async def attach(opened: list[HostConnection], **params: Any) -> tuple[HostConnection, Any]:
    connection = await HostConnection.open(host_places().socket, role="controller")
    opened.append(connection)
    return connection, await connection.request("attach", role="controller", **params)


async def output_of_command(connection: HostConnection, after: int, line: str) -> str:
    """Run ``line`` in the attached session (its history ends at event ``after``); what it
    printed, once it ended."""
    await connection.request("submit", line=line)
    text = ""
    while True:
        message = await connection.next_event(timeout=30)
        event = message["event"]
        if event["idx"] <= after:
            continue  # the history sent on attach
        if event["kind"] == "shell_output":
            text += event["payload"].get("text", "")
        if event["kind"] == "shell_end":
            return text


async def test_the_first_attach_is_told_where_the_damaged_journal_went_and_no_later_one(
    project: Path,  # noqa: F811
    clients: list[HostConnection],  # noqa: F811
) -> None:
    journal = journal_path()
    write_journal(journal, str(project), sessions=1, lines=3)
    damage(journal, "random_header")
    damaged = journal.read_bytes()
    start_host()
    [aside] = [p for p in journal.parent.glob("journal.db.damaged-*")
               if not p.name.endswith(("-wal", "-shm"))]  # fmt: skip
    assert aside.read_bytes() == damaged, "set aside untouched"

    first, reply = await attach(clients, cwd=str(project))
    [notice] = reply["notices"]
    assert "set aside untouched" in notice and str(aside) in notice
    assert "1 session(s) with" in notice and "salvaged" in notice
    assert "works-after-salvage" in await output_of_command(
        first, reply["last_index"], "echo works-after-salvage"
    )

    _, again = await attach(clients, cwd=str(project))
    assert again["session"] == reply["session"]
    assert again["notices"] == [], "said once"


async def test_the_first_attach_is_told_that_the_journal_was_deleted(
    project: Path,  # noqa: F811
    clients: list[HostConnection],  # noqa: F811
) -> None:
    journal = journal_path()
    Journal.open(journal, root_marker=root_marker_path()).close()  # a journal Conch knew
    for file in journal.parent.glob("journal.db*"):
        file.unlink()
    start_host()
    _, reply = await attach(clients, cwd=str(project))
    [notice] = reply["notices"]
    assert f"The session journal {journal} was deleted" in notice
    _, again = await attach(clients, cwd=str(project))
    assert again["notices"] == [], "said once"


async def test_a_read_only_journal_runs_sessions_unsaved_and_every_attach_is_told(
    project: Path,  # noqa: F811
    clients: list[HostConnection],  # noqa: F811
    tmpfs: Mount,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmpfs("4m")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    journal = journal_path()
    write_journal(journal, str(project), sessions=1, lines=3)
    remount_read_only(data)
    before = journal.read_bytes()
    start_host()

    first, reply = await attach(clients, cwd=str(project))
    [notice] = reply["notices"]
    assert notice.startswith("Sessions are not being saved") and str(journal) in notice
    assert "conch host stop" in notice, "says which restart saves again"
    assert "unsaved-but-working" in await output_of_command(
        first, reply["last_index"], "echo unsaved-but-working"
    )
    _, second = await attach(clients, new=True, cwd=str(project))
    assert second["notices"] == [notice]
    assert journal.read_bytes() == before
    assert not live_list_path().exists(), "its sessions die with its scratch journal"

    scratch = [p for p in runtime_dir().iterdir() if p.name.startswith("unsaved-")]
    assert len(scratch) == 1 and os.stat(scratch[0]).st_mode & 0o077 == 0, "private"
    stop_host(runtime_dir().parent)  # as `conch host stop` does, waiting until it is gone
    assert not scratch[0].exists(), "nothing of an unsaved run is kept"
