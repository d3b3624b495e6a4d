"""Help after a failed line, through a real host: the client that submitted `gti status` is
offered `git status` (from the session's own PATH), a line that reads as a request is offered
to the agent only when the session has one, and no other client hears of either.

The config knows the fake ACP agent but picks none, so sessions start with no agent and
``set_agent`` gives one. Nothing is decided by sleeping: a client that must get no offer runs
one more command after the failed one and is checked once that command's end arrives (the
host sends an offer before the next command can start).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conch.host.client import HostConnection
from conch.host.error_offers import OutputSample, offer_from_wire
from conch.host.runtime import host_places
from conch_plugins.shell_mode.failure_offer import NO_AGENT_MESSAGE, Offer
from tests.host.conch_process import conch
from tests.host.conftest import host_pid
from tests.host.test_host_sessions import events_until, is_kind
from tests.peers.fake_agents import write_fake_acp_config


@pytest.fixture
def host(project: Path) -> Iterator[int]:
    """A host whose config has the fake ACP agent but no default one."""
    write_fake_acp_config(default=False)
    started = conch("host")
    assert started.returncode == 0, started.stderr
    yield host_pid()
    conch("host", "stop")


class Client:
    """A controller on the socket that keeps the host's messages that are not events."""

    def __init__(self, connection: HostConnection) -> None:
        self.connection = connection
        self.notices: list[dict[str, Any]] = []
        connection.on_notice = self.notices.append

    @property
    def offers(self) -> list[dict[str, Any]]:
        return [notice for notice in self.notices if notice.get("type") == "error_offer"]

    async def run(self, line: str, mode: str = "shell") -> int:
        """Submit ``line``, wait for its end; the index of its ``shell_start``."""
        await self.connection.request("submit", line=line, mode=mode)
        started = await events_until(self.connection, lambda e: e["kind"] == "shell_start"
                                     and e["payload"]["command"] == line)  # fmt: skip
        await events_until(self.connection, is_kind("shell_end"))
        return int(started[-1]["idx"])

    async def offer_for(self, block: int) -> dict[str, Any]:
        """The offer about ``block``; it is sent right after the block's end."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while not self.offers and loop.time() < deadline:
            await asyncio.sleep(0.01)
        assert self.offers, "no offer came"
        offer = self.offers[0]
        self.notices.remove(offer)
        assert offer["block"] == block, offer
        return offer


async def controller(clients: list[HostConnection], **params: Any) -> tuple[Client, str]:
    connection = await HostConnection.open(host_places().socket, "controller", "laptop")
    clients.append(connection)
    reply = await connection.request("attach", **params)
    return Client(connection), str(reply["session"])


async def test_a_mistyped_command_is_offered_its_fix_in_the_submitting_client_only(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, session = await controller(clients, cwd=str(project))
    phone, _ = await controller(clients, session=session)
    block = await laptop.run("gti status", mode="auto")
    offer = await laptop.offer_for(block)
    assert (offer["session"], offer["kind"], offer["text"]) == (session, "correction",
                                                                "git status")  # fmt: skip
    assert offer["message"] == "Did you mean `git status`?"
    await phone.run("true")  # the phone saw gti's end, then its own command's
    assert phone.offers == [] and laptop.offers == []


async def test_commands_that_succeed_or_fail_plainly_are_offered_nothing(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, _ = await controller(clients, cwd=str(project))
    for line in ("echo fine", "false", "ls no-such-file", "sh -c 'exit 3'", "echo 'open"):
        await laptop.run(line)
    block = await laptop.run("gti status")
    assert (await laptop.offer_for(block))["text"] == "git status", "the first offer is gti's"


async def test_a_failed_request_is_offered_to_the_agent_only_once_the_session_has_one(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, _ = await controller(clients, cwd=str(project))
    block = await laptop.run("find all python files")
    offer = await laptop.offer_for(block)
    assert (offer["kind"], offer["message"]) == ("no-agent", NO_AGENT_MESSAGE)
    await laptop.connection.request("set_agent", agent="fake")
    block = await laptop.run("find all python files")
    offer = await laptop.offer_for(block)
    assert (offer["kind"], offer["text"]) == ("agent", "find all python files")
    assert offer["message"] == "This reads as a request: send it to the agent?"


async def test_with_no_agent_a_request_with_a_typo_is_offered_its_fix(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, _ = await controller(clients, cwd=str(project))
    block = await laptop.run("gerp for the word main in all files")
    offer = await laptop.offer_for(block)
    assert (offer["kind"], offer["text"]) == ("correction", "grep for the word main in all files")


def test_an_offer_crosses_the_wire_and_a_malformed_one_is_dropped() -> None:
    message = {"type": "error_offer", "session": "s", "block": 7, "kind": "correction",
               "text": "git status", "message": "Did you mean `git status`?"}  # fmt: skip
    assert offer_from_wire(message) == (7, Offer("correction", "git status",
                                                 "Did you mean `git status`?"))  # fmt: skip
    assert offer_from_wire({**message, "kind": "rm -rf"}) is None
    assert offer_from_wire({**message, "block": "7"}) is None


def test_the_output_sample_keeps_both_ends_of_a_long_output() -> None:
    sample = OutputSample(limit=10)
    sample.add("bash: gti: command not found\n")
    for _ in range(1000):
        sample.add("x" * 7)
    sample.add("Usage: end")
    text = sample.text()
    assert text.startswith("bash: gti:") and text.endswith("Usage: end")
    assert len(text) < 30
    short = OutputSample(limit=10)
    short.add("abc")
    short.add("def")
    assert short.text() == "abcdef"
