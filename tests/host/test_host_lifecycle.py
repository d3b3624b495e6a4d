"""How a live session ends in the host, for real: Ctrl+Q's ``detach`` with ``stop_if_idle``,
its refusals, the revive, and what `conch ps` says about each session meanwhile.

A detached `conch host` process with real bash and SQLite; the session's agent is the fake
ACP agent (``wait`` runs until cancelled, ``gate`` asks permission), so nothing is decided
by sleeping. Clients name themselves as a person's terminal would.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conch.clients.attach.host_link import HostLink
from conch.host.client import HostConnection
from conch.host.client_name import client_name
from conch.host.runtime import host_places
from conch.host.session_host import STOPPED_NOTE
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from tests.host.conch_process import conch
from tests.host.conftest import host_pid
from tests.host.test_host_agent import asked, attach, mirrored
from tests.host.test_host_sessions import events_until, is_kind, output_of
from tests.peers.fake_agents import write_fake_acp_config


@pytest.fixture
def host(project: Path) -> Iterator[int]:
    """A host whose sessions start with the fake ACP agent; a second agent, ``scripted``
    (Conch's own, with a model), can be chosen with set_agent."""
    write_fake_acp_config(more='\n[agents.scripted]\nkind = "openai"\n'
                          'base_url = "http://127.0.0.1:9/v1"\nmodel = "tiny-model"\n')  # fmt: skip
    started = conch("host")
    assert started.returncode == 0, started.stderr
    yield host_pid()
    conch("host", "stop")


def ps_rows() -> list[dict[str, Any]]:
    listed = conch("ps", "--json")
    assert listed.returncode == 0, listed.stderr
    rows: list[dict[str, Any]] = json.loads(listed.stdout)
    return rows


def stored_events(session: str) -> list[Any]:
    with Journal.open(journal_path()) as journal:
        return list(journal.events(session))


def is_released(session: str) -> bool:
    """Whether no process holds the session's claim (this one takes it and gives it back)."""
    with Journal.open(journal_path()) as journal:
        record = journal.claim(session)
        journal.release(session)
        return record.status == "idle"


def wait_command(project: Path) -> str:
    return f"while [ ! -e {project}/go ]; do sleep 0.02; done; echo went"


# -- Ctrl+Q: stop if idle --------------------------------------------------------------


async def test_quit_alone_on_an_idle_session_stops_it_and_an_attach_revives_it(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, "laptop", cwd=str(project))
    session = attached["session"]
    await client.request("submit", line="echo kept-in-the-journal")
    await events_until(client, is_kind("shell_end"))
    left = await client.request("detach", stop_if_idle=True)
    assert left == {"detached": session, "stopped": True, "kept": ""}
    assert ps_rows() == [], "a stopped session is not live"
    assert is_released(session), "stopped cleanly: claim released, status idle"
    notes = [e.payload.get("text") for e in stored_events(session) if e.kind == "notice"]
    assert STOPPED_NOTE.format(short=session[:8]) in notes

    again, revived = await attach(clients, "laptop", session=session)
    assert revived["session"] == session
    history = await events_until(again, lambda e: "this is a new shell" in str(e["payload"]))
    assert "kept-in-the-journal" in output_of(history)
    assert [row["id"] for row in ps_rows()] == [session]
    await again.request("submit", line="echo after-the-revival")
    assert "after-the-revival" in output_of(await events_until(again, is_kind("shell_end")))


async def test_quit_with_another_client_attached_only_detaches(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, "laptop", cwd=str(project))
    await attach(clients, "phone", session=attached["session"])
    left = await laptop.request("detach", stop_if_idle=True)
    assert (left["stopped"], left["kept"]) == (False, "another client is attached")
    [row] = ps_rows()
    assert (row["state"], row["clients"]) == ("idle", 1)
    assert row["attached"] == [{"name": "phone", "role": "controller"}]


async def test_quit_while_a_command_runs_detaches_and_the_command_goes_on(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, "laptop", cwd=str(project))
    await client.request("submit", line=wait_command(project))
    await events_until(client, is_kind("shell_start"))
    left = await client.request("detach", stop_if_idle=True)
    assert (left["stopped"], left["kept"]) == (False, "a command is running")
    assert [(row["state"], row["clients"]) for row in ps_rows()] == [("running", 0)]
    (project / "go").touch()
    again, _ = await attach(clients, "laptop", session=attached["session"])
    assert "went" in output_of(await events_until(again, is_kind("shell_end")))


async def test_an_observers_quit_stops_nothing(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    _, attached = await attach(clients, "laptop", cwd=str(project))
    watcher, _ = await attach(clients, "watcher", "observer", session=attached["session"])
    controller = clients[0]
    await controller.request("detach")
    left = await watcher.request("detach", stop_if_idle=True)
    assert (left["stopped"], left["kept"]) == (False, "an observer stops nothing")
    assert [row["id"] for row in ps_rows()] == [attached["session"]]


async def test_quit_while_the_agent_works_or_asks_keeps_the_session(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, "laptop", cwd=str(project))
    session = attached["session"]
    state = await mirrored(client)
    await client.request("submit", line="wait", mode="agent")
    await state.wait_until(lambda m: m.session["state"] == "working", timeout=20)
    left = await client.request("detach", stop_if_idle=True)
    assert (left["stopped"], left["kept"]) == (False, "the agent is working")
    assert [row["state"] for row in ps_rows()] == ["working"]

    again, _ = await attach(clients, "laptop", session=session)
    assert (await again.request("interrupt", target="agent"))["agent"] is True
    await again.request("submit", line="gate", mode="agent")
    await events_until(again, asked)
    # Journaled just before the question is put to the clients: wait for the question.
    await (await mirrored(again)).wait_until(lambda m: len(m.questions) == 1, timeout=20)
    left = await again.request("detach", stop_if_idle=True)
    assert (left["stopped"], left["kept"]) == (False, "the agent waits for an answer")
    assert [row["state"] for row in ps_rows()] == ["needs-input"]


# -- the agent, stored on the session --------------------------------------------------


async def test_set_agent_is_stored_on_the_session_and_ps_shows_agent_and_model(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, "laptop", cwd=str(project))
    session = attached["session"]
    [row] = ps_rows()
    assert (row["agent"], row["model"]) == ("fake", "")
    assert await client.request("set_agent", agent="scripted") == {
        "agent": "scripted", "model": "tiny-model",
    }  # fmt: skip
    await events_until(
        client, lambda e: "The next prompt goes to scripted (tiny-model)." in str(e["payload"])
    )
    [row] = ps_rows()
    assert (row["agent"], row["model"]) == ("scripted", "tiny-model")
    assert "scripted/tiny-model" in conch("ps").stdout

    await client.close()
    assert conch("host", "stop").returncode == 0
    assert conch("host").returncode == 0
    await attach(clients, "laptop", session=session)
    [row] = ps_rows()
    assert (row["id"], row["agent"], row["model"]) == (session, "scripted", "tiny-model")


# -- who is attached -------------------------------------------------------------------


def test_a_client_names_itself_by_user_machine_and_terminal() -> None:
    name = client_name()
    who, where = name.split(" ", 1)
    assert "@" in who and who.split("@")[1]
    assert where.startswith(("pts/", "tty", "pid ")), name
    assert client_name("cli").startswith("cli ")


async def test_ps_names_the_attached_clients_and_their_roles(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    _, attached = await attach(clients, "alice@laptop pts/3", cwd=str(project))
    await attach(clients, "alice@phone pid 42", "observer", session=attached["session"])
    [row] = ps_rows()
    assert row["clients"] == 2, "clients stays a count"
    assert row["attached"] == [
        {"name": "alice@laptop pts/3", "role": "controller"},
        {"name": "alice@phone pid 42", "role": "observer"},
    ]
    assert "2 client(s)" in conch("ps").stdout


# -- the states ps shows when a session cannot go on -----------------------------------


async def test_a_session_whose_journal_refuses_its_events_is_failed_in_ps(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, "laptop", cwd=str(project))
    state = await mirrored(client)
    # A write the database refuses, as a full disk would: reads go on, every insert fails.
    with sqlite3.connect(journal_path()) as database:
        database.execute("CREATE TRIGGER refuse BEFORE INSERT ON events "
                         "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")  # fmt: skip
    await client.request("submit", line="echo never-journaled")
    await state.wait_until(lambda m: m.session["state"] == "failed", timeout=20)
    [row] = ps_rows()
    assert row["state"] == "failed"
    assert "failed" in conch("ps").stdout


async def test_clients_see_their_session_stopped_when_the_host_stops(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, "laptop", cwd=str(project))
    state = await mirrored(client)
    assert state.session["state"] == "idle"
    assert conch("host", "stop").returncode == 0
    await state.wait_until(lambda m: m.session["state"] == "stopped", timeout=20)


async def test_the_attach_client_names_itself_to_the_host(host: int, project: Path) -> None:
    link = HostLink(str(project), places=host_places())
    await link.open()
    try:
        [row] = ps_rows()
        assert row["attached"] == [{"name": client_name(), "role": "controller"}]
    finally:
        left = await link.detach(stop_if_idle=True)
    assert left.stopped and ps_rows() == []


def test_ps_help_documents_the_json_keys() -> None:
    shown = conch("ps", "--help").stdout
    for key in ("model", "clients (a count)", "attached", "needs-input", "failed"):
        assert key in shown, key
