"""``rename`` on a real host: the title goes to the journal, to every client's mirror of the
shared state and to ``conch ps``; an observer and an empty title are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conch.host.client import HostConnection, HostRequestFailed
from conch.host.state_mirror import StateMirror
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from tests.host.conch_process import conch
from tests.host.test_host_sessions import attach


async def mirrored(connection: HostConnection) -> StateMirror:
    mirror = StateMirror(connection)
    mirror.start()
    await mirror.wait_until(lambda m: "title" in m.session, timeout=10)
    return mirror


async def test_rename_reaches_the_journal_every_client_and_ps(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, cwd=str(project))
    session = attached["session"]
    phone, _ = await attach(clients, session=session)
    phone_state = await mirrored(phone)

    reply = await laptop.request("rename", title="  fix the login tests ")

    assert reply == {"session": session, "title": "fix the login tests"}
    await phone_state.wait_until(
        lambda m: m.session.get("title") == "fix the login tests", timeout=10
    )
    with Journal.open(journal_path()) as journal:
        assert journal.get_session(session).title == "fix the login tests"
    listed = json.loads(conch("ps", "--json").stdout)
    assert [row["title"] for row in listed] == ["fix the login tests"]


async def test_rename_is_refused_to_an_observer_and_without_a_title(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    controller, attached = await attach(clients, cwd=str(project))
    session = attached["session"]
    observer, _ = await attach(clients, role="observer", session=session)

    with pytest.raises(HostRequestFailed) as refused:
        await observer.request("rename", title="mine now")
    assert refused.value.code == "observer"
    for empty in ("", "   "):
        with pytest.raises(HostRequestFailed) as bad:
            await controller.request("rename", title=empty)
        assert bad.value.code == "bad-params" and "title" in str(bad.value)
    with Journal.open(journal_path()) as journal:
        assert journal.get_session(session).title is None
    state = await mirrored(controller)
    assert state.session["title"] == ""
