"""Fixtures for the session journal tests: a journal in the test's temp dir, a scripted session,
and a child process that writes the journal (journal_child.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conch.agents.events import (
    STANDARD_OPTIONS,
    AgentEvent,
    AgentUnavailable,
    Decision,
    FileDiff,
    MessageChunk,
    ModeUpdate,
    PermissionDecided,
    PermissionRequest,
    PlanEntry,
    PlanUpdate,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
    TurnEnded,
)
from conch.sessions import events as ev
from conch.sessions.journal import Journal

CHILD = Path(__file__).with_name("journal_child.py")


@pytest.fixture
def journal_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.db"


@pytest.fixture
def journal(journal_file: Path) -> Iterator[Journal]:
    opened = Journal.open(journal_file)
    yield opened
    opened.close()


def context(cwd: str = "/work/project", agent: str = "fake") -> TurnContext:
    return TurnContext(cwd, "auto", agent, "model-1", 1_700_000_000.0, "/work/project")


def shell_command(
    journal: Journal, session_id: str, command: str, output: str, status: int = 0,
    cwd: str = "/work/project",
) -> None:  # fmt: skip
    """What the app journals for one shell command the user ran."""
    journal.append(session_id, ev.USER_INPUT, ev.USER, ev.user_input(command, "shell", cwd))
    journal.append(session_id, ev.SHELL_START, ev.USER, ev.shell_start(command, cwd))
    journal.append(session_id, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(output))
    journal.append(session_id, ev.SHELL_END, ev.SHELL, ev.shell_end(status, cwd))


def agent_turn(
    journal: Journal, session_id: str, prompt: str, answer: str, *, agent_session: str = "ag-1"
) -> int:
    """What the app journals for one agent turn: prompt acked alone, the rest batched."""
    journal.append(
        session_id, ev.USER_INPUT, ev.USER, ev.user_input(prompt, "agent", "/work/project")
    )
    turn = journal.append(session_id, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt(prompt, context()))
    with journal.batch(session_id) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, agent_session))
        for word in answer.split(" "):
            batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, MessageChunk(word + " ")))
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, TurnEnded("end_turn")))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done", "end_turn"))
    return turn


def unavailable_turn(journal: Journal, session_id: str, prompt: str) -> int:
    """A prompt no agent took: Conch answered that none is configured."""
    turn = journal.append(session_id, ev.AGENT_PROMPT, ev.USER,
                          ev.agent_prompt(prompt, context(agent="none")))  # fmt: skip
    with journal.batch(session_id) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "conch-none"))
        unavailable = AgentUnavailable("No agent is configured, so this line was not sent.")
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, unavailable))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done"))
    return turn


OUTSIDE_WRITE = ToolCall("conch-write-1", "Write /tmp/notes.txt", "edit", "pending")


def interleaved_turn(journal: Journal, session_id: str) -> int:
    """A turn whose answer is written around what it does, as an ACP agent's is journaled:
    text, a read, more text, a write outside the project the user allows (Conch's permission
    event, then the agent's own record of the answer), the last text."""
    turn = journal.append(
        session_id, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("copy notes.txt", context())
    )
    read = ToolCall("t1", "Read notes.txt", "read", "pending", '{"path": "notes.txt"}')
    request = PermissionRequest(OUTSIDE_WRITE, STANDARD_OPTIONS, "outside the project")
    allowed = Decision("allow_once", "allow_once")
    updates: list[AgentEvent] = [
        MessageChunk("I'll read notes.txt"),
        MessageChunk(" first."),
        read,
        ToolCallUpdate("t1", "completed", content="milk\n"),
        MessageChunk("It lists milk. Copying it."),
    ]
    with journal.batch(session_id) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-1"))
        for update in updates:
            batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, update))
        batch.append(ev.PERMISSION, ev.USER, ev.permission(turn, request, allowed))
        decided = PermissionDecided("conch-write-1", "allow_once", "allow_once")
        for update in (decided, MessageChunk("Saved."), TurnEnded("end_turn")):
            batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, update))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done", "end_turn"))
    return turn


def rich_session(journal: Journal, session_id: str) -> None:
    """A session using every kind of event: shell, agent with tools, plan, permission."""
    shell_command(journal, session_id, "ls", "a.txt\nb.txt\n")
    journal.append(session_id, ev.MODE_CHANGE, ev.USER, ev.mode_change("agent"))
    turn = journal.append(
        session_id, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("fix a.txt", context())
    )
    edit = ToolCall("t1", "Edit a.txt", "edit", "pending", '{"path": "a.txt"}', "",
                    (FileDiff("a.txt", "old\n", "new\n"),), ("a.txt",))  # fmt: skip
    with journal.batch(session_id) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-1"))
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, ModeUpdate("code")))
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, ThoughtChunk("think ")))
        batch.append(
            ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, PlanUpdate((PlanEntry("edit"),)))
        )
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, edit))
        request = PermissionRequest(edit, STANDARD_OPTIONS, "writes outside the project")
        decision = Decision("allow_once", "allow_once")
        batch.append(ev.PERMISSION, ev.USER, ev.permission(turn, request, decision))
        update = ToolCallUpdate("t1", status="completed", content="edited")
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, update))
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, MessageChunk("Done.")))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done", "end_turn"))
    journal.append(session_id, ev.CWD_CHANGE, ev.SHELL, ev.cwd_change("/work/project/src"))
    journal.append(session_id, ev.NOTICE, ev.CONCH, ev.notice("hello"))


class Child:
    """journal_child.py running; ``expect`` reads its lines up to one that starts with a prefix."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.acked: list[int] = []
        self.session_id = ""

    def expect(self, prefix: str) -> str:
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                stderr = self.process.stderr.read() if self.process.stderr else ""
                raise AssertionError(f"the child ended before {prefix!r}: {stderr}")
            line = line.rstrip("\n")
            if line.startswith("acked "):
                self.acked.append(int(line.split()[1]))
            elif line.startswith("session "):
                self.session_id = line.split()[1]
            if line.startswith(prefix):
                return line

    def kill(self) -> None:
        """kill -9, and wait until the process is gone (its locks with it)."""
        self.process.kill()
        self.process.wait(timeout=30)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def children() -> Iterator[list[Child]]:
    """Children started by a test; any still running at its end are killed."""
    started: list[Child] = []
    yield started
    for child in started:
        if child.process.poll() is None:
            child.kill()
