"""The attach client's link to the host: start it if none runs, attach, follow, ask.

One HostConnection (host/client.py) on the client's own event loop. ``open`` attaches and
returns the history the host sent after its reply (every event up to ``last_index``); then
``next_events`` hands over live events in batches, as many as have come, so a flood of output
costs one redraw per batch, not per event. A link that lost its host (HostGone) can
``reopen``: it starts a host (which restores the session from the journal) and attaches
again to the same session, asking only for the events after the last one seen. The session's
shared state (queue, questions, agent) is mirrored in ``state`` once attached; ``name`` is
how the host names this client to the others (a permission's "by").
Plain asyncio: no Textual. Starting a host blocks for up to seconds (host/process.py), so it
runs in a thread; its module is imported only then (it pulls in the whole host, ~0.2 s).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conch.clients.attach.line_submission import Submission
from conch.clients.attach.session_feed import event_from_wire
from conch.clients.attach.shared_questions import SharedQuestions
from conch.host.client import HostConnection, HostGone, HostNotRunning, HostRequestFailed
from conch.host.handshake import Role
from conch.host.runtime import HostPlaces, host_places
from conch.host.state_mirror import StateMirror
from conch.sessions.records import Event

__all__ = ["Attached", "HostGone", "HostLink", "HostRequestFailed"]

QUESTION_ID_WAIT = 5.0
"""Seconds an answer to a just-shown question waits for the host's id of it."""


@dataclass(frozen=True)
class Attached:
    """What the host said when the client attached, and the history it sent after."""

    session: str
    cwd: str
    role: Role
    history: list[Event]
    started_host: bool
    """This client had to start the host (none was running)."""


class HostLink:
    def __init__(
        self,
        cwd: str,
        *,
        session: str | None = None,
        new: bool = False,
        role: Role = "controller",
        places: HostPlaces | None = None,
        name: str = "attach",
    ) -> None:
        self.cwd = cwd
        self.session = session
        """The id to attach to; set to the attached session's once attached."""
        self.new = new
        self.role: Role = role
        self.places = places or host_places()
        self.name = name
        self.state: StateMirror | None = None
        """The session's shared state, mirrored (None until attached)."""
        self.on_state_change: Callable[[], None] | None = None
        """Told whenever the mirrored shared state changed."""
        self.questions = SharedQuestions()
        self._connection: HostConnection | None = None

    async def open(self, after_index: int = -1) -> Attached:
        """Connect (starting a host if none runs) and attach; HostRequestFailed when the
        host cannot give that session, HandshakeRefused for another Conch version."""
        started = False
        try:
            connection = await HostConnection.open(self.places.socket, self.role, self.name)
        except HostNotRunning:
            await asyncio.to_thread(_start_host, self.places)
            started = True
            connection = await HostConnection.open(self.places.socket, self.role, self.name)
        self._connection = connection
        params: dict[str, Any] = {"role": self.role, "after_index": after_index, "cwd": self.cwd}
        if self.session:
            params["session"] = self.session
        elif self.new:
            params["new"] = True
        reply = await connection.request("attach", **params)
        self.session = str(reply["session"])
        self.new = False  # a reopen attaches to this session, not to another new one
        self.state = StateMirror(connection)
        self.state.on_change = self._state_changed
        self.state.start()
        history = await self._history(int(reply["last_index"]), after_index)
        return Attached(self.session, str(reply["cwd"]), reply["role"], history, started)

    async def reopen(self, after_index: int) -> Attached:
        """After the host went away: start one, attach again, get what was missed."""
        await self.close()
        return await self.open(after_index)

    async def _history(self, last_index: int, after_index: int) -> list[Event]:
        history: list[Event] = []
        seen = after_index
        while seen < last_index:
            batch = await self.next_events()
            history += batch
            seen = batch[-1].idx
        return history

    async def next_events(self) -> list[Event]:
        """The next live events: waits for one, then takes every one already here.
        HostGone when the host went away."""
        connection = self._live()
        first = await connection.next_event()
        messages = [first, *connection.ready_events()]
        return [
            event_from_wire(self.session or "", message["event"])
            for message in messages
            if message.get("session") == self.session
        ] or await self.next_events()

    def _state_changed(self) -> None:
        if self.state is not None:
            self.questions.update(self.state.questions)
        if self.on_state_change is not None:
            self.on_state_change()

    async def question_id(self, turn: int, tool_call_id: str) -> str | None:
        """The host's id for the question turn ``turn`` asked about that tool call. The
        journal's event and the shared state's entry travel separately: an answer given the
        instant the question shows may beat the entry, so it is waited for (a few ms;
        QUESTION_ID_WAIT at most, then None)."""
        found = self.questions.id_for(turn, tool_call_id)
        state = self.state
        if found is None and state is not None:
            with contextlib.suppress(TimeoutError):
                await state.wait_until(
                    lambda mirror: self.questions.id_for(turn, tool_call_id) is not None,
                    QUESTION_ID_WAIT,
                )
            found = self.questions.id_for(turn, tool_call_id)
        return found

    async def submit(self, submission: Submission) -> dict[str, Any]:
        """Send a line where ``submission`` says; the host's reply (``to``: shell, agent, or
        ask with a ``reason`` and maybe a ``suggestion``)."""
        reply = await self._live().request("submit", line=submission.text, mode=submission.mode)
        return reply if isinstance(reply, dict) else {}

    async def answer(self, question: str, option: str) -> None:
        """Answer a permission question; HostRequestFailed ``already-answered`` when another
        client was first (its message names who and what)."""
        await self._live().request("answer", question=question, option=option)

    async def cancel(self, prompt: str) -> None:
        """Withdraw a queued prompt (HostRequestFailed ``not-queued`` when it started)."""
        await self._live().request("cancel", prompt=prompt)

    async def interrupt(self, target: str = "any") -> bool:
        """Ctrl+C for the command, cancel for the agent's turn (``target``: any, shell,
        agent); whether something was running."""
        answer = await self._live().request("interrupt", target=target)
        return bool(answer.get("interrupted")) if isinstance(answer, dict) else False

    async def send_input(self, text: str, *, eof: bool = False) -> bool:
        """Text for the running command's stdin; ``eof`` adds Ctrl+D after it."""
        answer = await self._live().request("send_input", text=text, eof=eof)
        return bool(answer.get("sent")) if isinstance(answer, dict) else False

    async def resize(self, rows: int, cols: int) -> None:
        await self._live().request("resize", rows=rows, cols=cols)

    async def detach(self) -> None:
        """Stop following; the session goes on in the host."""
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(HostGone, HostRequestFailed):
                await asyncio.wait_for(connection.request("detach"), 2.0)
        await self.close()

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    def _live(self) -> HostConnection:
        if self._connection is None:
            raise HostGone("not connected to the host")
        return self._connection


def _start_host(places: HostPlaces) -> None:
    """Start a host in the background; another client may have just started one first."""
    from conch.host import process

    try:
        process.start_detached(places)
    except HostNotRunning:
        if not process.is_running(places):  # not another client's host that won the lock
            raise
