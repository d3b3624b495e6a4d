"""The attach client's link to the host: start it if none runs, attach, follow, ask.

One HostConnection (host/client.py) on the client's own event loop. ``open`` attaches and
returns the history the host sent after its reply (every event up to ``last_index``); then
``next_events`` hands over live events in batches, as many as have come, so a flood of output
costs one redraw per batch, not per event. A link that lost its host (HostGone) can
``reopen``: it starts a host (which restores the session from the journal) and attaches
again to the same session, asking only for the events after the last one seen. The session's
shared state (queue, questions, agent) is mirrored in ``state`` once attached; ``name`` is
how the host names this client to the others (a permission's "by").
A full-screen program (vim) that runs in the session is told through ``on_full_screen``; when
it is this client's, its screen comes in ``screen`` and ``send_keys`` types into it. Help
after a line of this client's failed ("did you mean …?") comes through ``on_error_offer``.
Tab asks the host (``complete``: the session's bash knows its cwd and aliases), and so do
Up/Down for the lines typed in every session (``input_history``).
Plain asyncio: no Textual. Starting a host blocks for up to seconds (host/process.py), so it
runs in a thread; its module is imported only then (it pulls in the whole host, ~0.2 s).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conch.clients.attach.line_submission import Submission
from conch.clients.attach.session_feed import event_from_wire
from conch.clients.attach.shared_questions import SharedQuestions
from conch.history import HistoryEntry
from conch.host.client import HostConnection, HostGone, HostNotRunning, HostRequestFailed
from conch.host.client_name import client_name
from conch.host.completion_wire import request_completion
from conch.host.error_offers import MESSAGE_TYPE as ERROR_OFFER
from conch.host.error_offers import offer_from_wire
from conch.host.handshake import Role
from conch.host.runtime import HostPlaces, host_places
from conch.host.state_mirror import StateMirror
from conch.sessions.records import Event
from conch_plugins.shell_mode.completion import Completion
from conch_plugins.shell_mode.failure_offer import Offer

__all__ = ["Attached", "Detached", "FullScreen", "HostGone", "HostLink", "HostRequestFailed"]
STOP_TIMEOUT = 10.0
"""Seconds a detach may take: stopping a session ends its bash and agent (a few seconds at
most, bounded in the host)."""


@dataclass(frozen=True)
class FullScreen:
    """A full-screen program runs in the session."""

    program: str
    yours: bool
    """This client started it: it gets the program's screen and its keys go to it."""


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
    notices: tuple[str, ...] = ()
    """What the host says about its journal, once, to show below the history: a damaged
    journal set aside or a wiped one (to the first window only), sessions not being saved."""


@dataclass(frozen=True)
class Detached:
    """How leaving went: the session was stopped (Ctrl+Q on an idle session), or kept."""

    stopped: bool
    kept: str
    """Why the session goes on ("" when stopped, or when only a detach was asked)."""


