"""Agents in the host, for real: a detached `conch host` process runs each session's agent
(the fake ACP agent, speaking the real protocol) and every attached client sees its turns.

The fake agent's ``echo`` script says back what it received, asks permission for a prompt
whose last line is ``gate``, and runs until cancelled for ``wait``; so no test decides
anything by sleeping.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conch.host.client import HostConnection, HostGone, HostRequestFailed
from conch.host.handshake import Role
from conch.host.runtime import host_places
from conch.host.session_agent import STOP_NOTE, STOP_REASON
from conch.host.state_mirror import StateMirror
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from conch.sessions.replay import HEADER
from tests.host.conch_process import conch
from tests.host.conftest import host_pid
from tests.host.test_host_sessions import (
    Event,
    events_until,
    is_kind,
    output_of,
    wait_for_exit,
)
from tests.peers.fake_agents import write_fake_acp_config

REPLAY_START = HEADER.split("{")[0]


@pytest.fixture
def host(project: Path) -> Iterator[int]:
    """A host whose sessions use the fake ACP agent (config written as a user writes it)."""
    write_fake_acp_config()
    started = conch("host")
    assert started.returncode == 0, started.stderr
    yield host_pid()
    conch("host", "stop")


async def attach(
    clients: list[HostConnection], name: str, role: Role = "controller", **params: Any
) -> tuple[HostConnection, dict[str, Any]]:
    connection = await HostConnection.open(host_places().socket, role=role, client=name)
    clients.append(connection)
    return connection, await connection.request("attach", role=role, **params)


async def mirrored(connection: HostConnection) -> StateMirror:
    mirror = StateMirror(connection)
    mirror.start()
    await mirror.wait_until(lambda m: "state" in m.session, timeout=10)
    return mirror


def turn_ended(event: Event) -> bool:
    return event["kind"] == "turn_end"


def answer_of(events: list[Event]) -> str:
    """The agent's message text in these events, as it streamed."""
    return "".join(
        e["payload"]["event"]["text"]
        for e in events
        if e["kind"] == "agent_update" and e["payload"]["event"]["kind"] == "message_chunk"
    )


def ps_state() -> str:
    listed = json.loads(conch("ps", "--json").stdout)
    assert len(listed) == 1, listed
    return str(listed[0]["state"])


async def ask(client: HostConnection, text: str) -> tuple[dict[str, Any], list[Event]]:
    """Submit to the agent and read up to the end of its turn."""
    reply = await client.request("submit", line=text, mode="agent")
    return reply, await events_until(client, turn_ended)


def asked(event: Event) -> bool:
    return event["kind"] == "permission_asked"


# -- streaming to every client -----------------------------------------------------------


async def test_a_prompt_to_the_agent_streams_to_both_clients(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, "laptop", cwd=str(project))
    phone, _ = await attach(clients, "phone", session=attached["session"])
    reply, seen_laptop = await ask(laptop, "hello there")
    seen_phone = await events_until(phone, turn_ended)
    assert reply["to"] == "agent" and reply["prompt"]
    assert seen_laptop == seen_phone
    kinds = [event["kind"] for event in seen_laptop if event["kind"] != "notice"]
    assert kinds[:3] == ["user_input", "agent_prompt", "turn_start"]
    assert answer_of(seen_laptop) == "received: hello there"
    assert seen_laptop[-1]["payload"]["status"] == "done"
    prompt = seen_laptop[1]["payload"]
    assert prompt["text"] == "hello there" and prompt["context"]["agent"] == "fake"


async def test_auto_mode_sends_commands_to_bash_and_requests_to_the_agent(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, "laptop", cwd=str(project))
    shell = await client.request("submit", line="echo routed-$((6 * 7))", mode="auto")
    assert shell["to"] == "shell"
    assert "routed-42" in output_of(await events_until(client, is_kind("shell_end")))
    both = await client.request("submit", line="true", mode="auto")
    assert both["to"] == "ask" and "true" in both["reason"], "a command and a reply: asked"
    agent = await client.request("submit", line="what does this project do?", mode="auto")
    assert agent["to"] == "agent"
    told = answer_of(await events_until(client, turn_ended))
    # As the app tells it: the commands run since the last prompt, then the user's words.
    assert told.startswith("received: <recent-shell-commands>\n$ echo routed-$((6 * 7))"), told
    assert "routed-42" in told and told.endswith("</recent-shell-commands>\n\n"
                                                 "what does this project do?"), told  # fmt: skip


async def test_the_agent_is_told_the_commands_run_since_its_last_prompt_once_secrets_masked(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, "laptop", cwd=str(project))
    token = "ghp_" + "Zq8Xw2Ly5Nv3Kt7Rb4Hm9Jc6Pd1Sf0Ga2Uek"
    for line in (f"export GITHUB_TOKEN={token}", " echo private-marker-4711"):
        await client.request("submit", line=line)
        await events_until(client, is_kind("shell_end"))
    _, first = await ask(client, "what did I run?")
    told = answer_of(first)
    assert "$ export GITHUB_TOKEN=••••••" in told and token not in told, told
    assert "private-marker-4711" not in told, "a private line is never told"
    _, second = await ask(client, "and now?")
    assert answer_of(second) == "received: and now?", "each command is told once"


