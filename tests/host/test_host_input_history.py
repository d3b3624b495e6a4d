"""Up/Down's history through the host, for real: `input_history` lists the lines typed in
every session of the journal, oldest first, for any client following a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch.host.client import HostConnection, HostRequestFailed
from tests.host.test_host_sessions import attach, events_until, is_kind


async def test_input_history_lists_every_sessions_lines_oldest_first(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    first, _ = await attach(clients, cwd=str(project))
    await first.request("submit", line="echo in-the-first")
    await events_until(first, is_kind("shell_end"))
    second, attached = await attach(clients, cwd=str(project), new=True)
    await second.request("submit", line="echo in-the-second")
    await events_until(second, is_kind("shell_end"))
    observer, _ = await attach(clients, role="observer", session=attached["session"])
    reply = await observer.request("input_history", limit=10)
    assert [row[:2] for row in reply["entries"]] == [
        ["echo in-the-first", "shell"],
        ["echo in-the-second", "shell"],
    ]
    assert reply["entries"][0][2] == str(project)
    only_last = await observer.request("input_history", limit=1)
    assert [row[0] for row in only_last["entries"]] == ["echo in-the-second"]
    with pytest.raises(HostRequestFailed, match="limit must be"):
        await observer.request("input_history", limit=0)
