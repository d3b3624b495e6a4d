"""Sessions in the host, for real: a detached `conch host` process, real bash, real SQLite,
clients on the real socket. Several clients follow one session; the session outlives them,
and a killed host's successor runs it again.

Each test gets its own XDG_RUNTIME_DIR and XDG state dir (tests/conftest.py), so its host
and journal are its own. Commands that must stay running wait for a file the test creates,
so no test decides anything by sleeping.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conch import paths
from conch.host.client import HostConnection, HostGone, HostRequestFailed, ask_host
from conch.host.handshake import Role
from conch.host.runtime import host_places
from conch.host.session_engine import STOP_NOTE
from conch.host.state_mirror import StateMirror
from conch.sessions.interruptions import CRASH_NOTE
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from tests.host.conch_process import conch, has_exited

Event = dict[str, Any]


def wait_for_exit(pid: int, timeout: float = 20) -> None:
    assert has_exited(pid, timeout), f"process {pid} is still running"


async def attach(
    clients: list[HostConnection], role: Role = "controller", **params: Any
) -> tuple[HostConnection, dict[str, Any]]:
    connection = await HostConnection.open(host_places().socket, role=role)
    clients.append(connection)
    reply = await connection.request("attach", role=role, **params)
    return connection, reply


async def events_until(
    connection: HostConnection, done: Callable[[Event], bool], timeout: float = 30
) -> list[Event]:
    """Events as they come, up to and including the first that ``done`` accepts."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    got: list[Event] = []
    while True:
        message = await connection.next_event(timeout=max(0.0, deadline - loop.time()))
        got.append(message["event"])
        if done(message["event"]):
            return got


def is_kind(kind: str) -> Callable[[Event], bool]:
    return lambda event: event["kind"] == kind


def output_with(text: str) -> Callable[[Event], bool]:
    return lambda event: event["kind"] == "shell_output" and text in event["payload"]["text"]


def output_of(events: list[Event]) -> str:
    return "".join(e["payload"].get("text", "") for e in events if e["kind"] == "shell_output")


def indexes(events: list[Event]) -> list[int]:
    return [event["idx"] for event in events]


def wait_on_files(steps: int, directory: Path) -> str:
    """A command that prints a chunk, then waits for the test to create step-N, per step."""
    return (
        f"cd {directory} && for i in $(seq 1 {steps}); do echo chunk-$i; "
        "while [ ! -e step-$i ]; do sleep 0.02; done; done; echo all-done"
    )


# -- several clients on one session ------------------------------------------------------


