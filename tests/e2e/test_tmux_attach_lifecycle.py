"""How a session ends, for real: Ctrl+Q in `conch attach`, closing the window, `conch ps`.

Ctrl+Q quits the client and stops the session only when no other client is attached and
nothing runs; /detach and Ctrl+D always detach; closing the window (SIGHUP) detaches and the
running command goes on. A real host, clients in tmux servers of their own, `conch ps` run
as a user runs it. Commands that must stay running wait for a file the test creates.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.e2e.conch_terminal import CONCH, EXITED_MARK, ConchTerminal, find_blocks, needs_tmux
from tests.e2e.test_tmux_attach import (
    ATTACHED,
    Place,
    attach_client,
    client_pid,
    finished_block,
    place,
    running_block,
    wait_for_file_command,
)
from tests.host.conch_process import has_exited

__all__ = ["place"]  # the fixture, shared with test_tmux_attach.py
pytestmark = [needs_tmux, pytest.mark.e2e]


def conch_ps(place: Place) -> list[dict[str, Any]]:
    """`conch ps --json` as the user runs it, in the same environment as the clients."""
    listed = subprocess.run([str(CONCH), "ps", "--json"], env=place.env, capture_output=True,
                            text=True, timeout=30, stdin=subprocess.DEVNULL)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    rows: list[dict[str, Any]] = json.loads(listed.stdout)
    return rows


def session_of(terminal: ConchTerminal) -> str:
    """The short session id the status line shows."""
    return terminal.screen().split(ATTACHED, 1)[1].split()[0]


def test_ctrl_q_alone_on_an_idle_session_stops_it_and_attach_id_revives_it(
    place: Place,
) -> None:
    with attach_client(place) as client:
        assert "^q Quit" in client.screen()  # the footer's keys
        client.type_line("echo before-the-quit")
        finished_block(client, "echo before-the-quit", "before-the-quit")
        session = session_of(client)
        client.send("C-q")
        screen = client.wait_for(f"{EXITED_MARK} rc=0")
        assert f"Stopped session {session}" in screen
    assert conch_ps(place) == [], "a stopped session is not live"
    with attach_client(place, session) as revived:
        assert "before-the-quit" in finished_block(revived, "echo before-the-quit", "")
        assert "Session stopped: its last client quit" in revived.screen()
        revived.type_line("echo after-the-revival")
        finished_block(revived, "echo after-the-revival", "after-the-revival")
        rows = conch_ps(place)
        assert [row["id"][:8] for row in rows] == [session]


def test_ctrl_q_with_another_client_attached_only_detaches(place: Place) -> None:
    with attach_client(place) as first, attach_client(place) as second:
        second.wait_for(lambda screen: ATTACHED in screen)
        first.send("C-q")
        screen = first.wait_for(f"{EXITED_MARK} rc=0")
        assert "Detached from session" in screen and "another client is attached" in screen
        rows = conch_ps(place)
        assert len(rows) == 1 and rows[0]["clients"] == 1 and rows[0]["state"] == "idle"
        second.type_line("echo still-here")
        finished_block(second, "echo still-here", "still-here")


def test_ctrl_q_while_a_command_runs_detaches_and_the_command_goes_on(place: Place) -> None:
    command = wait_for_file_command(place, "go", "started", "finished-alone")
    with attach_client(place) as client:
        client.type_line(command)
        running_block(client, command, "started")
        client.send("C-q")
        screen = client.wait_for(f"{EXITED_MARK} rc=0")
        assert "Detached from session" in screen and "a command is running" in screen
    rows = conch_ps(place)
    assert [(row["state"], row["clients"]) for row in rows] == [("running", 0)]
    (place.workdir / "go").touch()
    with attach_client(place) as again:
        assert "started" in finished_block(again, command, "finished-alone")


def test_ctrl_d_and_slash_detach_keep_an_idle_session_alive(place: Place) -> None:
    with attach_client(place) as client:
        session = session_of(client)
        client.send("C-d")
        assert "Detached from session" in client.wait_for(f"{EXITED_MARK} rc=0")
    assert [row["id"][:8] for row in conch_ps(place)] == [session]
    with attach_client(place) as client:
        client.type_line("/detach")
        assert "Detached from session" in client.wait_for(f"{EXITED_MARK} rc=0")
    assert [(row["id"][:8], row["state"]) for row in conch_ps(place)] == [(session, "idle")]


def test_closing_the_window_detaches_and_the_running_command_goes_on(place: Place) -> None:
    command = wait_for_file_command(place, "go", "before-the-close", "after-the-close")
    with attach_client(place) as client:
        client.type_line(command)
        running_block(client, command, "before-the-close")
        pid = client_pid(client)
        client.tmux("kill-session", "-t", "conch")  # the window closes: SIGHUP to the client
        assert has_exited(pid, 15), "the client outlived its window"
    rows = conch_ps(place)
    assert [(row["state"], row["clients"]) for row in rows] == [("running", 0)]
    (place.workdir / "go").touch()
    with attach_client(place) as again:
        block = finished_block(again, command, "after-the-close")
        assert "before-the-close" in block and "✓ 0" in block
        assert len(find_blocks(again.screen(), command)) == 1
