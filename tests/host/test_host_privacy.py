"""Secrets and private lines in the host, for real (a `conch host` process, real bash, the
journal on disk, clients on the socket): the clients following live are the user's own
screens and show everything, as the app's blocks do; the journal keeps secrets masked and
private lines not at all, and a client that attaches later gets what the journal keeps."""

from __future__ import annotations

from pathlib import Path

from conch.host.client import HostConnection
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from tests.host.test_host_sessions import attach, events_until, is_kind, output_of

TOKEN = "ghp_" + "Zq8Xw2Ly5Nv3Kt7Rb4Hm9Jc6Pd1Sf0Ga2Uek"
PRIVATE = "private-marker-4711"


async def laptop_and_phone(
    clients: list[HostConnection], project: Path
) -> tuple[HostConnection, HostConnection, str]:
    """Two controllers following one new session, and its id."""
    laptop, attached = await attach(clients, cwd=str(project))
    phone, _ = await attach(clients, session=attached["session"])
    return laptop, phone, str(attached["session"])


def stored_payloads(session: str) -> str:
    with Journal.open(journal_path()) as journal:
        return "\n".join(str(dict(event.payload)) for event in journal.events(session))


async def test_live_clients_see_a_secret_in_clear_that_the_journal_and_a_later_client_see_masked(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, phone, session = await laptop_and_phone(clients, project)
    await laptop.request("submit", line=f"export GITHUB_TOKEN={TOKEN}; echo $GITHUB_TOKEN")
    for client in (laptop, phone):
        live = await events_until(client, is_kind("shell_end"))
        typed = next(e for e in live if e["kind"] == "user_input")["payload"]["text"]
        started = next(e for e in live if e["kind"] == "shell_start")["payload"]["command"]
        assert TOKEN in typed and TOKEN in started and TOKEN in output_of(live)
    assert TOKEN not in stored_payloads(session)
    assert "GITHUB_TOKEN=••••••" in stored_payloads(session)
    later, _ = await attach(clients, session=session)
    history = await events_until(later, is_kind("shell_end"))
    assert TOKEN not in str(history) and "GITHUB_TOKEN=••••••" in str(history)


async def test_a_private_line_runs_and_shows_in_every_client_and_is_never_journaled(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, phone, session = await laptop_and_phone(clients, project)
    await laptop.request("submit", line="echo public-line")
    await events_until(laptop, is_kind("shell_end"))
    await events_until(phone, is_kind("shell_end"))
    reply = await laptop.request("submit", line=f" echo {PRIVATE}", mode="auto")
    assert reply["to"] == "shell" and reply["input_index"] is None
    for client in (laptop, phone):
        live = await events_until(client, is_kind("shell_end"))
        assert [e["kind"] for e in live] == ["shell_start", "shell_output", "shell_end"], live
        assert all(e["idx"] == -1 for e in live), "in no journal"
        assert PRIVATE in output_of(live) and live[-1]["payload"]["exit_status"] == 0
    await laptop.request("submit", line="echo after-it")
    after = await events_until(laptop, is_kind("shell_end"))
    assert "after-it" in output_of(after) and all(e["idx"] >= 0 for e in after)
    stored = stored_payloads(session)
    assert PRIVATE not in stored and "public-line" in stored and "after-it" in stored
    history = await laptop.request("input_history", limit=100)
    assert PRIVATE not in str(history)