async def test_route_says_where_a_submit_would_send_a_line_and_sends_nothing(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, "laptop", cwd=str(project))
    script = "echo first-line\necho second-line"
    assert (await client.request("route", line=script, mode="auto"))["to"] == "shell"
    assert (await client.request("route", line="true", mode="auto"))["to"] == "ask"
    request = "what does this project do?"
    assert (await client.request("route", line=request, mode="auto"))["to"] == "agent"
    assert (await client.request("route", line=request, mode="shell"))["to"] == "shell"
    shell = await client.request("submit", line="echo after-routes", mode="shell")
    seen = await events_until(client, is_kind("shell_end"))
    typed = [e["payload"].get("text") for e in seen if e["kind"] == "user_input"]
    assert typed == ["echo after-routes"], "routing sent nothing"
    assert not [e for e in seen if e["kind"] == "agent_prompt"], "nor to the agent"
    assert shell["to"] == "shell" and "after-routes" in output_of(seen)


# -- permission questions ----------------------------------------------------------------


async def test_a_permission_goes_to_both_controllers_and_the_first_answer_wins(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, "laptop", cwd=str(project))
    phone, _ = await attach(clients, "phone", session=attached["session"])
    phone_state = await mirrored(phone)
    laptop_state = await mirrored(laptop)
    asking = await laptop.request("submit", line="gate", mode="agent")
    for mirror in (laptop_state, phone_state):
        await mirror.wait_until(lambda m: len(m.questions) == 1, timeout=20)
        assert mirror.session["state"] == "needs-input"
    assert ps_state() == "needs-input"
    [(question_id, question)] = phone_state.questions.items()
    assert question["tool"] == "Edit notes.txt"
    assert question["turn"] == asking["turn_index"] and question["tool_call_id"] == "edit-1"
    assert [option["id"] for option in question["options"]] == ["allow", "reject"]

    won = await phone.request("answer", question=question_id, option="reject")
    assert won == {"question": question_id, "option": "reject", "by": "phone"}
    with pytest.raises(HostRequestFailed) as late:
        await laptop.request("answer", question=question_id, option="allow")
    assert late.value.code == "already-answered"
    assert "phone" in str(late.value) and "reject" in str(late.value)

    for client in (laptop, phone):
        seen = await events_until(client, turn_ended)
        decided = [e["payload"]["decision"] for e in seen if e["kind"] == "permission"]
        assert decided == [{"option_id": "reject", "option_kind": "reject_once", "by": "phone"}]
        assert answer_of(seen).endswith("outcome=reject")
    await laptop_state.wait_until(lambda m: not m.questions, timeout=10)
    exported = conch("sessions", "export", attached["session"])
    assert "Permission for Edit notes.txt: reject_once (by phone)" in exported.stdout


async def test_an_observer_sees_the_question_and_cannot_answer_it(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, "laptop", cwd=str(project))
    watcher, _ = await attach(clients, "watcher", "observer", session=attached["session"])
    await laptop.request("submit", line="gate", mode="agent")
    question = (await events_until(watcher, asked))[-1]
    assert question["payload"]["request"]["tool_call"]["title"] == "Edit notes.txt"
    state = await mirrored(watcher)
    await state.wait_until(lambda m: len(m.questions) == 1, timeout=20)
    [question_id] = state.questions
    with pytest.raises(HostRequestFailed) as refused:
        await watcher.request("answer", question=question_id, option="allow")
    assert refused.value.code == "observer"
    await laptop.request("answer", question=question_id, option="allow")
    assert answer_of(await events_until(watcher, turn_ended)).endswith("outcome=allow")


# -- the queue, interrupts, states -------------------------------------------------------