async def test_two_clients_see_the_same_events_for_echo(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    first, attached = await attach(clients, cwd=str(project))
    second, _ = await attach(clients, session=attached["session"])
    await first.request("submit", line="echo hello-$((40 + 2))")
    seen_first = await events_until(first, is_kind("shell_end"))
    seen_second = await events_until(second, is_kind("shell_end"))
    assert seen_first == seen_second
    assert "hello-42" in output_of(seen_first)
    kinds = [event["kind"] for event in seen_first if event["kind"] != "notice"]  # no agent
    assert kinds[0] == "user_input" and "shell_start" in kinds
    assert seen_first[-1]["payload"]["exit_status"] == 0
    assert indexes(seen_first) == list(range(seen_first[0]["idx"], seen_first[-1]["idx"] + 1))


async def test_each_streamed_chunk_reaches_both_clients_while_the_command_runs(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    first, attached = await attach(clients, cwd=str(project))
    second, _ = await attach(clients, session=attached["session"])
    await first.request("submit", line=wait_on_files(3, project))
    for step in (1, 2, 3):
        for client in (first, second):
            before = await events_until(client, output_with(f"chunk-{step}"))
            assert not any(event["kind"] == "shell_end" for event in before)
        (project / f"step-{step}").touch()  # the command waits for this: it is still running
    for client in (first, second):
        rest = await events_until(client, is_kind("shell_end"))
        assert "all-done" in output_of(rest)


async def test_a_client_attaching_mid_command_gets_history_then_live_without_gap(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    first, attached = await attach(clients, cwd=str(project))
    await first.request("submit", line=wait_on_files(3, project))
    seen_first = await events_until(first, output_with("chunk-1"))
    late, reply = await attach(clients, session=attached["session"], after_index=-1)
    assert reply["state"] == "running"
    (project / "step-1").touch()
    seen_first += await events_until(first, output_with("chunk-2"))
    (project / "step-2").touch()
    (project / "step-3").touch()
    seen_first += await events_until(first, is_kind("shell_end"))
    seen_late = await events_until(late, is_kind("shell_end"))
    assert indexes(seen_late) == list(range(len(seen_late))), "no gap, no duplicate"
    assert seen_late[-len(seen_first) :] == seen_first
    assert "chunk-1" in output_of(seen_late) and "all-done" in output_of(seen_late)


async def test_detaching_leaves_a_running_sleep_and_reattaching_shows_its_end(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    first, attached = await attach(clients, cwd=str(project))
    await first.request("submit", line="sleep 1.5 && echo slept")
    started = await events_until(first, is_kind("shell_start"))
    left = await first.request("detach")
    assert left == {"detached": attached["session"], "stopped": False, "kept": ""}
    listed = await ask_host(host_places().socket, "ps")
    assert [(row["state"], row["clients"]) for row in listed] == [("running", 0)]
    again, reply = await attach(clients, session=attached["session"][:8],
                                after_index=started[-1]["idx"])  # fmt: skip
    assert reply["session"] == attached["session"]
    rest = await events_until(again, is_kind("shell_end"))
    assert rest[0]["idx"] == started[-1]["idx"] + 1
    assert "slept" in output_of(rest) and rest[-1]["payload"]["exit_status"] == 0


async def test_an_observer_sees_everything_and_can_type_nothing(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    controller, attached = await attach(clients, cwd=str(project))
    observer, reply = await attach(clients, "observer", session=attached["session"])
    assert reply["role"] == "observer"
    changes: list[tuple[str, dict[str, Any]]] = [
        ("submit", {"line": "touch observed"}),
        ("interrupt", {}),
        ("send_input", {"text": "y\n"}),
        ("resize", {"rows": 9, "cols": 40}),
    ]
    for method, params in changes:
        with pytest.raises(HostRequestFailed, match="observer") as refused:
            await observer.request(method, **params)
        assert refused.value.code == "observer"
    await controller.request("submit", line="echo from-the-controller")
    seen = await events_until(observer, is_kind("shell_end"))
    inputs = [event["payload"]["text"] for event in seen if event["kind"] == "user_input"]
    assert inputs == ["echo from-the-controller"]
    assert "from-the-controller" in output_of(seen)
    assert not (project / "observed").exists()


async def test_input_and_ctrl_c_reach_the_running_command(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, cwd=str(project))
    await client.request("submit", line="read -r answer && echo got-$answer")
    await events_until(client, is_kind("shell_start"))
    assert await client.request("send_input", text="yes\n") == {"sent": True}
    assert "got-yes" in output_of(await events_until(client, is_kind("shell_end")))
    await client.request("submit", line="sleep 100")
    await events_until(client, is_kind("shell_start"))
    assert await client.request("interrupt") == {"interrupted": True, "shell": True, "agent": False}
    end = (await events_until(client, is_kind("shell_end")))[-1]["payload"]
    assert end["interrupted_by_user"] is True and end["exit_status"] == 130


async def test_every_client_mirrors_who_is_attached_and_the_session_state(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    controller, attached = await attach(clients, cwd=str(project))
    observer, _ = await attach(clients, "observer", session=attached["session"])
    mirror = StateMirror(observer)
    mirror.start()
    await mirror.wait_until(lambda m: len(m.clients) == 2, timeout=10)
    assert sorted(client["role"] for client in mirror.clients) == ["controller", "observer"]
    assert mirror.session["state"] == "idle"
    await controller.request("submit", line=f"while [ ! -e {project}/go ]; do sleep 0.02; done")
    await mirror.wait_until(lambda m: m.session["state"] == "running", timeout=10)
    (project / "go").touch()
    await mirror.wait_until(lambda m: m.session["state"] == "idle", timeout=10)
    await controller.request("detach")
    await mirror.wait_until(lambda m: len(m.clients) == 1, timeout=10)
    assert mirror.clients[0]["role"] == "observer"
    await controller.close()  # a client that drops is gone from the list too
    again, _ = await attach(clients, session=attached["session"])
    await mirror.wait_until(lambda m: len(m.clients) == 2, timeout=10)
    await again.close()
    await mirror.wait_until(lambda m: len(m.clients) == 1, timeout=10)


async def test_every_client_is_told_while_the_running_program_reads_a_password(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    controller, attached = await attach(clients, cwd=str(project))
    observer, _ = await attach(clients, "observer", session=attached["session"])
    mirror = StateMirror(observer)
    mirror.start()
    await mirror.wait_until(lambda m: m.session.get("state") == "idle", timeout=10)
    assert not mirror.session.get("secret_input")
    # getpass turns echo off before it prints its prompt (as sudo does; bash's read -s prints
    # first): once "Password:" shows, what is typed is not echoed.
    getpass = 'import getpass; print("got-%d" % len(getpass.getpass("Password: ")))'
    await controller.request("submit", line=f"python3 -c '{getpass}'")
    await mirror.wait_until(lambda m: m.session.get("secret_input") is True, timeout=10)
    await events_until(controller, output_with("Password:"))  # as a person types: after it
    assert await controller.request("send_input", text="hunter2\n") == {"sent": True}
    ended = await events_until(controller, is_kind("shell_end"))
    assert "got-7" in output_of(ended) and "hunter2" not in json.dumps(ended)
    await mirror.wait_until(lambda m: not m.session.get("secret_input"), timeout=10)


# -- faults ------------------------------------------------------------------------------

_CLIENT_THEN_HANG = """
import asyncio, sys
from conch.host.client import HostConnection
from conch.host.runtime import host_places

async def main():
    connection = await HostConnection.open(host_places().socket)
    reply = await connection.request("attach", cwd=sys.argv[1])
    await connection.request("submit", line=sys.argv[2])
    print(reply["session"], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


async def test_a_client_killed_with_sigkill_leaves_its_session_running(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    command = f"while [ ! -e {project}/go ]; do sleep 0.02; done; echo finished"
    client = subprocess.Popen([sys.executable, "-c", _CLIENT_THEN_HANG, str(project), command],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert client.stdout is not None
    session_id = client.stdout.readline().strip()
    client.kill()
    client.wait(10)
    watcher, _ = await attach(clients, session=session_id, after_index=-1)
    (project / "go").touch()
    seen = await events_until(watcher, is_kind("shell_end"))
    assert "finished" in output_of(seen) and seen[-1]["payload"]["exit_status"] == 0
    assert [e["payload"]["text"] for e in seen if e["kind"] == "user_input"] == [command]


async def test_a_host_killed_with_sigkill_is_followed_by_one_that_restores_its_sessions(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, cwd=str(project))
    (project / "sub").mkdir()
    await client.request("submit", line="cd sub && export GREETING=hi")
    seen = await events_until(client, is_kind("shell_env"))
    await client.request("submit", line="sleep 100")
    seen += await events_until(client, is_kind("shell_start"))
    os.kill(host, signal.SIGKILL)
    with pytest.raises(HostGone):
        await client.next_event(timeout=10)  # at once: the kernel closes the socket
    wait_for_exit(host)

    restarted = conch("host")
    assert restarted.returncode == 0, restarted.stderr
    listed = json.loads(conch("ps", "--json").stdout)
    assert [row["id"] for row in listed] == [attached["session"]]
    again, _ = await attach(clients, session=attached["session"], after_index=-1)
    history = await events_until(again, lambda e: "this is a new shell" in str(e["payload"]))
    assert history[: len(seen)] == seen, "every acknowledged event is kept"
    closing = history[len(seen)]
    assert closing["kind"] == "shell_end" and closing["payload"]["interrupted"] is True
    notes = [e["payload"]["text"] for e in history if e["kind"] == "notice"]
    assert CRASH_NOTE in notes and "sub" in notes[-1] and "GREETING" in notes[-1]
    await again.request("submit", line='echo "$PWD $GREETING"')
    after = await events_until(again, is_kind("shell_end"))
    assert f"{project}/sub hi" in output_of(after)


async def test_ps_lists_live_sessions_with_their_state_and_clients(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, cwd=str(project))
    listed = json.loads(conch("ps", "--json").stdout)
    assert len(listed) == 1
    row = listed[0]
    assert set(row) == {"id", "title", "cwd", "agent", "state", "clients", "last_activity",
                        "model", "attached"}  # fmt: skip
    assert (row["id"], row["cwd"], row["state"], row["clients"]) == (
        attached["session"], str(project), "idle", 1
    )  # fmt: skip
    await client.request("submit", line=f"while [ ! -e {project}/go ]; do sleep 0.02; done")
    await events_until(client, is_kind("shell_start"))
    assert json.loads(conch("ps", "--json").stdout)[0]["state"] == "running"
    assert json.loads(conch("ps", "--json").stdout)[0]["title"].startswith("while [ ! -e")
    (project / "go").touch()
    await events_until(client, is_kind("shell_end"))
    deadline = time.monotonic() + 10
    while json.loads(conch("ps", "--json").stdout)[0]["state"] != "idle":
        assert time.monotonic() < deadline, "the session never went back to idle"
    text = conch("ps").stdout
    assert attached["session"][:8] in text and "1 client(s)" in text


async def test_host_stop_journals_a_running_command_as_interrupted_and_releases_it(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, cwd=str(project))
    await client.request("submit", line="sleep 100")
    await client.request("submit", line="touch queued-behind-it")
    await events_until(client, is_kind("shell_start"))
    assert conch("host", "stop").returncode == 0
    wait_for_exit(host)
    with Journal.open(journal_path()) as journal:
        events = list(journal.events(attached["session"]))
        ends = [e for e in events if e.kind == "shell_end"]
        assert len(ends) == 1 and ends[0].payload["interrupted"] is True, "Conch stopped it"
        assert ends[0].payload["interrupted_by_user"] is False, "the user did not"
        notices = [e.payload["text"] for e in events if e.kind == "notice"]
        assert any(STOP_NOTE in text for text in notices)
        assert "1 queued line(s) were not run" in notices[-1]
        assert not (project / "queued-behind-it").exists()
        assert journal.claim(attached["session"]).id == attached["session"], "released"
    assert conch("host").returncode == 0
    assert json.loads(conch("ps", "--json").stdout) == [], "a clean stop restores nothing"


async def test_auto_mode_with_no_agent_runs_a_line_that_reads_both_ways_in_the_shell(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, cwd=str(project))
    reply = await client.request("submit", line="true", mode="auto")
    assert reply["to"] == "shell", reply
    ended = await events_until(client, is_kind("shell_end"))
    assert [e["payload"]["command"] for e in ended if e["kind"] == "shell_start"] == ["true"]


async def test_a_bad_configuration_is_said_in_the_session_as_the_app_says_it(
    project: Path, clients: list[HostConnection]
) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[ui]\nscrollback_lines = "lots"\n')
    started = conch("host")
    assert started.returncode == 0, started.stderr
    try:
        client, _ = await attach(clients, cwd=str(project))
        notices = await events_until(client, lambda e: e["kind"] == "notice" and
                                     "scrollback_lines" in e["payload"]["text"])  # fmt: skip
        assert notices[-1]["payload"]["level"] == "warning"
    finally:
        conch("host", "stop")


async def test_a_new_session_with_no_agent_says_how_to_get_one(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, cwd=str(project))
    hint = await events_until(client, is_kind("notice"))
    assert "No agent yet" in hint[-1]["payload"]["text"]
    assert "conch agents" in hint[-1]["payload"]["text"]
