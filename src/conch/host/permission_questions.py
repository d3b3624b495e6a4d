"""A live session's pending permission questions: shown to every controller, first answer wins.

The agent's turn asks (on the agent's own thread and loop, session_agent.py); clients answer
(on the host's loop). A lock decides which answer came first; every later answer is refused
with who answered and what, so each client can say so. The answer reaches the waiting turn
as a concurrent Future. Must never import Textual.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass

from conch.agents.events import Decision, PermissionRequest

_question_ids = itertools.count(1)


class AlreadyAnswered(Exception):
    """Someone answered first (or the turn ended before anyone did)."""

    def __init__(self, decision: Decision) -> None:
        if decision.option_id is None:
            who = "nobody (the turn ended first)"
        else:
            who = decision.by or "another client"
        chosen = decision.option_id or "cancelled"
        super().__init__(f"this question was already answered by {who}: {chosen}")
        self.decision = decision


class UnknownQuestion(Exception):
    """No question of this session has that id."""


class UnknownOption(Exception):
    """The question offers no option with that id."""


@dataclass(frozen=True)
class PendingQuestion:
    id: str
    owner: str
    """The queued prompt whose turn asks (its questions end with it)."""
    request: PermissionRequest
    turn: int | None = None
    """The journal index of the asking turn's prompt (clients match the journaled question)."""


class PermissionQuestions:
    def __init__(self, on_change: Callable[[], None] = lambda: None) -> None:
        self._on_change = on_change
        """Told after a question is asked or settled (from whichever thread did it)."""
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[PendingQuestion, concurrent.futures.Future[Decision]]] = {}
        self._settled: dict[str, Decision] = {}

    def ask(
        self, owner: str, request: PermissionRequest, turn: int | None = None
    ) -> tuple[PendingQuestion, concurrent.futures.Future[Decision]]:
        question = PendingQuestion(f"q{next(_question_ids)}", owner, request, turn)
        answer: concurrent.futures.Future[Decision] = concurrent.futures.Future()
        with self._lock:
            self._pending[question.id] = (question, answer)
        self._on_change()
        return question, answer

    def answer(self, question_id: str, option_id: str, by: str) -> Decision:
        """Settle the question with ``option_id`` from ``by``; AlreadyAnswered when it was
        settled before, UnknownQuestion / UnknownOption for ids it never had."""
        with self._lock:
            settled = self._settled.get(question_id)
            if settled is not None:
                raise AlreadyAnswered(settled)
            found = self._pending.get(question_id)
            if found is None:
                raise UnknownQuestion(f"no question {question_id!r} in this session")
            question, future = found
            option = next((o for o in question.request.options if o.option_id == option_id), None)
            if option is None:
                offered = ", ".join(o.option_id for o in question.request.options)
                raise UnknownOption(f"{option_id!r} is not an option here (options: {offered})")
            decision = Decision(option.option_id, option.option_kind, by)
            self._settle(question_id, future, decision)
        self._on_change()
        return decision

    def cancel(self, owner: str) -> None:
        """The owner's turn ended: its unanswered questions are answered "cancelled"."""
        with self._lock:
            mine = [(q.id, f) for q, f in self._pending.values() if q.owner == owner]
            for question_id, future in mine:
                self._settle(question_id, future, Decision(None))
        if mine:
            self._on_change()

    def withdraw(self, question_id: str) -> None:
        """Forget a question whose asker stopped waiting (it was settled or cancelled)."""
        with self._lock:
            found = self._pending.pop(question_id, None)
        if found is not None:
            self._on_change()

    def pending(self) -> list[PendingQuestion]:
        with self._lock:
            return [question for question, _ in self._pending.values()]

    def _settle(
        self, question_id: str, future: concurrent.futures.Future[Decision], decision: Decision
    ) -> None:
        self._pending.pop(question_id, None)
        self._settled[question_id] = decision
        if not future.done():
            future.set_result(decision)