async def test_a_queued_prompt_is_cancelled_from_the_other_client_and_never_runs(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    laptop, attached = await attach(clients, "laptop", cwd=str(project))
    phone, _ = await attach(clients, "phone", session=attached["session"])
    phone_state = await mirrored(phone)
    await laptop.request("submit", line="wait", mode="agent")
    await events_until(laptop, is_kind("agent_update"))  # the first turn runs
    later = await laptop.request("submit", line="run me later", mode="agent")
    await phone_state.wait_until(lambda m: len(m.queue) == 1, timeout=10)
    assert phone_state.queue == [{"id": later["prompt"], "text": "run me later"}]
    assert ps_state() == "working"

    assert await phone.request("cancel", prompt=later["prompt"]) == {"cancelled": later["prompt"]}
    await phone_state.wait_until(lambda m: not m.queue, timeout=10)
    with pytest.raises(HostRequestFailed) as again:
        await laptop.request("cancel", prompt=later["prompt"])
    assert again.value.code == "not-queued"
    withdrawn = await events_until(laptop, turn_ended)
    assert withdrawn[-1]["payload"]["turn"] == later["turn_index"]
    assert withdrawn[-1]["payload"]["status"] == "cancelled"

    stopped = await phone.request("interrupt", target="agent")
    assert stopped == {"interrupted": True, "shell": False, "agent": True}
    rest = await events_until(laptop, turn_ended)
    assert rest[-1]["payload"]["status"] == "cancelled"
    assert not any(e["kind"] == "turn_start" for e in withdrawn + rest)
    await phone_state.wait_until(lambda m: m.session["state"] == "idle", timeout=10)
    assert ps_state() == "idle"


async def test_ps_shows_a_turn_as_working_until_it_is_interrupted(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, "laptop", cwd=str(project))
    state = await mirrored(client)
    await client.request("submit", line="wait", mode="agent")
    await state.wait_until(lambda m: m.session["state"] == "working", timeout=20)
    assert ps_state() == "working"
    assert (await client.request("interrupt"))["agent"] is True
    ended = await events_until(client, turn_ended)
    assert ended[-1]["payload"]["status"] == "cancelled"
    await state.wait_until(lambda m: m.session["state"] == "idle", timeout=10)
    assert (await client.request("interrupt", target="agent"))["interrupted"] is False


async def test_set_agent_names_the_agent_of_the_next_prompts(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, _ = await attach(clients, "laptop", cwd=str(project))
    state = await mirrored(client)
    with pytest.raises(HostRequestFailed) as unknown:
        await client.request("set_agent", agent="no-such-agent")
    assert unknown.value.code == "no-agent" and "fake" in str(unknown.value)
    assert (await client.request("set_agent", agent="fake"))["agent"] == "fake"
    await state.wait_until(lambda m: m.session["agent"] == "fake", timeout=10)


async def test_an_attach_that_names_an_unknown_agent_is_refused_before_any_session_opens(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    with pytest.raises(HostRequestFailed) as unknown:
        await attach(clients, "laptop", cwd=str(project), new=True, agent="no-such-agent")
    assert unknown.value.code == "no-agent" and "fake" in str(unknown.value)
    assert json.loads(conch("ps", "--json").stdout) == [], "no session left behind"
    _, attached = await attach(clients, "laptop", cwd=str(project), new=True, agent="fake")
    assert json.loads(conch("ps", "--json").stdout)[0]["id"] == attached["session"]


# -- a host restart ----------------------------------------------------------------------


async def test_a_restarted_host_replays_the_conversation_to_the_new_agent_once(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, "laptop", cwd=str(project))
    await client.request("submit", line="echo the-port-is-8080")
    await events_until(client, is_kind("shell_end"))
    _, first = await ask(client, "remember the port")
    told = answer_of(first)
    assert "echo the-port-is-8080" in told and told.endswith("remember the port"), told
    _, second = await ask(client, "and the host is db1")
    assert answer_of(second) == "received: and the host is db1", "no replay on a 2nd turn"
    os.kill(host, signal.SIGKILL)
    with pytest.raises(HostGone):
        await client.next_event(timeout=10)
    wait_for_exit(host)

    assert conch("host").returncode == 0
    seen = second[-1]["idx"]
    again, _ = await attach(clients, "laptop", session=attached["session"], after_index=seen)
    _, replayed = await ask(again, "which port?")
    told = answer_of(replayed)
    assert told.startswith("received: " + REPLAY_START), told
    assert "echo the-port-is-8080" in told and "User: remember the port" in told
    assert "Assistant: received: and the host is db1" in told
    assert told.rstrip().endswith("which port?")
    _, after = await ask(again, "thanks")
    assert answer_of(after) == "received: thanks", "the history is given once"


async def test_host_stop_journals_a_running_turn_as_interrupted_and_the_queue_as_cancelled(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    client, attached = await attach(clients, "laptop", cwd=str(project))
    running = await client.request("submit", line="wait", mode="agent")
    await events_until(client, is_kind("agent_update"))
    queued = await client.request("submit", line="never started", mode="agent")
    assert conch("host", "stop").returncode == 0
    wait_for_exit(host)
    with Journal.open(journal_path()) as journal:
        events = list(journal.events(attached["session"]))
    ends = {e.payload["turn"]: e.payload for e in events if e.kind == "turn_end"}
    assert ends[running["turn_index"]] == {
        "turn": running["turn_index"], "status": "interrupted", "stop_reason": STOP_REASON,
    }  # fmt: skip
    assert ends[queued["turn_index"]] == {
        "turn": queued["turn_index"], "status": "cancelled",
        "stop_reason": "the Conch host was stopped first",
    }  # fmt: skip
    assert STOP_NOTE in [e.payload.get("text") for e in events if e.kind == "notice"]
