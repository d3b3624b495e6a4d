"""``fork`` on a real host: a controller forks its session (at its end or at a chosen event)
into a new stored session that an attach opens; the original goes on running and keeps its
events; an observer, an unknown session and a point outside the session are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conch.host.client import HostConnection, HostRequestFailed
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from tests.host.conch_process import conch
from tests.host.test_host_sessions import attach, events_until, is_kind, output_of


async def test_a_fork_at_a_chosen_command_keeps_it_and_leaves_the_original_running(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, cwd=str(project))
    session = attached["session"]
    await laptop.request("submit", line="echo first-$((1 + 1))")
    first_end = (await events_until(laptop, is_kind("shell_end")))[-1]
    await laptop.request("submit", line="echo second-$((1 + 2))")
    await events_until(laptop, is_kind("shell_end"))

    reply = await laptop.request("fork", at_index=first_end["idx"])

    fork = reply["session"]
    assert fork != session and reply["parent"] == session
    opened, fork_attach = await attach(clients, session=fork)
    assert fork_attach["session"] == fork
    history = await events_until(opened, lambda event: event["idx"] == fork_attach["last_index"])
    assert "first-2" in output_of(history) and "second-3" not in output_of(history)
    await opened.request("submit", line="echo in-the-fork")
    assert "in-the-fork" in output_of(await events_until(opened, is_kind("shell_end")))
    live = {row["id"]: row for row in json.loads(conch("ps", "--json").stdout)}
    assert set(live) == {session, fork}, "the original goes on in the host"
    with Journal.open(journal_path()) as journal:
        kept = output_of([{"kind": e.kind, "payload": e.payload} for e in journal.events(session)])
    assert "second-3" in kept and "in-the-fork" not in kept, "the original is untouched"


async def test_a_fork_without_a_point_copies_the_whole_session(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, _ = await attach(clients, cwd=str(project))
    await laptop.request("submit", line="echo all-of-it")
    await events_until(laptop, is_kind("shell_end"))

    fork = (await laptop.request("fork"))["session"]

    opened, reply = await attach(clients, session=fork)
    history = await events_until(opened, lambda event: event["idx"] == reply["last_index"])
    assert "all-of-it" in output_of(history)


async def test_fork_is_refused_to_an_observer_and_for_a_bad_session_or_point(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    controller, attached = await attach(clients, cwd=str(project))
    observer, _ = await attach(clients, role="observer", session=attached["session"])

    with pytest.raises(HostRequestFailed) as refused:
        await observer.request("fork")
    assert refused.value.code == "observer"
    with pytest.raises(HostRequestFailed) as unknown:
        await controller.request("fork", session="f" * 32)
    assert unknown.value.code == "no-session"
    with pytest.raises(HostRequestFailed) as outside:
        await controller.request("fork", at_index=10_000)
    assert outside.value.code == "bad-params" and "pick a point" in str(outside.value)
    with Journal.open(journal_path()) as journal:
        assert [s.record.id for s in journal.list_sessions()] == [attached["session"]]
