"""A full-screen program in a host session, for real: a `conch host` process, real bash and
less, two clients on the real socket. The client that started it gets its screen (``R``
frames) and types into it; the other is told where it runs and can neither type nor resize.
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import pytest

from conch.host.client import HostConnection, HostRequestFailed
from conch.host.runtime import host_places
from conch.host.session_engine import STOP_NOTE
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from tests.host.conch_process import conch, has_exited
from tests.host.test_host_sessions import attach, events_until, is_kind, output_of
from tests.peers.programs import needs_program

pytestmark = needs_program("less", "less", "the tests of a full-screen program through the host")


class Watcher:
    """What one client hears beside events: ``full_screen`` notices and screen bytes."""

    def __init__(self, connection: HostConnection) -> None:
        self.notices: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.screen = bytearray()
        self._screen_grew = asyncio.Event()
        connection.on_notice = self.notices.put_nowait
        connection.on_raw = self._raw

    def _raw(self, data: bytes) -> None:
        self.screen += data
        self._screen_grew.set()

    async def notice(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.notices.get(), 20)

    async def screen_with(self, text: bytes) -> None:
        async with asyncio.timeout(20):
            while text not in self.screen:
                self._screen_grew.clear()
                await self._screen_grew.wait()


def keys(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def quit_less(owner: HostConnection, watcher: Watcher) -> dict[str, Any]:
    """Press q until less is gone, as a person would: a key that lands while less redraws
    for a new size can be dropped by it (1 run in 6 here); the notice that it ended."""
    for _ in range(10):
        await owner.request("send_input", data=keys(b"q"))  # False once less has ended
        try:
            return await asyncio.wait_for(watcher.notices.get(), 2)
        except TimeoutError:
            continue
    raise AssertionError("less did not end after q was pressed 10 times")


async def test_less_goes_to_the_client_that_started_it_and_the_other_is_told(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    (project / "notes.txt").write_text("first-line-of-notes\n")
    first, attached = await attach(clients, cwd=str(project))
    second, _ = await attach(clients, session=attached["session"])
    mine, theirs = Watcher(first), Watcher(second)
    await first.request("submit", line="stty size")
    size_before = output_of(await events_until(first, is_kind("shell_end"))).strip()
    await events_until(second, is_kind("shell_end"))

    await first.request("submit", line="less notes.txt")
    assert await mine.notice() == {
        "type": "full_screen", "session": attached["session"], "program": "less", "yours": True,
    }  # fmt: skip
    assert (await theirs.notice())["yours"] is False
    await mine.screen_with(b"first-line-of-notes")
    assert theirs.screen == b""

    assert (await second.request("send_input", data=keys(b"q")))["sent"] is False
    assert (await second.request("resize", rows=10, cols=30))["resized"] is False
    assert (await first.request("resize", rows=20, cols=60))["resized"] is True
    late = await HostConnection.open(host_places().socket)
    clients.append(late)
    watching_late = Watcher(late)  # before it attaches: the notice follows the history
    await late.request("attach", session=attached["session"])
    assert (await watching_late.notice())["program"] == "less"

    assert await quit_less(first, mine) == {
        "type": "full_screen", "session": attached["session"], "program": "", "yours": False,
    }  # fmt: skip
    assert (await theirs.notice())["program"] == ""
    seen = await events_until(second, is_kind("shell_end"))
    assert seen[-1]["payload"]["exit_status"] == 0
    assert "first-line-of-notes" not in output_of(seen)  # the screen went to its owner only

    await second.request("submit", line="stty size")  # the owner's size was lent, not kept
    assert output_of(await events_until(second, is_kind("shell_end"))).strip() == size_before


async def test_send_input_refuses_data_that_is_not_base64(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, cwd=str(project))
    with pytest.raises(HostRequestFailed, match="base64"):
        await client.request("send_input", data="not base64!")


async def test_host_stop_ends_a_full_screen_program_and_journals_it_interrupted(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    (project / "notes.txt").write_text("some notes\n")
    client, attached = await attach(clients, cwd=str(project))
    owner = Watcher(client)
    await client.request("submit", line="less notes.txt")
    assert (await owner.notice())["yours"] is True
    await owner.screen_with(b"some notes")
    assert conch("host", "stop").returncode == 0  # less shrugs off Ctrl+C: it is killed
    assert has_exited(host, 20)
    with Journal.open(journal_path()) as journal:
        events = list(journal.events(attached["session"]))
        ends = [e for e in events if e.kind == "shell_end"]
        assert len(ends) == 1 and ends[0].payload["interrupted"] is True  # by the stop
        assert ends[0].payload["interrupted_by_user"] is False
        notices = [e.payload["text"] for e in events if e.kind == "notice"]
        assert any("`less notes.txt`" in text and STOP_NOTE in text for text in notices)