class HostLink:
    def __init__(
        self,
        cwd: str,
        *,
        session: str | None = None,
        new: bool = False,
        role: Role = "controller",
        places: HostPlaces | None = None,
        name: str | None = None,
        agent: str | None = None,
    ) -> None:
        self.cwd = cwd
        self.agent = agent
        """The agent to switch the session to once attached (``--agent``), the first time."""
        self.session = session
        """The id to attach to; set to the attached session's once attached."""
        self.new = new
        self.role: Role = role
        self.places = places or host_places()
        self.name = name or client_name()
        """How other clients see this one (who answered, who is attached)."""
        self.state: StateMirror | None = None
        """The session's shared state, mirrored (None until attached)."""
        self.on_state_change: Callable[[], None] | None = None
        """Told whenever the mirrored shared state changed."""
        self.questions = SharedQuestions()
        self.full_screen: FullScreen | None = None
        """The full-screen program that runs in the session now, if any."""
        self.on_full_screen: Callable[[FullScreen | None], None] | None = None
        """Told when a full-screen program starts (and whose it is) and when it ends."""
        self.screen: asyncio.Queue[bytes | None] = asyncio.Queue()
        """The screen of this client's full-screen program; None once it ended."""
        self.on_error_offer: Callable[[int, Offer], None] | None = None
        """Told what the host offers after a line this client submitted failed, and the
        index of that command's ``shell_start`` event (it may come before the view has shown
        that command's end: events wait in their queue, this is told at once)."""
        self._connection: HostConnection | None = None
        self.host_pid = 0
        """The pid of the host last connected to (its crash report is named with it)."""

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
        self.host_pid = connection.host_pid
        connection.on_raw = self.screen.put_nowait
        connection.on_notice = self._notice
        params: dict[str, Any] = {"role": self.role, "after_index": after_index, "cwd": self.cwd}
        if self.session:
            params["session"] = self.session
        elif self.new:
            params["new"] = True
        if self.agent and self.role == "controller":
            params["agent"] = self.agent  # refused before a session is opened for nothing
        reply = await connection.request("attach", **params)
        self.session = str(reply["session"])
        self.new = False  # a reopen attaches to this session, not to another new one
        self.state = StateMirror(connection)
        self.state.on_change = self._state_changed
        self.state.start()
        if self.agent and self.role == "controller":
            await self.set_agent(self.agent)
            self.agent = None  # a reopen keeps what the session has now
        history = await self._history(int(reply["last_index"]), after_index)
        notices = tuple(str(notice) for notice in reply.get("notices") or ())
        return Attached(self.session, str(reply["cwd"]), reply["role"], history, started, notices)

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
            seen = max(seen, batch[-1].idx)  # a private line's event (-1) is in no journal
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

    async def route(self, submission: Submission) -> str:
        """Where submitting ``submission`` would send it now (shell, agent, or ask), from
        the host's routing with the session's commands; nothing is sent."""
        reply = await self._live().request("route", line=submission.text, mode=submission.mode)
        return str(reply.get("to") or "") if isinstance(reply, dict) else ""

    async def complete(self, line: str, cursor: int, mode: str = "auto") -> Completion:
        """What Tab offers for ``line`` at ``cursor``, from the session's own helper bash in
        the host (its cwd after a ``cd``, its aliases). HostRequestFailed when it failed."""
        try:
            return await request_completion(self._live(), line, cursor, mode)
        except ValueError as error:  # a reply that is not a completion
            raise HostRequestFailed("completion-failed", str(error)) from None

    async def blob(self, ref: int) -> str:
        """The full text of a big output the journal stores by reference (its event carries
        ``ref``, ``size`` and a tail)."""
        reply = await self._live().request("blob", ref=ref)
        return str(reply.get("text", "")) if isinstance(reply, dict) else ""

    async def input_history(self, limit: int) -> list[HistoryEntry]:
        """The last ``limit`` lines typed in any of the host's sessions, oldest first."""
        reply = await self._live().request("input_history", limit=limit)
        rows = reply.get("entries") if isinstance(reply, dict) else None
        return [
            HistoryEntry(str(text), str(mode), str(cwd), float(at))
            for text, mode, cwd, at in rows or []
        ]

    async def set_agent(self, name: str) -> str:
        """The session's agent from its next prompt; the name the host settled on.
        HostRequestFailed (``no-agent``) for a name it does not know."""
        reply = await self._live().request("set_agent", agent=name)
        return str(reply["agent"])

    async def rename(self, title: str | None, session: str | None = None) -> str:
        """Give ``session`` (the attached one by default) a title, or clear it with None
        (every client's status line shows it); the title the host stored.
        HostRequestFailed: ``bad-params`` for an empty one, ``observer``, ``journal``."""
        params: dict[str, Any] = {"title": title}
        if session:
            params["session"] = session
        reply = await self._live().request("rename", **params)
        return str(reply["title"])

    async def delete(self, session: str) -> None:
        """Delete a stored session for good (its forks keep their copies).
        HostRequestFailed: ``live`` (the host runs it: says what to do), ``journal``."""
        await self._live().request("delete", session=session)

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

    async def send_keys(self, keys: bytes) -> bool:
        """Keys as they were pressed, for this client's full-screen program."""
        data = base64.b64encode(keys).decode()
        answer = await self._live().request("send_input", data=data)
        return bool(answer.get("sent")) if isinstance(answer, dict) else False

    def end_screen(self) -> None:
        """No more screen will come (the host went away): whoever draws it stops."""
        self.screen.put_nowait(None)

    def _notice(self, message: dict[str, Any]) -> None:
        if message.get("type") == ERROR_OFFER:
            found = offer_from_wire(message)
            told = self.on_error_offer
            if found is not None and told is not None and message.get("session") == self.session:
                told(*found)
            return
        if message.get("type") != "full_screen":
            return
        program = str(message.get("program") or "")
        if not program:
            self.full_screen = None
            self.end_screen()
            if self.on_full_screen is not None:
                self.on_full_screen(None)
            return
        yours = bool(message.get("yours"))
        if yours:
            self.screen = asyncio.Queue()
            if self._connection is not None:
                self._connection.on_raw = self.screen.put_nowait
        self.full_screen = FullScreen(program, yours)
        if self.on_full_screen is not None:
            self.on_full_screen(self.full_screen)

    async def detach(self, *, stop_if_idle: bool = False) -> Detached:
        """Stop following; the session goes on in the host, unless ``stop_if_idle`` (Ctrl+Q)
        and the host found nothing to keep it for (it decides: it knows the other clients)."""
        connection = self._connection
        answer: Any = None
        if connection is not None:
            with contextlib.suppress(HostGone, HostRequestFailed, TimeoutError):
                answer = await asyncio.wait_for(
                    connection.request("detach", stop_if_idle=stop_if_idle), STOP_TIMEOUT
                )
        await self.close()
        if not isinstance(answer, dict):
            return Detached(stopped=False, kept="the host did not answer")
        return Detached(bool(answer.get("stopped")), str(answer.get("kept") or ""))

    async def fork(self, at_index: int | None = None, session: str | None = None) -> str:
        """A new session copied from ``session`` (the attached one by default) up to event
        ``at_index`` (its end by default); its id. HostRequestFailed: ``observer``,
        ``no-session``, ``bad-params`` (a point outside the session), ``journal``."""
        params: dict[str, Any] = {"at_index": at_index}
        if session:
            params["session"] = session
        reply = await self._live().request("fork", **params)
        return str(reply["session"])

    async def live_sessions(self) -> list[dict[str, Any]]:
        """The sessions the host runs now, as ``conch ps --json`` lists them."""
        rows = await self._live().request("ps")
        return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []

    async def leave_for(self, session: str | None, cwd: str = "") -> str | None:
        """``/new``, the picker, ``/fork``: stop following this session (it goes on in the
        host); the next ``open`` attaches to ``session`` (the host revives a stored one), or
        to a new session in ``cwd`` when None. The session left, if there was one."""
        left = self.session
        await self.detach()
        self.session, self.new, self.cwd = session, session is None, cwd or self.cwd
        self.state, self.full_screen = None, None
        self.questions = SharedQuestions()  # the ids of the left session's questions
        return left

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
