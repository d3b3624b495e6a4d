"""The requests about sessions: attach, detach, submit, interrupt, send_input, resize, blob,
the agent's: answer, cancel, set_agent; Tab's: complete; Up/Down's: input_history (the
lines typed in every session); and a paste review's: route (where a ``submit`` would send a
line now, sending nothing). Editing sessions (rename, delete, fork) is session_edits.py's.

A full-screen program (vim) that a submitted line starts belongs to the client that submitted
it: that client gets ``full_screen`` with ``yours`` and the program's screen as ``R`` frames,
sends its keys as ``send_input`` ``data`` (base64 bytes, not lines) and its terminal's size as
``resize``; the other clients get ``full_screen`` without ``yours``, and their input and
sizes are refused until the program ends (``full_screen`` with no ``program``).

A connection follows one session at a time. Requests that change a session need the
``controller`` role; an observer gets the ``observer`` error and the session is untouched.
``submit`` sends a line to the session's bash (mode ``shell``, the default), to its agent
(``agent``), or where the shell-mode plugin's routing says (``auto``: a line that reads both
ways is not run, the reply says ``ask`` and the client asks its user; with no agent
configured it runs in the shell, the only place there is). A permission question
goes to every controller; the first ``answer`` wins, a later one gets ``already-answered``
naming who answered.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import Any

from conch.agents.registry import UnknownAgent
from conch.host.completion_wire import completion_to_wire
from conch.host.connection import Connection
from conch.host.follower import Follower
from conch.host.handshake import ROLES
from conch.host.permission_questions import AlreadyAnswered, UnknownOption, UnknownQuestion
from conch.host.request_errors import RequestFailed
from conch.host.request_roles import AfterReply, Handler, controlled, followed
from conch.host.session_agent import SessionAgent
from conch.host.session_edits import SessionEdits
from conch.host.session_engine import SessionEngine
from conch.host.session_host import SessionHost
from conch.plugin_host import shell_feature
from conch.sessions.records import Event
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.routing import Target

SUBMIT_MODES = ("shell", "agent", "auto")
INTERRUPT_TARGETS = ("any", "shell", "agent")
HISTORY_LIMIT = 100_000
"""The most ``input_history`` lines one request returns (the app's own limit is 10,000)."""


class SessionRequests:
    def __init__(self, sessions: SessionHost) -> None:
        self.sessions = sessions

    def handlers(self) -> dict[str, Handler]:
        return {
            "attach": self.attach,
            "detach": self.detach,
            "submit": self.submit,
            "interrupt": self.interrupt,
            "send_input": self.send_input,
            "resize": self.resize,
            "blob": self.blob,
            "answer": self.answer,
            "cancel": self.cancel,
            "set_agent": self.set_agent,
            "complete": self.complete,
            "route": self.route,
            "input_history": self.input_history,
            **SessionEdits(self.sessions).handlers(),
        }

    async def attach(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        role = params.get("role", connection.role)
        if role not in ROLES:
            raise RequestFailed(
                f"unknown role {role!r}; roles are {', '.join(ROLES)}", "bad-params"
            )
        after_index = params.get("after_index", -1)
        if not isinstance(after_index, int) or after_index < -1:
            raise RequestFailed("after_index must be an event index, or -1 for all", "bad-params")
        agent = params.get("agent")
        if agent is not None:  # the agent the client switches to next (--agent): known?
            if not isinstance(agent, str) or not agent:
                raise RequestFailed("agent must be an agent's name", "bad-params")
            self.sessions.check_agent(agent)
        session = params.get("session")
        engine = await self.sessions.session_for(
            str(session) if session else None, str(params.get("cwd") or ""), bool(params.get("new"))
        )
        self._leave(connection)
        connection.role = role
        follower, history = await self.sessions.follow(
            engine,
            after_index,
            role,
            connection.client,
            connection.send,
            connection.send_sync,
            connection.send_raw,
        )
        connection.following = follower
        reply = {
            "session": engine.id,
            "cwd": engine.cwd,
            "shell_cwd": engine.shell.shell.cwd,
            "state": engine.state,
            "role": role,
            "last_index": history[-1].idx if history else after_index,
            # Said once in the window, not journaled: a damaged journal set aside, unsaved.
            "notices": self.sessions.host_journal.notices_for_attach(),
        }

        def send_history(history: list[Event] = history, follower: Follower = follower) -> None:
            follower.catch_up(history)
            self.sessions.tell_full_screen(follower)

        return reply, send_history

    async def detach(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Stop following; the session goes on running. With ``stop_if_idle`` (Ctrl+Q) a
        controller's detach also stops the session when nothing keeps it (``stopped``;
        ``kept`` says why not)."""
        left = self._leave(connection)
        if not params.get("stop_if_idle") or left is None:
            return {"detached": left, "stopped": False, "kept": ""}, None
        if connection.role != "controller":
            return {"detached": left, "stopped": False, "kept": "an observer stops nothing"}, None
        kept = await self.sessions.stop_if_idle(left)
        return {"detached": left, "stopped": not kept, "kept": kept}, None

    def _leave(self, connection: Connection) -> str | None:
        follower, connection.following = connection.following, None
        if follower is None:
            return None
        self.sessions.unfollow(follower)
        return follower.session_id

    def forget(self, connection: Connection) -> None:
        """The connection is gone (closed or dropped): the session goes on."""
        self._leave(connection)

    async def submit(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        engine = self._controlled(connection)
        line, mode = self._line_and_mode(params, "submit")
        to, text, reason, suggestion = await self._route(engine, line, mode)
        if to == "ask":
            return {"to": "ask", "reason": reason, "suggestion": suggestion}, None
        if to == "shell":
            owner = connection.following
            index = await asyncio.to_thread(engine.submit, text, mode, owner, line)
            return {"input_index": index, "to": "shell", "reason": reason}, None
        agent = self._agent(engine)
        input_index = None
        if not engine.is_private(line):  # like bash's ignorespace: not in history or journal
            input_index = await asyncio.to_thread(
                engine.record,
                lambda recorder: recorder.user_input(line, mode, engine.shell.shell.cwd),
            )
        waiting = await agent.submit(text)
        reply = {"input_index": input_index, "to": "agent", "reason": reason,
                 "prompt": waiting.id, "turn_index": waiting.turn_index}  # fmt: skip
        return reply, None

    async def route(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Where ``submit`` would send the line now (``to``: shell, agent or ask), sending
        nothing: a paste review says it before the user submits."""
        engine = self._followed(connection)
        line, mode = self._line_and_mode(params, "route")
        to, _, reason, _ = await self._route(engine, line, mode)
        return {"to": to, "reason": reason}, None

    @staticmethod
    def _line_and_mode(params: dict[str, Any], request: str) -> tuple[str, str]:
        line, mode = params.get("line"), params.get("mode", "shell")
        if not isinstance(line, str) or not line.strip():
            raise RequestFailed(f"{request} needs a non-empty line", "bad-params")
        if mode not in SUBMIT_MODES:
            raise RequestFailed(f"mode must be one of {', '.join(SUBMIT_MODES)}", "bad-params")
        return line, mode

    async def _route(
        self, engine: SessionEngine, line: str, mode: str
    ) -> tuple[str, str, str, str | None]:
        """Where ``line`` goes in ``mode``: the target (shell, agent, ask), the text to send
        there, why, and for ``ask`` the suggested route."""
        if mode != "auto":
            return mode, line, f"{mode} mode", None
        commands = engine.shell.index
        route_line = shell_feature().route
        route = await asyncio.to_thread(route_line, line, ExecutionMode.AUTO, commands)
        if route.target is Target.ASK and not self._has_agent(engine):
            # Nowhere else to send it: asking would be a question for nothing.
            return "shell", route.text, route.reason, None
        return route.target.value, route.text, route.reason, route.suggestion

    async def interrupt(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Ctrl+C for the command (``shell``), cancel for the turn (``agent``), or both
        (``any``, the default): says which were running."""
        engine = self._controlled(connection)
        target = params.get("target", "any")
        if target not in INTERRUPT_TARGETS:
            raise RequestFailed(f"target must be one of {', '.join(INTERRUPT_TARGETS)}",
                                "bad-params")  # fmt: skip
        shell = agent = False
        if target in ("any", "shell"):
            shell = await asyncio.to_thread(engine.terminal.interrupt)
        if target in ("any", "agent"):
            agent = await self._agent(engine).interrupt()
        return {"interrupted": shell or agent, "shell": shell, "agent": agent}, None

    async def answer(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """A controller's answer to a permission question: the first one wins."""
        engine = self._controlled(connection)
        agent = self._agent(engine)
        question, option = params.get("question"), params.get("option")
        if not isinstance(question, str) or not isinstance(option, str):
            raise RequestFailed("answer needs a question id and an option id", "bad-params")
        # Who answered is said only when the question showed in more than one window; the
        # one person at a lone window is not named, as in the app.
        shown_to = self.sessions.followers.of(engine.id)
        by = (connection.client or "a client") if len(shown_to) > 1 else ""
        try:
            decision = agent.questions.answer(question, option, by)
        except AlreadyAnswered as taken:
            raise RequestFailed(str(taken), "already-answered") from None
        except (UnknownQuestion, UnknownOption) as error:
            raise RequestFailed(str(error), "bad-params") from None
        return {"question": question, "option": decision.option_id, "by": decision.by}, None

    async def cancel(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Withdraw a queued prompt (from any controller) before its turn starts."""
        agent = self._agent(self._controlled(connection))
        prompt = params.get("prompt")
        if not isinstance(prompt, str):
            raise RequestFailed("cancel needs the id of a queued prompt", "bad-params")
        if not await agent.cancel(prompt):
            raise RequestFailed(f"prompt {prompt!r} is not waiting (it started, ended, or "
                                "was cancelled)", "not-queued")  # fmt: skip
        return {"cancelled": prompt}, None

    async def set_agent(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """The agent for the session's next prompts. The conversation says the outcome, as
        the app's ``/agents NAME`` does: the next prompt's agent, or which agents exist."""
        engine = self._controlled(connection)
        agent = self._agent(engine)
        name = params.get("agent")
        if not isinstance(name, str) or not name:
            raise RequestFailed("set_agent needs an agent name", "bad-params")
        try:
            spec = await agent.set_agent(name)
        except UnknownAgent as error:
            await asyncio.to_thread(engine.notice, str(error), "warning")
            raise RequestFailed(str(error), "no-agent") from None
        return {"agent": spec.name, "model": spec.model}, None

    async def complete(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Tab: what the session's own helper bash offers for ``line`` at ``cursor``."""
        engine = self._controlled(connection)
        line, cursor, mode = params.get("line"), params.get("cursor"), params.get("mode", "auto")
        if not isinstance(line, str) or not isinstance(cursor, int):
            raise RequestFailed("complete needs a line and a cursor offset", "bad-params")
        if not 0 <= cursor <= len(line):
            raise RequestFailed(f"cursor {cursor} is outside the line", "bad-params")
        if mode not in SUBMIT_MODES:
            raise RequestFailed(f"mode must be one of {', '.join(SUBMIT_MODES)}", "bad-params")
        cwd = engine.shell.shell.cwd
        try:
            completion = await asyncio.to_thread(
                engine.completion.complete, line, cursor, ExecutionMode(mode), cwd
            )
        except Exception as error:  # a broken helper bash must not take the session down
            engine.completion.restart()
            raise RequestFailed(f"Tab completion failed: {error}; the next Tab restarts it",
                                "completion-failed") from None  # fmt: skip
        return completion_to_wire(completion), None

    async def input_history(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Up/Down and Ctrl+R: the last ``limit`` lines typed in any session, oldest first,
        each as ``[text, mode, cwd, time]`` (the app reads the same from the journal)."""
        self._followed(connection)
        limit = params.get("limit", HISTORY_LIMIT)
        if not isinstance(limit, int) or not 0 < limit <= HISTORY_LIMIT:
            raise RequestFailed(f"limit must be 1 to {HISTORY_LIMIT}", "bad-params")
        journal = self.sessions.host_journal.require()
        entries = await asyncio.to_thread(journal.input_history, limit)
        return {"entries": [[e.text, e.mode, e.cwd, e.time] for e in entries]}, None

    async def send_input(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """Text (``text``) or keys as they were pressed (``data``: base64 bytes) for the
        running command's stdin."""
        engine = self._controlled(connection)
        text, encoded = params.get("text", ""), params.get("data")
        if not isinstance(text, str) or not isinstance(encoded, str | None):
            raise RequestFailed("send_input needs text, or data as base64", "bad-params")
        try:
            data = base64.b64decode(encoded, validate=True) if encoded else text.encode()
        except binascii.Error:
            raise RequestFailed("send_input's data is not base64", "bad-params") from None
        data += b"\x04" if params.get("eof") else b""
        return {"sent": engine.terminal.send_input(data, connection.following)}, None

    async def resize(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        engine = self._controlled(connection)
        rows, cols = params.get("rows"), params.get("cols")
        if not isinstance(rows, int) or not isinstance(cols, int):
            raise RequestFailed("resize needs integer rows and cols", "bad-params")
        resized = await asyncio.to_thread(engine.terminal.resize, rows, cols, connection.following)
        return {"rows": rows, "cols": cols, "resized": resized}, None

    async def blob(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[Any, AfterReply | None]:
        """A big output's full text (its event carries ``ref``, ``size`` and a tail)."""
        self._followed(connection)
        ref = params.get("ref")
        journal = self.sessions.host_journal.journal
        if not isinstance(ref, int) or journal is None:
            raise RequestFailed("blob needs the ref of an output event", "bad-params")
        return {"text": await asyncio.to_thread(journal.read_blob, ref)}, None

    def sync(self, connection: Connection, message: bytes) -> None:
        """A Yjs sync message about the followed session's shared state (shared_state.py)."""
        follower = connection.following
        shared = self.sessions.shared.get(follower.session_id) if follower else None
        reply = shared.answer(message) if shared is not None else None
        if reply is not None:
            connection.send_sync(reply)

    def _followed(self, connection: Connection) -> SessionEngine:
        return followed(self.sessions, connection)

    def _has_agent(self, engine: SessionEngine) -> bool:
        agent = self.sessions.agents.get(engine.id)
        return agent is not None and agent.spec is not None

    def _agent(self, engine: SessionEngine) -> SessionAgent:
        agent = self.sessions.agents.get(engine.id)
        if agent is None:
            raise RequestFailed("this session has no agent running in the host", "not-attached")
        return agent

    def _controlled(self, connection: Connection) -> SessionEngine:
        return controlled(self.sessions, connection)
