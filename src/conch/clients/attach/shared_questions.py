"""Which question id of the host's shared state a journaled permission request is.

The journal's ``permission_asked`` event carries the whole request (the tool, its diff) and
is what a client shows; the host's shared state (host/shared_state.py) carries the id an
``answer`` must name. They meet on (turn, tool call id). Ids are remembered after the host
drops a settled question, so a key pressed on a box the client has not yet seen settled
still names its question, and the host can say who answered first. Plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SharedQuestions:
    def __init__(self) -> None:
        self._ids: dict[tuple[int, str], str] = {}
        self.waiting: set[str] = set()
        """Ids of the questions the host says are waiting for an answer now."""

    def update(self, questions: Mapping[str, Mapping[str, Any]]) -> None:
        """Take the shared state's ``questions`` (by id) as they are now."""
        for question_id, question in questions.items():
            turn, tool_call_id = question.get("turn"), question.get("tool_call_id")
            # Yjs keeps every number as a float: the turn comes back as 12.0.
            if isinstance(turn, int | float) and isinstance(tool_call_id, str):
                self._ids[(int(turn), tool_call_id)] = question_id
        self.waiting = set(questions)

    def id_for(self, turn: int, tool_call_id: str) -> str | None:
        """The id of the question the turn asked about that tool call (the latest one)."""
        return self._ids.get((turn, tool_call_id))
