"""``rename`` and ``delete`` on a real host: the title goes to the journal, to every client's
mirror of the shared state and to ``conch ps``, for the attached session or any other by id;
a stored session is deleted, a live one is not; an observer and an empty title are
refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conch.host.client import HostConnection, HostRequestFailed
from conch.host.state_mirror import StateMirror
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from tests.host.conch_process import conch
from tests.host.test_host_sessions import attach, events_until, is_kind, output_of


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


async def test_rename_by_id_reaches_a_live_session_and_a_stored_one_and_null_clears(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, cwd=str(project))
    live = attached["session"]
    stored = (await laptop.request("fork"))["session"]  # a fork is stored until attached
    phone, _ = await attach(clients, session=live)
    phone_state = await mirrored(phone)
    picker, _ = await attach(clients, cwd=str(project), new=True)  # a window in another session

    assert await picker.request("rename", session=live, title="the live one") == {
        "session": live,
        "title": "the live one",
    }
    assert (await picker.request("rename", session=stored, title="kept for later"))[
        "title"
    ] == "kept for later"
    await phone_state.wait_until(lambda m: m.session.get("title") == "the live one", timeout=10)
    with Journal.open(journal_path()) as journal:
        assert journal.get_session(live).title == "the live one"
        assert journal.get_session(stored).title == "kept for later"

    assert (await picker.request("rename", session=live, title=None))["title"] == ""
    await phone_state.wait_until(lambda m: m.session.get("title") == "", timeout=10)
    with Journal.open(journal_path()) as journal:
        assert journal.get_session(live).title is None


async def test_delete_removes_a_stored_session_and_refuses_a_live_one_or_an_observer(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, cwd=str(project))
    live = attached["session"]
    stored = (await laptop.request("fork"))["session"]
    observer, _ = await attach(clients, role="observer", session=live)

    with pytest.raises(HostRequestFailed) as running:
        await laptop.request("delete", session=live)
    assert running.value.code == "live" and "Ctrl+Q" in str(running.value)
    with pytest.raises(HostRequestFailed) as watching:
        await observer.request("delete", session=stored)
    assert watching.value.code == "observer"
    with Journal.open(journal_path()) as journal:
        assert {live, stored} <= {s.record.id for s in journal.list_sessions()}

    assert await laptop.request("delete", session=stored) == {"session": stored}

    with Journal.open(journal_path()) as journal:
        assert {s.record.id for s in journal.list_sessions()} == {live}
    await laptop.request("submit", line="echo still-here")  # the live one is untouched
    assert "still-here" in output_of(await events_until(laptop, is_kind("shell_end")))
