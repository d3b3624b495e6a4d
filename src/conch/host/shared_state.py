"""A live session's shared mutable state, as a Yjs document (pycrdt) every client mirrors.

What every client must show alike and that is not history: the title, the agent, the
session's state (and ``secret_input``: the running program reads a password), who is
attached with which role, the prompts waiting for the agent (``queue``: each can be
cancelled by its id from any client) and the permission questions
waiting for an answer (``questions``: by id, with the tool and the options, and the turn and
tool call id by which a client finds the journaled request it shows). History stays
in the journal, a client's draft and mode stay in that client. Synced with the Yjs sync
protocol over the connection's ``Y`` frames: a client sends SYNC_STEP1, the host answers
SYNC_STEP2, and every change after that reaches each follower as a SYNC_UPDATE.

The host is the document's only writer for now: updates a client sends are ignored
(an observer must not write, and a controller has nothing to write yet), so a client that
reconnects merges cleanly by construction. Used on the host's event loop only.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from pycrdt import (
    Array,
    Doc,
    Map,
    TransactionEvent,
    YMessageType,
    YSyncMessageType,
    create_update_message,
    handle_sync_message,
)

from conch.host.handshake import Role
from conch.host.live_sessions import SessionState
from conch.host.permission_questions import PendingQuestion
from conch.host.session_agent import WaitingPrompt

log = logging.getLogger("conch.host")
Broadcast = Callable[[bytes], None]
_client_keys = itertools.count(1)


class SharedState:
    def __init__(self, title: str, agent: str, state: SessionState, broadcast: Broadcast) -> None:
        self.doc: Doc[Any] = Doc()
        self.session: Map[Any] = self.doc.get("session", type=Map)
        self.clients: Map[Map[str]] = self.doc.get("clients", type=Map)
        self.queue: Array[Map[Any]] = self.doc.get("queue", type=Array)
        self.questions: Map[Map[Any]] = self.doc.get("questions", type=Map)
        with self.doc.transaction():
            self.session["title"] = title
            self.session["agent"] = agent
            self.session["state"] = state
        self._broadcast = broadcast
        self.doc.observe(self._changed)

    def _changed(self, event: TransactionEvent) -> None:
        self._broadcast(create_update_message(event.update))

    def set_state(self, state: SessionState) -> None:
        if self.session.get("state") != state:
            self.session["state"] = state

    def set_secret_input(self, secret: bool) -> None:
        """The running program reads a password (echo off): clients mask what is typed."""
        if bool(self.session.get("secret_input")) != secret:
            self.session["secret_input"] = secret

    def set_title(self, title: str) -> None:
        if self.session.get("title") != title:
            self.session["title"] = title

    def set_agent(self, agent: str) -> None:
        if self.session.get("agent") != agent:
            self.session["agent"] = agent

    def set_queue(self, waiting: list[WaitingPrompt]) -> None:
        """The prompts waiting for the agent, oldest first (rewritten only when changed)."""
        ids = [prompt.id for prompt in waiting]
        if [item.get("id") for item in self.queue] == ids:
            return
        with self.doc.transaction():
            self.queue.clear()
            for prompt in waiting:
                self.queue.append(Map({"id": prompt.id, "text": prompt.text}))

    def set_questions(self, pending: list[PendingQuestion]) -> None:
        """The permission questions waiting for a controller's answer."""
        wanted = {question.id: question for question in pending}
        with self.doc.transaction():
            for gone in [key for key in list(self.questions.keys()) if key not in wanted]:
                del self.questions[gone]
            for key, question in wanted.items():
                if key not in self.questions:
                    self.questions[key] = Map(_question(question))

    def add_client(self, role: Role, client: str) -> str:
        """A client attached; the key to remove it with."""
        key = f"c{next(_client_keys)}"
        self.clients[key] = Map({"role": role, "client": client})
        return key

    def remove_client(self, key: str) -> None:
        if key in self.clients:
            del self.clients[key]

    def answer(self, message: bytes) -> bytes | None:
        """The reply to a client's sync message: SYNC_STEP2 for its SYNC_STEP1; None for
        anything else (a client's own updates are not taken)."""
        if len(message) < 2 or message[0] != YMessageType.SYNC:
            return None
        if message[1] != YSyncMessageType.SYNC_STEP1:
            log.info("ignored a client's update to the shared state (the host writes it)")
            return None
        try:
            return handle_sync_message(message[1:], self.doc)
        except Exception as error:  # a malformed message is the client's problem, not ours
            log.warning("a bad sync message from a client: %s", error)
            return None


def _question(question: PendingQuestion) -> dict[str, Any]:
    request = question.request
    options = [
        Map({"id": option.option_id, "name": option.name, "kind": option.option_kind})
        for option in request.options
    ]
    return {
        "prompt": question.owner,
        "turn": question.turn if question.turn is not None else -1,
        "tool_call_id": request.tool_call.tool_call_id,
        "tool": request.tool_call.title,
        "tool_kind": request.tool_call.tool_kind,
        "reason": request.reason,
        "options": Array(options),
    }
