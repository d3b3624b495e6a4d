"""The sessions the host is running now, as ``conch ps`` lists them.

A live session is one whose bash, agent and journal writer sit in this host.
The registry only tracks them and summarises them; running them is the
session engine's job.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

SessionState = Literal["idle", "running", "working", "needs-input", "stopped", "failed"]
"""running: a shell command; working: an agent turn; needs-input: a question waits."""


@dataclass(frozen=True)
class SessionSummary:
    """One row of ``conch ps``; ``--json`` prints these keys."""

    id: str
    title: str
    cwd: str
    agent: str
    state: SessionState
    clients: int
    last_activity: float
    """Unix time of the last journaled event."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class LiveSessions:
    """Live sessions by id; the host's single list of what it runs."""

    def __init__(self) -> None:
        self._summaries: dict[str, SessionSummary] = {}

    def update(self, summary: SessionSummary) -> None:
        self._summaries[summary.id] = summary

    def remove(self, session_id: str) -> None:
        self._summaries.pop(session_id, None)

    def summaries(self) -> list[SessionSummary]:
        return sorted(self._summaries.values(), key=lambda s: s.last_activity, reverse=True)

    def __len__(self) -> int:
        return len(self._summaries)
